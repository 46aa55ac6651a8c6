"""The optional language model: a ``ChatModel`` seam and the writer that may reword answers.

Importing this package is cheap: LangChain loads inside ``create_chat_model``'s branch.
"""

from __future__ import annotations

from assistant.llm.chat_models import ChatModel, create_chat_model, model_name
from assistant.llm.prompts import (
    PROMPT_DIR,
    PROMPT_FILES,
    AnswerPrompt,
    load_prompt,
    render_answer_prompt,
    reply_from_prompt,
)
from assistant.llm.writer import LLMWriter, writer_trace
from corpus import Settings


def create_llm_writer(settings: Settings, model: ChatModel | None = None) -> LLMWriter | None:
    """The writer over ``model`` or the configured chat model; ``None`` when there is none."""
    if model is not None:
        name = type(model).__name__ if settings.llm.backend == "none" else model_name(settings)
        return LLMWriter(model, name)
    model = create_chat_model(settings)
    return None if model is None else LLMWriter(model, model_name(settings))


__all__ = [
    "PROMPT_DIR",
    "PROMPT_FILES",
    "AnswerPrompt",
    "ChatModel",
    "LLMWriter",
    "create_chat_model",
    "create_llm_writer",
    "load_prompt",
    "render_answer_prompt",
    "reply_from_prompt",
    "writer_trace",
]
