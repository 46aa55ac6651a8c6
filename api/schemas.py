"""Request and response models of the public API (see shared API.md)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.bounds import DOC_ID_CHARS, DOC_TYPE_CHARS, MUNICIPALITY_CHARS, YEAR_MAX, YEAR_MIN


class ErrorBody(BaseModel):
    code: str = Field(description="Stable snake_case error code.")
    message: str = Field(description="Human-readable explanation.")
    request_id: str = Field(description="Quote this when reporting a problem.")


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's documented error statuses, each with the one error shape (``responses=``)."""
    return {status: {"model": ErrorResponse} for status in statuses}


class HealthResponse(BaseModel):
    status: str
    index_version: str | None
    documents: int
    chunks: int
    figures: int


class SearchResult(BaseModel):
    doc_id: str
    title: str
    source: str
    municipality: str | None
    doc_type: str
    year: int | None
    page: int | None = Field(
        description="1-based page (PDF; DOCX when its pages are known), else null."
    )
    page_end: int | None = Field(
        None, description="The page line_end stands on, when the passage runs on to it."
    )
    line_start: int = Field(
        description="First cited line: the line on its page (PDF, without running header, "
        "footer and page number), the paragraph number (DOCX) or the file line (txt/md/html)."
    )
    line_end: int
    location: str = Field("", description='The place as a reader finds it: "p. 2, r. 36–39".')
    section: str
    text: str = Field(description="The exact source text of the lines, for quoting.")
    score: float
    chunk_id: str
    citation: str = Field(description="Ready-to-paste citation string.")


class SearchResponse(BaseModel):
    results: list[SearchResult]


class DocumentPublic(BaseModel):
    doc_id: str
    title: str
    source: str
    municipality: str | None
    doc_type: str | None
    year: int | None
    period: str | None
    pages: int | None
    lines: int | None
    chunks: int
    figures: int
    sha256: str | None
    ingested_at: float | None
    access: str
    format: str | None
    inferred: dict[str, bool]


class DocumentsResponse(BaseModel):
    documents: list[DocumentPublic]


class PassageLine(BaseModel):
    line: int
    page: int | None
    text: str


class PassageResponse(BaseModel):
    doc_id: str
    title: str
    source: str
    municipality: str | None
    year: int | None
    page: int | None = Field(
        description="1-based page (PDF; DOCX when its pages are known), else null."
    )
    page_end: int | None = Field(
        None, description="The page line_end stands on, when the passage runs on to it."
    )
    line_start: int = Field(
        description="First cited line: the line on its page (PDF, without running header, "
        "footer and page number), the paragraph number (DOCX) or the file line (txt/md/html)."
    )
    line_end: int
    location: str = Field("", description='The place as a reader finds it: "p. 2, r. 36–39".')
    text: str = Field(description="The exact source text of the requested lines.")
    citation: str = Field(
        description="Ready-to-paste citation: title, municipality, year, page and lines, quote."
    )
    lines: list[PassageLine]
    context_before: list[PassageLine]
    context_after: list[PassageLine]


class FigureRow(BaseModel):
    figure_id: str
    subject: str
    measure: str
    value: float | int
    unit: str
    period: str
    cumulative: bool
    period_inferred: bool
    kind: str
    municipality: str
    approx: bool
    doc_id: str
    source: str
    title: str = ""
    page: int | None
    line: int = Field(
        description="The source line: on its page (PDF), the paragraph (DOCX), the file line."
    )
    location: str = Field("", description='The place as a reader finds it: "p. 2, r. 36".')
    quote: str = Field(description="Exact text of the source line holding the figure.")
    partial_reason: str | None = None
    conflict: bool | None = None
    match_score: float | None = None


class MetricsResponse(BaseModel):
    figures: list[FigureRow]
    status: str = Field("answered", description="answered | partial | none (for a question q).")
    reasons: list[str] = Field(default_factory=list, description="Why the answer is partial.")
    conflicts: list[list[str]] = Field(
        default_factory=list, description="figure_ids that disagree."
    )


