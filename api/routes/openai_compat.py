"""The OpenAI-compatible face: ``GET /v1/models`` and ``POST /v1/chat/completions``.

For chat front-ends and scripts that speak the OpenAI chat API (Open WebUI, LibreChat, the
``openai`` SDK, LangChain's ``ChatOpenAI``). The last user message is the question; the earlier
user messages are the conversation (``assistant.transcript``), or ``conversation_id`` names one
as in ``/api/v1/ask``. The content is the answer with numbered footnotes; the ``/ask`` response
travels in the extra field ``policy_assistant``. Keys, roles and access levels are those of
``/api/v1``.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import StreamingResponse

from api.deps import AssistantDep, ReaderDep, ReadyAssistantDep
from api.openai_schemas import (
    MODEL_ID,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ChatMessageOut,
    Choice,
    ChunkChoice,
    ChunkDelta,
    ModelList,
    ModelPublic,
    usage,
)
from api.openapi import error_responses
from api.schemas import AskResponse
from assistant import AskResult, PolicyAssistant, footnoted
from assistant.keys import Principal
from corpus import InvalidRequestError, NotFoundError
from ingest import SearchFilters

router = APIRouter(prefix="/v1", tags=["openai"])
_PIECES = re.compile(r"\S+\s*|\s+")


def _model(assistant: PolicyAssistant) -> ModelPublic:
    created = 0
    if assistant.index.ready():
        created = int(assistant.index.snapshot().manifest.get("created_at") or 0)
    return ModelPublic(id=MODEL_ID, created=created, owned_by="policy-assistant")


def _check_model(name: str) -> None:
    if name != MODEL_ID:
        raise NotFoundError(
            f"no model {name!r}; this server has one model, {MODEL_ID!r}", code="model_not_found"
        )


@router.get(
    "/models",
    response_model=ModelList,
    responses=error_responses(401, 429),
    summary="The models served: the assistant, as one model (OpenAI-compatible)",
)
def list_models(assistant: AssistantDep, principal: ReaderDep) -> ModelList:
    return ModelList(data=[_model(assistant)])


@router.get(
    "/models/{model}",
    response_model=ModelPublic,
    responses=error_responses(401, 404, 422, 429),
    summary="One model (OpenAI-compatible)",
)
def get_model(
    assistant: AssistantDep,
    principal: ReaderDep,
    model: Annotated[str, Path(max_length=200, description="The model name.")],
) -> ModelPublic:
    _check_model(model)
    return _model(assistant)


def _answer(
    request: ChatCompletionRequest, assistant: PolicyAssistant, principal: Principal
) -> tuple[str, AskResult]:
    _check_model(request.model)
    questions = [m.text() for m in request.messages if m.role == "user"]
    if not questions:
        raise InvalidRequestError("the messages hold no user message", code="empty_question")
    f = request.filters
    filters = SearchFilters(
        f.municipality if f else None,
        f.year if f else None,
        f.doc_type if f else None,
        f.doc_id if f else None,
        access=principal.access,
    )
    asker = principal.key_id or principal.name or principal.role
    if request.conversation_id is not None:
        result = assistant.ask(questions[-1], request.conversation_id, filters, principal=asker)
    else:
        result = assistant.ask_transcript(questions, filters, principal=asker)
    return questions[-1], result


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={
        200: {
            "description": "The answer; with `stream: true`, Server-Sent Events of "
            "`chat.completion.chunk` objects (the last one with `policy_assistant`), then "
            "`data: [DONE]`.",
            "content": {"text/event-stream": {}},
        },
        **error_responses(400, 401, 404, 408, 413, 422, 429, 503),
    },
    summary="Answer the last user message, with footnoted citations (OpenAI-compatible)",
)
def chat_completions(
    request: ChatCompletionRequest, assistant: ReadyAssistantDep, principal: ReaderDep
) -> ChatCompletion | StreamingResponse:
    question, result = _answer(request, assistant, principal)
    ask = AskResponse.model_validate(result.to_dict())
    content = footnoted(result.answer, result.citations, result.language)
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    fingerprint = result.trace.get("index_version")
    if not request.stream:
        return ChatCompletion(
            id=completion_id,
            created=created,
            model=MODEL_ID,
            system_fingerprint=fingerprint,
            choices=[Choice(message=ChatMessageOut(content=content))],
            usage=usage(question, content),
            policy_assistant=ask,
        )
    with_usage = bool(request.stream_options and request.stream_options.include_usage)

    def chunk(choices: list[ChunkChoice], **extra: object) -> str:
        return ChatCompletionChunk.model_validate(
            {
                "id": completion_id,
                "created": created,
                "model": MODEL_ID,
                "system_fingerprint": fingerprint,
                "choices": choices,
                **extra,
            }
        ).sse()

    def events() -> Iterator[str]:
        yield chunk([ChunkChoice(delta=ChunkDelta(role="assistant", content=""))])
        for piece in _PIECES.findall(content):
            yield chunk([ChunkChoice(delta=ChunkDelta(content=piece))])
        yield chunk([ChunkChoice(delta=ChunkDelta(), finish_reason="stop")], policy_assistant=ask)
        if with_usage:
            yield chunk([], usage=usage(question, content))
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")
