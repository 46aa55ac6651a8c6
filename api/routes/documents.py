from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from api.deps import AdminDep, ReaderDep, ReadyAssistantDep, SettingsDep
from api.openapi import error_responses
from api.schemas import DocumentPublic, DocumentsResponse, PassageResponse
from corpus import AccessLevel, DocumentTooLargeError, InvalidRequestError

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])

DocId = Annotated[
    str, Path(min_length=1, max_length=128, description="The document id (see the document list).")
]


@router.get(
    "",
    response_model=DocumentsResponse,
    responses=error_responses(401, 429, 503),
    summary="Ingested documents with their metadata",
)
def list_documents(assistant: ReadyAssistantDep, principal: ReaderDep) -> DocumentsResponse:
    return DocumentsResponse.model_validate({"documents": assistant.documents(principal.access)})


@router.get(
    "/{doc_id}/passage",
    response_model=PassageResponse,
    responses=error_responses(401, 404, 422, 429, 503),
    summary="Exact source text of a cited place (or a page) with a ready-to-paste citation",
    description="A PDF is read by `page` and the lines on that page (`page_end` when they run "
    "on to a later page); without `page` it is a 422 `page_required`, as its line numbers "
    "restart on every page. A DOCX is read by its paragraph numbers, a text file by its lines.",
)
def passage(
    assistant: ReadyAssistantDep,
    principal: ReaderDep,
    doc_id: DocId,
    line_start: Annotated[
        int | None,
        Query(ge=1, le=10_000_000, description="First cited line (on `page` for a PDF)."),
    ] = None,
    line_end: Annotated[
        int | None,
        Query(ge=1, le=10_000_000, description="Last cited line (on `page_end`, if given)."),
    ] = None,
    page: Annotated[
        int | None,
        Query(ge=1, le=100_000, description="The page (PDF, DOCX); a whole page without lines."),
    ] = None,
    page_end: Annotated[
        int | None,
        Query(ge=1, le=100_000, description="The page line_end stands on, when it is a later one."),
    ] = None,
    context: Annotated[
        int, Query(ge=0, le=50, description="Lines of context before and after.")
    ] = 5,
) -> PassageResponse:
    found = assistant.cited_passage(
        doc_id, line_start, line_end, page, page_end, context=context, access=principal.access
    )
    return PassageResponse.model_validate(found, from_attributes=True)


@router.post(
    "",
    status_code=201,
    response_model=DocumentPublic,
    responses=error_responses(401, 403, 408, 413, 415, 422, 429, 503),
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
    title: Annotated[
        str | None, Form(max_length=300, description="Title (else inferred from the text).")
    ] = None,
    municipality: Annotated[
        str | None, Form(max_length=100, description="Municipality (else inferred).")
    ] = None,
    doc_type: Annotated[
        str | None, Form(max_length=40, description="Document type, e.g. raadsbrief.")
    ] = None,
    year: Annotated[
        int | None, Form(ge=1900, le=2100, description="Publication year (else inferred).")
    ] = None,
    period: Annotated[
        str | None, Form(max_length=40, description="Reporting period, e.g. 2024-Q1..Q3.")
    ] = None,
    access: Annotated[
        AccessLevel | None,
        Form(description="Who may read it (default: the `auth.default_access` setting)."),
    ] = None,
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
    responses=error_responses(401, 403, 404, 422, 429, 503),
    summary="Remove a document's chunks and figures (a new index version without it; admin)",
)
def delete_document(
    assistant: ReadyAssistantDep, principal: AdminDep, doc_id: DocId
) -> DocumentPublic:
    return DocumentPublic.model_validate(assistant.delete_document(doc_id, principal.access))
