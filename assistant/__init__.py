"""The assistant layer: the application service over ingest and metrics, and its evaluation."""

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
from assistant.passages import Passage
from assistant.pipeline import MODEL_DIR, AnswerPipeline, AskResult
from assistant.services import PolicyAssistant, build_assistant
from assistant.training import Split, lodo_for, split_sets, train_models

__all__ = [
    "EVIDENCE_SLACK",
    "MODEL_DIR",
    "SCORE_LABELS",
    "AnswerPipeline",
    "AskResult",
    "AuditLog",
    "AuditRecord",
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
    "lodo_for",
    "percentile",
    "resolve_followup",
    "score_answer",
    "select",
    "split_sets",
    "summarize",
    "train_models",
]
