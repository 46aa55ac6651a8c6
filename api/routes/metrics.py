from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.bounds import (
    DOC_ID_CHARS,
    FIGURE_QUESTION_CHARS,
    MUNICIPALITY_CHARS,
    PERIOD_CHARS,
    SUBJECT_CHARS,
    CsvDialect,
    FigureKind,
)
from api.deps import ClerkDep, ReaderDep, ReadyAssistantDep, ensure_role
from api.openapi import error_responses
from api.schemas import MetricsResponse
from assistant.figure_export import (
    XLSX_MEDIA_TYPE,
    figures_csv,
    figures_xlsx,
    with_documents,
)
from assistant.figures import FigureFilters, row_to_public

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])


@router.get(
    "",
    response_model=MetricsResponse,
    responses={
        200: {"content": {"text/csv": {}, XLSX_MEDIA_TYPE: {}}},
        **error_responses(401, 403, 422, 429, 503),
    },
    summary="Figures table: filter it, or ask a figure question with q",
    description="JSON by default. `format=csv` and `format=xlsx` (clerk) are exports of the "
    "same rows with the document's `title` and `document_year` added: the xlsx and the CSV "
    "list title, municipality, period, kind, ... source, page, line and quote. The CSV is "
    "the Dutch dialect that Dutch Excel opens as it is (`;`, decimal comma, whole numbers "
    "without a fraction, `ja`/`nee`, UTF-8 with a BOM); `dialect=plain` gives the form of "
    "before (`,`, decimal point, no BOM, the old column order, the new columns at the end).",
)
def metrics(
    assistant: ReadyAssistantDep,
    principal: ReaderDep,
    q: Annotated[
        str | None,
        Query(
            max_length=FIGURE_QUESTION_CHARS,
            description="A figure question: the best matching rows, with status and reasons.",
            examples=["Hoeveel LKS-contracten zijn er in Q3 gestart?"],
        ),
    ] = None,
    subject: Annotated[
        str | None,
        Query(
            max_length=SUBJECT_CHARS,
            description="Rows of this subject (synonyms count).",
            examples=["loonkostensubsidie"],
        ),
    ] = None,
    measure: Annotated[
        str | None, Query(max_length=200, description="Rows whose measure holds these words.")
    ] = None,
    period: Annotated[
        str | None,
        Query(
            max_length=PERIOD_CHARS,
            description="Rows of this period: `2024`, `2024-Q3`, `2024-Q1..Q3`.",
            examples=["2024"],
        ),
    ] = None,
    municipality: Annotated[
        str | None,
        Query(max_length=MUNICIPALITY_CHARS, description="Rows about this municipality."),
    ] = None,
    kind: Annotated[FigureKind | None, Query(description="Rows of this kind.")] = None,
    doc_id: Annotated[
        str | None, Query(max_length=DOC_ID_CHARS, description="Rows from this document.")
    ] = None,
    format: Annotated[
        Literal["json", "csv", "xlsx"],
        Query(description="json, or csv or xlsx (an export: clerk or admin)."),
    ] = "json",
    dialect: Annotated[
        CsvDialect,
        Query(description="CSV only: `nl` (`;`, decimal comma, BOM) or `plain` (`,`, point)."),
    ] = "nl",
    limit: Annotated[
        int, Query(ge=1, le=10_000, description="Most rows returned without a question.")
    ] = 1000,
) -> Response | MetricsResponse:
    if format != "json":
        ensure_role(principal, "clerk")  # an export
    filters = FigureFilters(subject, measure, period, municipality, kind, doc_id)
    access = principal.access
    if q and q.strip():
        result = assistant.pipeline.figure_answer(q, filters, access)
        rows = [row_to_public(r) for r in result.rows]
        status, reasons, conflicts = result.status, result.reasons, result.conflicts
    else:
        frame = assistant.figures.filter(filters, access).head(limit)
        rows = [row_to_public(r) for r in frame.to_dict("records")]
        status, reasons, conflicts = ("answered" if rows else "none"), [], []
    if format != "json":
        return _export(with_documents(rows, assistant.index.snapshot().documents), format, dialect)
    return MetricsResponse(figures=rows, status=status, reasons=reasons, conflicts=conflicts)


@router.get(
    "/chart",
    responses={
        200: {"content": {"image/png": {}, "image/svg+xml": {}}},
        **error_responses(401, 403, 422, 429, 503),
    },
    summary="One figure over periods across documents, as PNG or SVG",
    description="One axis per unit; one series per measure, kind, municipality and kind of "
    "period (cumulative figures and figures at a reference date apart from the rest); targets "
    "and forecasts as markers, never joined to results; the legend names the documents by "
    "title.",
)
def chart(
    assistant: ReadyAssistantDep,
    principal: ClerkDep,
    subject: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="The subject to draw over periods.",
            examples=["loonkostensubsidie"],
        ),
    ],
    measure: Annotated[
        str | None, Query(max_length=200, description="Only rows of this measure.")
    ] = None,
    format: Annotated[Literal["png", "svg"], Query(description="Image format.")] = "png",
    lang: Annotated[
        Literal["nl", "en"], Query(description="Language of the axis and legend words.")
    ] = "nl",
) -> Response:
    data = assistant.figures.chart(subject, measure, format, principal.access, lang)
    media = "image/png" if format == "png" else "image/svg+xml"
    return Response(data, media_type=media)


def _export(rows: list[dict[str, object]], format: str, dialect: CsvDialect) -> Response:
    if format == "xlsx":
        data, media, name = figures_xlsx(rows), XLSX_MEDIA_TYPE, "cijfers.xlsx"
    else:
        data, media, name = figures_csv(rows, dialect), "text/csv; charset=utf-8", "cijfers.csv"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=media, headers=disposition)
