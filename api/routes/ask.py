"""``POST /api/v1/ask`` (and ``/ask/stream``): a question answered from figures and passages."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.deps import ReaderDep, ReadyAssistantDep
from api.openapi import error_responses
from api.schemas import AskRequest, AskResponse
from assistant import AskResult, PolicyAssistant
from assistant.keys import Principal
from ingest import SearchFilters

router = APIRouter(prefix="/api/v1", tags=["ask"])


@router.post(
    "/ask",
    response_model=AskResponse,
    responses=error_responses(400, 401, 404, 408, 413, 422, 429, 503),
    summary="Answer a question with line-exact citations (answered, partial or refused)",
)
def ask(request: AskRequest, assistant: ReadyAssistantDep, principal: ReaderDep) -> AskResponse:
    return AskResponse.model_validate(_answer(request, assistant, principal).to_dict())


def _answer(request: AskRequest, assistant: PolicyAssistant, principal: Principal) -> AskResult:
    f = request.filters
    return assistant.ask(
        request.question,
        request.conversation_id,
        SearchFilters(f.municipality, f.year, f.doc_type, f.doc_id, access=principal.access),
        principal=principal.asker,
    )


def _sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post(
    "/ask/stream",
    responses={
        200: {"content": {"text/event-stream": {}}},
        **error_responses(400, 401, 404, 408, 413, 422, 429, 503),
    },
    summary="The same answer as Server-Sent Events: token events, then one final event",
)
def ask_stream(
    request: AskRequest, assistant: ReadyAssistantDep, principal: ReaderDep
) -> StreamingResponse:
    # answered before streaming starts, so a bad question is still a 4xx with the error shape
    result = _answer(request, assistant, principal)
    final = AskResponse.model_validate(result.to_dict()).model_dump(mode="json")

    def events() -> Iterator[str]:
        for token in re.findall(r"\S+\s*|\s+", result.answer):
            yield _sse("token", {"text": token})
        yield _sse("final", final)

    return StreamingResponse(events(), media_type="text/event-stream")
