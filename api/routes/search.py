from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.bounds import SEARCH_K_MAX, YEAR_MAX, YEAR_MIN
from api.deps import ReaderDep, ReadyAssistantDep
from api.schemas import SearchResponse, SearchResult, error_responses
from ingest import SearchFilters

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get(
    "/search",
    response_model=SearchResponse,
    responses=error_responses(401, 404, 422, 503),
    summary="Hybrid (BM25 + dense) passage search with exact line coordinates",
)
def search(
    assistant: ReadyAssistantDep,
    principal: ReaderDep,
    q: Annotated[str, Query(description="The question or search words.")],
    k: Annotated[int, Query(ge=1, le=SEARCH_K_MAX, description="Number of results.")] = 10,
    municipality: str | None = None,
    year: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)] = None,
    doc_type: str | None = None,
    doc_id: str | None = None,
    mode: Annotated[str, Query(pattern="^(hybrid|bm25|dense)$")] = "hybrid",
) -> SearchResponse:
    filters = SearchFilters(
        municipality=municipality or None,
        year=year,
        doc_type=doc_type or None,
        doc_id=doc_id or None,
        access=principal.access,
    )
    hits = assistant.search(q, k=k, filters=filters, mode=mode)
    docs = assistant.index.snapshot().documents
    return SearchResponse(
        results=[
            SearchResult.model_validate(assistant.locator.hit(hit, docs[hit.doc_id]))
            for hit in hits
        ]
    )
