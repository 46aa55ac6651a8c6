"""The assistant layer: the application service over ingest and metrics, and its evaluation.

The names below are imported on first use (PEP 562), so a command that needs only a part of
the layer (an unchanged re-ingest, a question sent to a running server) does not pay for the
rest.

For LangChain code, two factories with the default settings (or given ones)::

    from assistant import retriever
    r = retriever()
    docs = r.invoke("Hoeveel LKS-contracten zijn er in Q3 gestart?")

``ask_runnable()`` is the ``ask`` Runnable: a question in, the ``/ask`` response out.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

    from assistant.audit import AuditLog, AuditRecord, SqliteAuditLog, create_audit_log
    from assistant.citations import format_citation, format_location
    from assistant.conversation import ConversationStore, ConversationSummary, Frame, Turn
    from assistant.conversation_store import SqliteConversationStore, create_conversation_store
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
    from assistant.footnotes import footnoted
    from assistant.langchain_api import PolicyRetriever
    from assistant.passage_search import CitedPassage, cited_passages
    from assistant.passages import Passage
    from assistant.pipeline import MODEL_DIR, AnswerPipeline, AskResult, answer_more
    from assistant.services import PolicyAssistant, build_assistant
    from assistant.training import Split, lodo_for, split_sets, train_models
    from corpus import Settings
    from ingest import SearchFilters

_LAZY = {
    "answer_more": "assistant.pipeline",
    "AnswerPipeline": "assistant.pipeline",
    "AskResult": "assistant.pipeline",
    "AuditLog": "assistant.audit",
    "AuditRecord": "assistant.audit",
    "CitedPassage": "assistant.passage_search",
    "ConversationStore": "assistant.conversation",
    "ConversationSummary": "assistant.conversation",
    "EVIDENCE_SLACK": "assistant.eval_scoring",
    "EvalReport": "assistant.eval_report",
    "Frame": "assistant.conversation",
    "MODEL_DIR": "assistant.pipeline",
    "Passage": "assistant.passages",
    "PolicyAssistant": "assistant.services",
    "Resolution": "assistant.followup",
    "SCORE_LABELS": "assistant.eval_report",
    "SourceTexts": "assistant.evaluation",
    "Split": "assistant.training",
    "SqliteAuditLog": "assistant.audit",
    "SqliteConversationStore": "assistant.conversation_store",
    "Subset": "assistant.evaluation",
    "Turn": "assistant.conversation",
    "below_floors": "assistant.evaluation",
    "build_assistant": "assistant.services",
    "cited_passages": "assistant.passage_search",
    "create_audit_log": "assistant.audit",
    "create_conversation_store": "assistant.conversation_store",
    "default_name": "assistant.evaluation",
    "describe_row": "assistant.eval_report",
    "evaluate": "assistant.evaluation",
    "evidence_places": "assistant.eval_scoring",
    "first_hit_rank": "assistant.eval_scoring",
    "footnoted": "assistant.footnotes",
    "format_citation": "assistant.citations",
    "format_location": "assistant.citations",
    "in_places": "assistant.eval_scoring",
    "load_questions": "assistant.eval_scoring",
    "load_subset": "assistant.evaluation",
    "lodo_for": "assistant.training",
    "percentile": "assistant.eval_scoring",
    "resolve_followup": "assistant.followup",
    "score_answer": "assistant.eval_scoring",
    "select": "assistant.evaluation",
    "split_sets": "assistant.training",
    "summarize": "assistant.eval_scoring",
    "train_models": "assistant.training",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def retriever(
    settings: Settings | None = None,
    *,
    k: int = 4,
    filters: SearchFilters | None = None,
    policy_assistant: PolicyAssistant | None = None,
) -> PolicyRetriever:
    """A LangChain retriever of citable passages over the current index (default settings:
    the environment and ``.env``, like the CLI). Imports langchain-core on first use."""
    from assistant.langchain_api import policy_retriever
    from assistant.services import build_assistant

    return policy_retriever(policy_assistant or build_assistant(settings), k, filters)


def ask_runnable(
    settings: Settings | None = None, *, policy_assistant: PolicyAssistant | None = None
) -> Runnable[Any, dict[str, Any]]:
    """The ``ask`` Runnable: a question (or ``/ask`` request dict, or chat messages) in, the
    ``/ask`` response as a dict out."""
    from assistant.langchain_api import ask_chain
    from assistant.services import build_assistant

    return ask_chain(policy_assistant or build_assistant(settings))


__all__ = [
    "EVIDENCE_SLACK",
    "MODEL_DIR",
    "SCORE_LABELS",
    "AnswerPipeline",
    "AskResult",
    "AuditLog",
    "AuditRecord",
    "CitedPassage",
    "ConversationStore",
    "ConversationSummary",
    "EvalReport",
    "Frame",
    "Passage",
    "PolicyAssistant",
    "Resolution",
    "SourceTexts",
    "Split",
    "SqliteAuditLog",
    "SqliteConversationStore",
    "Subset",
    "Turn",
    "answer_more",
    "ask_runnable",
    "below_floors",
    "build_assistant",
    "cited_passages",
    "create_audit_log",
    "create_conversation_store",
    "default_name",
    "describe_row",
    "evaluate",
    "evidence_places",
    "first_hit_rank",
    "footnoted",
    "format_citation",
    "format_location",
    "in_places",
    "load_questions",
    "load_subset",
    "lodo_for",
    "percentile",
    "resolve_followup",
    "retriever",
    "score_answer",
    "select",
    "split_sets",
    "summarize",
    "train_models",
]
