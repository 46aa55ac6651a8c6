"""``POST /api/v1/ask``: a chat question answered from figures and passages, with citations."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ReadyAssistantDep
from api.schemas import AskRequest, AskResponse, ErrorResponse
from assistant import AskFilters

router = APIRouter(prefix="/api/v1", tags=["ask"])


@router.post(
    "/ask",
    response_model=AskResponse,
    responses={422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
    summary="Answer a question with line-exact citations (answered, partial or refused)",
)
def ask(request: AskRequest, assistant: ReadyAssistantDep) -> AskResponse:
    f = request.filters
    result = assistant.ask(
        request.question,
        request.conversation_id,
        AskFilters(f.municipality, f.year, f.doc_type, f.doc_id),
    )
    return AskResponse.model_validate(result.to_dict())
