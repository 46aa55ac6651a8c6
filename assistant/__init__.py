"""The assistant layer: the application service over ingest (and, later, metrics)."""

from assistant.answer import Answerer, AskResult
from assistant.citations import format_citation, format_location
from assistant.services import Passage, PolicyAssistant, build_assistant

__all__ = [
    "Answerer",
    "AskResult",
    "Passage",
    "PolicyAssistant",
    "build_assistant",
    "format_citation",
    "format_location",
]
