"""The assistant layer: the application service over ingest and metrics, and its evaluation.

For LangChain code, two factories with the default settings (or given ones)::

    from assistant import retriever
    r = retriever()
    docs = r.invoke("Hoeveel LKS-contracten zijn er in Q3 gestart?")

``ask_runnable()`` is the ``ask`` Runnable: a question in, the ``/ask`` response out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from assistant.footnotes import footnoted
from assistant.passage_search import CitedPassage, cited_passages
from assistant.passages import Passage
from assistant.services import PolicyAssistant, build_assistant
from corpus import Settings
from ingest import SearchFilters

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

    from assistant.langchain_api import PolicyRetriever


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

    return policy_retriever(policy_assistant or build_assistant(settings), k, filters)


def ask_runnable(
    settings: Settings | None = None, *, policy_assistant: PolicyAssistant | None = None
) -> Runnable[Any, dict[str, Any]]:
    """The ``ask`` Runnable: a question (or ``/ask`` request dict, or chat messages) in, the
    ``/ask`` response as a dict out."""
    from assistant.langchain_api import ask_chain

    return ask_chain(policy_assistant or build_assistant(settings))


__all__ = [
    "EVIDENCE_SLACK",
    "SCORE_LABELS",
    "Answerer",
    "AskResult",
    "AuditLog",
    "AuditRecord",
    "CitedPassage",
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
    "percentile",
    "resolve_followup",
    "retriever",
    "score_answer",
    "select",
    "summarize",
]
