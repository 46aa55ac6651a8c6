from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from api.deps import AdminDep, ReaderDep, ReadyAssistantDep, SettingsDep
from api.schemas import DocumentPublic, DocumentsResponse, PassageResponse, error_responses
from corpus import DocumentTooLargeError, InvalidRequestError

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
    summary="Exact source text of a line range (or page) with a ready-to-paste citation",
)
def passage(
    assistant: ReadyAssistantDep,
    principal: ReaderDep,
    doc_id: DocId,
    line_start: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    line_end: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    page: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    context: Annotated[int, Query(ge=0, le=50)] = 5,
) -> PassageResponse:
    found = assistant.passage(
        doc_id, line_start, line_end, page, context=context, access=principal.access
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
    file: Annotated[
        UploadFile | str | None,
        File(
            description="The document, as a file part with a file name; its type is read "
            "from its content."
        ),
    ] = None,
    title: Annotated[str | None, Form(max_length=300)] = None,
    municipality: Annotated[str | None, Form(max_length=100)] = None,
    doc_type: Annotated[str | None, Form(max_length=40, description="e.g. raadsbrief")] = None,
    year: Annotated[int | None, Form(ge=1900, le=2100)] = None,
    period: Annotated[str | None, Form(max_length=40)] = None,
    access: Annotated[Literal["public", "internal", "confidential"] | None, Form()] = None,
) -> DocumentPublic:
    if file is None:
        raise InvalidRequestError(
            "no document: send it as a multipart file part named `file` (curl -F file=@nota.pdf)",
            code="missing_file",
        )
    if isinstance(file, str) or not (file.filename or "").strip():
        raise InvalidRequestError(
            "the `file` part has no file name: send it as a file (curl -F file=@nota.pdf); "
            "the name is kept as the document's source",
            code="missing_file_name",
        )
    name = str(file.filename)
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
    entry = await run_in_threadpool(assistant.upload, data, name, overrides, principal.access)
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
