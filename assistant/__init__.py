"""The assistant layer: the application service over ingest (and, later, metrics)."""

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
from assistant.followup import Resolution, resolve_followup
from assistant.services import Passage, PolicyAssistant, build_assistant

__all__ = [
    "Answerer",
    "AskResult",
    "AuditLog",
    "AuditRecord",
    "ConversationStore",
    "Frame",
    "Passage",
    "PolicyAssistant",
    "Resolution",
    "SqliteAuditLog",
    "SqliteConversationStore",
    "Turn",
    "build_assistant",
    "create_audit_log",
    "create_conversation_store",
    "format_citation",
    "format_location",
    "resolve_followup",
]
