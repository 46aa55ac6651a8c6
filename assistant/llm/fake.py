"""A deterministic LangChain chat model (``POLICY_ASSISTANT_LLM__BACKEND=fake``).

By default it answers with the cited passages of the prompt, quoted and labelled
(``reply_from_prompt``), so a test can predict the text. ``script`` holds replies to give
first, in order; an exception in it is raised instead, to test the writer's fallbacks.
Every rendered prompt it receives is kept in ``prompts``.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from assistant.llm.prompts import reply_from_prompt


class FakeChatModel(BaseChatModel):
    script: list[Any] = Field(default_factory=list)
    prompts: list[list[str]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "policy-assistant-fake"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        texts = [str(m.content) for m in messages]
        self.prompts.append(texts)
        reply = self.script.pop(0) if self.script else reply_from_prompt(texts[-1])
        if isinstance(reply, BaseException):
            raise reply
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=str(reply)))])
