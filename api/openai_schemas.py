"""Request and response models of the OpenAI-compatible face (``/v1/models``,
``/v1/chat/completions``), in the shapes the ``openai`` SDK and LangChain's ``ChatOpenAI`` read.

Fields of the OpenAI protocol that do not apply to an extractive assistant (``temperature``,
``max_tokens``, ``tools``, ...) are accepted and ignored. The ``/ask`` response travels in the
extra top-level field ``policy_assistant``, which OpenAI clients ignore.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import AskFiltersIn, AskResponse

MODEL_ID = "policy-assistant"
_TOKEN = re.compile(r"\w+|[^\w\s]")

ChatRole = Literal["system", "developer", "user", "assistant", "tool", "function"]


class ModelPublic(BaseModel):
    id: str = Field(description="The model name to send as `model`.", examples=[MODEL_ID])
    object: Literal["model"] = Field("model", description="Always `model`.")
    created: int = Field(description="Unix time the current index version was built (0: none).")
    owned_by: str = Field(description="Who serves the model.", examples=["policy-assistant"])


class ModelList(BaseModel):
    object: Literal["list"] = Field("list", description="Always `list`.")
    data: list[ModelPublic] = Field(description="The models served: the assistant.")


class ContentPart(BaseModel):
    """One part of a message's content; only text parts are read."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(description="`text` is read; other parts (images, files) are ignored.")
    text: str | None = Field(None, description="The text of a `text` part.")


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: ChatRole = Field(
        description="Only `user` messages are read: the last is the question, the earlier ones "
        "the conversation. System, assistant and tool messages are ignored."
    )
    content: str | list[ContentPart] | None = Field(
        None, description="The message text, or a list of content parts."
    )
    name: str | None = Field(None, description="Ignored.")

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        parts = self.content or []
        return "\n".join(p.text for p in parts if p.type == "text" and p.text)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = Field(
        False, description="Send one more chunk with `usage` (and no choices) before `[DONE]`."
    )


class ChatCompletionRequest(BaseModel):
    """An OpenAI chat-completions request. Other OpenAI fields are accepted and ignored."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "model": MODEL_ID,
                    "messages": [
                        {"role": "user", "content": "Hoeveel LKS-contracten zijn er in Q3 gestart?"}
                    ],
                },
                {
                    "model": MODEL_ID,
                    "stream": True,
                    "messages": [
                        {
                            "role": "user",
                            "content": "Hoeveel LKS-contracten zijn er in Q3 gestart?",
                        },
                        {"role": "assistant", "content": "De documenten geven ... 220 ..."},
                        {"role": "user", "content": "en in 2022?"},
                    ],
                },
            ]
        },
    )
    model: str = Field(description=f"`{MODEL_ID}` (see `GET /v1/models`).", examples=[MODEL_ID])
    messages: list[ChatMessageIn] = Field(
        min_length=1,
        description="The chat so far, oldest first; the last user message is the question.",
    )
    stream: bool = Field(
        False, description="Stream Server-Sent Events of `chat.completion.chunk`, then `[DONE]`."
    )
    stream_options: StreamOptions | None = Field(None, description="Streaming options.")
    n: int = Field(1, ge=1, le=1, description="Choices to return: only 1.")
    conversation_id: str | None = Field(
        None,
        max_length=128,
        description="Extension: continue this `/api/v1/ask` conversation instead of reading "
        "the conversation from the earlier messages.",
    )
    filters: AskFiltersIn | None = Field(
        None, description="Extension: the filters of `/api/v1/ask` (municipality, year, ...)."
    )


class ChatMessageOut(BaseModel):
    role: Literal["assistant"] = Field("assistant", description="Always `assistant`.")
    content: str = Field(
        description="The answer as Markdown, citations as numbered footnotes ([1], [2]) with "
        "the sources listed below it (title, municipality, year, file, page and lines)."
    )


class Choice(BaseModel):
    index: int = Field(0, description="Always 0.")
    message: ChatMessageOut = Field(description="The answer.")
    finish_reason: Literal["stop"] = Field("stop", description="Always `stop`.")
    logprobs: None = Field(None, description="Always null.")


class Usage(BaseModel):
    prompt_tokens: int = Field(description="Words and punctuation marks of the question read.")
    completion_tokens: int = Field(description="Words and punctuation marks of the answer.")
    total_tokens: int = Field(description="The sum of both.")


class ChatCompletion(BaseModel):
    id: str = Field(description="`chatcmpl-` and a unique id.")
    object: Literal["chat.completion"] = Field(
        "chat.completion", description="Always `chat.completion`."
    )
    created: int = Field(description="Unix time of the answer.")
    model: str = Field(description="The model that answered.", examples=[MODEL_ID])
    system_fingerprint: str | None = Field(description="The index version that answered.")
    choices: list[Choice] = Field(description="One choice.")
    usage: Usage = Field(description="Sizes of question and answer (not model tokens).")
    policy_assistant: AskResponse = Field(
        description="Extension: the full `/api/v1/ask` response (status, lead, citations, "
        "figures, conversation id, trace). OpenAI clients ignore it."
    )


class ChunkDelta(BaseModel):
    role: Literal["assistant"] | None = Field(None, description="In the first chunk only.")
    content: str | None = Field(None, description="The next piece of the answer.")


class ChunkChoice(BaseModel):
    index: int = Field(0, description="Always 0.")
    delta: ChunkDelta = Field(description="What this chunk adds.")
    finish_reason: Literal["stop"] | None = Field(None, description="`stop` in the last chunk.")
    logprobs: None = Field(None, description="Always null.")


class ChatCompletionChunk(BaseModel):
    """One Server-Sent Event of a streamed answer (``data: {...}``)."""

    id: str = Field(description="The same id in every chunk of one answer.")
    object: Literal["chat.completion.chunk"] = Field(
        "chat.completion.chunk", description="Always `chat.completion.chunk`."
    )
    created: int = Field(description="Unix time of the answer.")
    model: str = Field(description="The model that answered.")
    system_fingerprint: str | None = Field(None, description="The index version that answered.")
    choices: list[ChunkChoice] = Field(description="One choice; none in the usage chunk.")
    usage: Usage | None = Field(None, description="Only in the usage chunk.")
    policy_assistant: AskResponse | None = Field(
        None, description="Extension: the full `/api/v1/ask` response, in the last chunk."
    )

    def sse(self) -> str:
        """The chunk as one Server-Sent Event (optional fields left out when empty)."""
        unset = {name for name in _OPTIONAL if getattr(self, name) is None}
        return f"data: {self.model_dump_json(exclude=unset)}\n\n"


_OPTIONAL = ("system_fingerprint", "usage", "policy_assistant")


def count_tokens(text: str) -> int:
    """Words and punctuation marks: a stand-in for model tokens, which an extractive writer
    does not have."""
    return len(_TOKEN.findall(text))


def usage(question: str, answer: str) -> Usage:
    prompt, completion = count_tokens(question), count_tokens(answer)
    return Usage(
        prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
    )
