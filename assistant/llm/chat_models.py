"""The ``ChatModel`` seam: ``create_chat_model(settings)`` picks the backend of ``settings.llm``.

``openai`` is any server that speaks the OpenAI chat-completions protocol (vLLM, llama.cpp,
LM Studio, Ollama's ``/v1``), ``ollama`` is Ollama's own API, and ``fake`` is a deterministic
model for tests. The LangChain packages (the ``llm`` extra) are imported only inside the chosen
branch; without them the backend is a configuration error with an install hint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from corpus import ConfigurationError, Settings


@runtime_checkable
class ChatModel(Protocol):
    """What the writer needs from a chat model: LangChain's ``invoke`` on ``(role, text)``
    messages, returning a message with ``content``."""

    def invoke(self, input: Sequence[tuple[str, str]], /) -> Any: ...


def _install_hint(package: str, backend: str) -> ConfigurationError:
    return ConfigurationError(
        f"POLICY_ASSISTANT_LLM__BACKEND={backend} needs the {package} package, in the llm "
        "extra: pip install 'policy-assistant[llm]'",
        code="llm_backend_unavailable",
    )


def create_chat_model(settings: Settings) -> ChatModel | None:
    """The chat model named by ``settings.llm.backend``; ``None`` for ``none``."""
    llm = settings.llm
    if llm.backend == "none":
        return None
    if llm.backend == "fake":
        from assistant.llm.fake import FakeChatModel

        return FakeChatModel()
    if llm.backend == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:  # the llm extra is not installed
            raise _install_hint("langchain-openai", "openai") from exc
        return ChatOpenAI(
            base_url=llm.base_url,
            api_key=llm.api_key,
            model=llm.model,
            timeout=llm.timeout_s,
            max_retries=0,
            max_tokens=llm.max_tokens,
            temperature=llm.temperature,
        )
    try:
        from langchain_ollama import ChatOllama
    except ImportError as exc:  # the llm extra is not installed
        raise _install_hint("langchain-ollama", "ollama") from exc
    return ChatOllama(
        base_url=llm.base_url,
        model=llm.model,
        num_predict=llm.max_tokens,
        temperature=llm.temperature,
        client_kwargs={"timeout": llm.timeout_s},
    )


def model_name(settings: Settings) -> str:
    """The model named in the trace."""
    return (
        "fake" if settings.llm.backend == "fake" else f"{settings.llm.backend}:{settings.llm.model}"
    )
