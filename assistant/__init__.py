"""The assistant layer: the application service over ingest and metrics, and its evaluation.

The names below are imported on first use (PEP 562), so a command that needs only a part of
the layer (an unchanged re-ingest, a question sent to a running server) does not pay for the
rest.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.answer import Answerer, AskResult
    from assistant.audit import AuditLog, AuditRecord, SqliteAuditLog, create_audit_log
    from assistant.citations import format_citation, format_location
    from assistant.conversation import (
        ConversationStore,
        Frame,
        SqliteConversationStore,
        Turn,
        create_conversation_store,
    )
    from assistant.eval_report import SCORE_LABELS, EvalReport, describe_row
    from assistant.eval_scoring import (
        EVIDENCE_SLACK,
        evidence_places,
        first_hit_rank,
        in_places,
        load_questions,
        percentile,
        score_answer,
        summarize,
    )
    from assistant.evaluation import (
        SourceTexts,
        Subset,
        below_floors,
        default_name,
        evaluate,
        load_subset,
        select,
    )
    from assistant.followup import Resolution, resolve_followup
    from assistant.passages import Passage
    from assistant.services import PolicyAssistant, build_assistant

_LAZY = {
    "Answerer": "assistant.answer",
    "AskResult": "assistant.answer",
    "AuditLog": "assistant.audit",
    "AuditRecord": "assistant.audit",
    "ConversationStore": "assistant.conversation",
    "EVIDENCE_SLACK": "assistant.eval_scoring",
    "EvalReport": "assistant.eval_report",
    "Frame": "assistant.conversation",
    "Passage": "assistant.passages",
    "PolicyAssistant": "assistant.services",
    "Resolution": "assistant.followup",
    "SCORE_LABELS": "assistant.eval_report",
    "SourceTexts": "assistant.evaluation",
    "SqliteAuditLog": "assistant.audit",
    "SqliteConversationStore": "assistant.conversation",
    "Subset": "assistant.evaluation",
    "Turn": "assistant.conversation",
    "below_floors": "assistant.evaluation",
    "build_assistant": "assistant.services",
    "create_audit_log": "assistant.audit",
    "create_conversation_store": "assistant.conversation",
    "default_name": "assistant.evaluation",
    "describe_row": "assistant.eval_report",
    "evaluate": "assistant.evaluation",
    "evidence_places": "assistant.eval_scoring",
    "first_hit_rank": "assistant.eval_scoring",
    "format_citation": "assistant.citations",
    "format_location": "assistant.citations",
    "in_places": "assistant.eval_scoring",
    "load_questions": "assistant.eval_scoring",
    "load_subset": "assistant.evaluation",
    "percentile": "assistant.eval_scoring",
    "resolve_followup": "assistant.followup",
    "score_answer": "assistant.eval_scoring",
    "select": "assistant.evaluation",
    "summarize": "assistant.eval_scoring",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "EVIDENCE_SLACK",
    "SCORE_LABELS",
    "Answerer",
    "AskResult",
    "AuditLog",
    "AuditRecord",
    "ConversationStore",
    "EvalReport",
    "Frame",
    "Passage",
    "PolicyAssistant",
    "Resolution",
    "SourceTexts",
    "SqliteAuditLog",
    "SqliteConversationStore",
    "Subset",
    "Turn",
    "below_floors",
    "build_assistant",
    "create_audit_log",
    "create_conversation_store",
    "default_name",
    "describe_row",
    "evaluate",
    "evidence_places",
    "first_hit_rank",
    "format_citation",
    "format_location",
    "in_places",
    "load_questions",
    "load_subset",
    "percentile",
    "resolve_followup",
    "score_answer",
    "select",
    "summarize",
]