class AskFiltersIn(BaseModel):
    municipality: str | None = Field(None, max_length=MUNICIPALITY_CHARS)
    year: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX)
    doc_type: str | None = Field(None, max_length=DOC_TYPE_CHARS)
    doc_id: str | None = Field(None, max_length=DOC_ID_CHARS)


class AskRequest(BaseModel):
    question: str = Field(description="The question, in Dutch or English.")
    conversation_id: str | None = Field(
        None,
        max_length=128,
        description="Send back the id of an answer to ask a follow-up ('en in 2022?'). "
        "1-64 letters, digits, '_' or '-'; an unknown id starts a new conversation under it.",
    )
    filters: AskFiltersIn = Field(default_factory=AskFiltersIn)


class Citation(BaseModel):
    id: str = Field(description="Label used in the answer text, e.g. c1.")
    doc_id: str
    title: str
    source: str
    municipality: str | None
    doc_type: str | None
    year: int | None
    page: int | None = Field(
        description="1-based page (PDF; DOCX when its pages are known), else null."
    )
    page_end: int | None = Field(
        None, description="The page line_end stands on, when the passage runs on to it."
    )
    line_start: int = Field(
        description="First cited line: the line on its page (PDF, without running header, "
        "footer and page number), the paragraph number (DOCX) or the file line (txt/md/html)."
    )
    line_end: int
    location: str = Field("", description='The place as a reader finds it: "p. 2, r. 36–39".')
    quote: str = Field(
        description="Exact text of the cited lines (whitespace collapsed); a passage over "
        "about 1,200 characters is quoted by its best rows, joined by ' … '."
    )
    score: float


class ConversationTrace(BaseModel):
    turn: int = Field(description="This answer's turn in its conversation (1, 2, ...).")
    follow_up: bool = Field(description="The question was read as a follow-up of the turn before.")
    kind: str = Field(description="new | refine | aspect | subject | source")
    resolved_question: str = Field(description="The question as answered, after follow-up.")


class AskTrace(BaseModel):
    route: str = Field(description="metrics | passages | both | none")
    index_version: str | None
    timings_ms: dict[str, int]
    grounding: dict[str, object] = Field(
        description="The numeric grounding check of the answer text."
    )
    conversation: ConversationTrace | None = None
    model_config = {"extra": "allow"}


class AskResponse(BaseModel):
    status: str = Field(description="answered | partial | refused")
    answer: str = Field(description="Markdown, in the language of the question.")
    language: str = Field(description="nl | en")
    conversation_id: str
    citations: list[Citation]
    figures: list[FigureRow]
    trace: AskTrace


class AuditPlace(BaseModel):
    doc_id: str
    page: int | None
    line_start: int
    line_end: int
    chunk_ids: list[str] = Field(description="The index chunks the cited lines fall in.")


class AuditRecordPublic(BaseModel):
    id: int
    time: str = Field(description="UTC, ISO 8601.")
    principal: str = Field(description="API key id or role; `local` without auth.")
    question: str
    resolved_question: str = Field(description="The question as answered, after follow-up.")
    route: str
    status: str
    language: str
    conversation_id: str
    turn: int | None
    index_version: str | None
    latency_ms: int
    citations: list[AuditPlace]
    chunk_ids: list[str]
    figure_ids: list[str]


class AuditResponse(BaseModel):
    records: list[AuditRecordPublic] = Field(description="Newest first.")


class MeResponse(BaseModel):
    role: str = Field(description="reader | clerk | admin")
    key_id: str | None = Field(description="The key's id; null in the local mode (auth off).")
    name: str | None
    clearance: str = Field(description="The highest access level this key may read.")
    access: list[str] = Field(description="The access levels this key may read.")
    auth_required: bool = Field(description="False only in the local single-user mode.")
