from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from api.deps import AdminDep, ReaderDep, ReadyAssistantDep, SettingsDep
from api.schemas import DocumentPublic, DocumentsResponse, PassageResponse, error_responses
from corpus import DocumentTooLargeError

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])

DocId = Annotated[str, Path(min_length=1, max_length=128)]


@router.get(
    "",
    response_model=DocumentsResponse,
    responses=error_responses(401, 403),
    summary="Ingested documents with their metadata",
)
def list_documents(assistant: ReadyAssistantDep, principal: ReaderDep) -> DocumentsResponse:
    return DocumentsResponse.model_validate({"documents": assistant.documents(principal.access)})


@router.get(
    "/{doc_id}/passage",
    response_model=PassageResponse,
    responses=error_responses(401, 403, 404, 422),
    summary="Exact source text of a cited place (or a page) with a ready-to-paste citation",
    description="A PDF is read by `page` and the lines on that page (`page_end` when they run "
    "on to a later page); without `page` it is a 422 `page_required`, as its line numbers "
    "restart on every page. A DOCX is read by its paragraph numbers, a text file by its lines.",
)
def passage(
    assistant: ReadyAssistantDep,
    principal: ReaderDep,
    doc_id: DocId,
    line_start: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    line_end: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    page: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    page_end: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    context: Annotated[int, Query(ge=0, le=50)] = 5,
) -> PassageResponse:
    found = assistant.cited_passage(
        doc_id, line_start, line_end, page, page_end, context=context, access=principal.access
    )
    return PassageResponse.model_validate(found, from_attributes=True)


@router.post(
    "",
    status_code=201,
    response_model=DocumentPublic,
    responses=error_responses(401, 403, 413, 415, 422),
    summary="Upload one document (PDF, DOCX, HTML, TXT, Markdown) and ingest it (admin)",
)
async def upload_document(
    assistant: ReadyAssistantDep,
    principal: AdminDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="The document; its type is read from content.")],
    title: Annotated[str | None, Form(max_length=300)] = None,
    municipality: Annotated[str | None, Form(max_length=100)] = None,
    doc_type: Annotated[str | None, Form(max_length=40, description="e.g. raadsbrief")] = None,
    year: Annotated[int | None, Form(ge=1900, le=2100)] = None,
    period: Annotated[str | None, Form(max_length=40)] = None,
    access: Annotated[Literal["public", "internal", "confidential"] | None, Form()] = None,
) -> DocumentPublic:
    limit = settings.api.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise DocumentTooLargeError(
            f"the upload is over the limit of {limit:,} bytes", code="upload_too_large"
        )
    overrides = {
        "title": title,
        "municipality": municipality,
        "doc_type": doc_type,
        "year": year,
        "period": period,
        "access": access,
    }
    entry = await run_in_threadpool(
        assistant.upload, data, file.filename or "document", overrides, principal.access
    )
    return DocumentPublic.model_validate(entry)


@router.delete(
    "/{doc_id}",
    response_model=DocumentPublic,
    responses=error_responses(401, 403, 404),
    summary="Remove a document's chunks and figures (a new index version without it; admin)",
)
def delete_document(
    assistant: ReadyAssistantDep, principal: AdminDep, doc_id: DocId
) -> DocumentPublic:
    return DocumentPublic.model_validate(assistant.delete_document(doc_id, principal.access))
