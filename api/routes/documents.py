from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import ReadyAssistantDep
from api.schemas import DocumentsResponse, ErrorResponse, PassageResponse

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])


@router.get("", response_model=DocumentsResponse, summary="Ingested documents with their metadata")
def list_documents(assistant: ReadyAssistantDep) -> DocumentsResponse:
    return DocumentsResponse.model_validate({"documents": assistant.documents()})


@router.get(
    "/{doc_id}/passage",
    response_model=PassageResponse,
    responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    summary="Exact source text of a line range (or page) with a ready-to-paste citation",
)
def passage(
    assistant: ReadyAssistantDep,
    doc_id: Annotated[str, Path(max_length=128)],
    line_start: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    line_end: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    page: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    context: Annotated[int, Query(ge=0, le=50)] = 5,
) -> PassageResponse:
    found = assistant.passage(doc_id, line_start, line_end, page, context=context)
    return PassageResponse.model_validate(found, from_attributes=True)
