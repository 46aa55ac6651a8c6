from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.bounds import SEARCH_K_MAX, YEAR_MAX, YEAR_MIN, SearchMode
from api.deps import ReaderDep, ReadyAssistantDep
from api.openapi import error_responses
from api.schemas import SearchResponse, SearchResult
from ingest import SearchFilters

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get(
    "/search",
    response_model=SearchResponse,
    responses=error_responses(401, 404, 422, 429, 503),
    summary="Hybrid (BM25 + dense) passage search with exact line coordinates",
)
def search(
    assistant: ReadyAssistantDep,
    principal: ReaderDep,
    q: Annotated[
        str,
        Query(
            description="The question or search words.",
            examples=["Hoeveel LKS-contracten zijn er in Q3 gestart?"],
        ),
    ],
    k: Annotated[
        int, Query(ge=1, le=SEARCH_K_MAX, description="Number of results (capped by a setting).")
    ] = 10,
    municipality: Annotated[
        str | None, Query(description="Only this municipality's documents.", examples=["Enschede"])
    ] = None,
    year: Annotated[
        int | None, Query(ge=YEAR_MIN, le=YEAR_MAX, description="Only documents of this year.")
    ] = None,
    doc_type: Annotated[
        str | None, Query(description="Only this document type.", examples=["raadsbrief"])
    ] = None,
    doc_id: Annotated[
        str | None, Query(description="Only this document (404 if unknown or not visible).")
    ] = None,
    mode: Annotated[
        SearchMode,
        Query(description="hybrid (BM25 and dense, fused), bm25 (words) or dense (meaning)."),
    ] = "hybrid",
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
