"""Request and response models of the public API (see shared API.md).

Every field has a description and every closed set of values is an enum, so ``/openapi.json``
documents the contract; ``tests/api/test_openapi.py`` keeps it so. The examples are real
answers over the bundled corpus.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.bounds import (
    DOC_ID_CHARS,
    DOC_TYPE_CHARS,
    MUNICIPALITY_CHARS,
    YEAR_MAX,
    YEAR_MIN,
    FigureKind,
)
from api.examples import ASK_EXAMPLE, METRICS_EXAMPLE, SEARCH_EXAMPLE, example
from corpus import AccessLevel, DocFormat

AskStatus = Literal["answered", "partial", "refused"]
FigureStatus = Literal["answered", "partial", "none"]
AskRoute = Literal["metrics", "passages", "both", "none"]
Language = Literal["nl", "en"]
FigureUnit = Literal["count", "percent", "euro", "ratio", "score", "other"]
FollowUpKind = Literal["new", "refine", "aspect", "subject", "source"]
Role = Literal["reader", "clerk", "admin"]
WriterName = Literal["default", "llm"]


def _absent(value: object) -> bool:
    """An optional field left out of the JSON when it has no value (not sent as null)."""
    return value is None


# shared descriptions of the fields that recur
DOC_ID = "Document id (the file name without its suffix, lower case)."
TITLE = "Document title (from the manifest, or inferred from the text)."
SOURCE = "File name as ingested, e.g. `001_2e26a5924f710f99.txt`."
MUNICIPALITY = "Municipality the document is about (null when unknown)."
DOC_TYPE = "Document type, e.g. uitvoeringsprogramma, evaluatie, beleidskader, raadsbrief."
YEAR = "Publication year of the document (null when unknown)."
PAGE = "1-based page (PDF; DOCX when its pages are known), else null."
PAGE_END = "The page line_end stands on, when the passage runs on to it."
LINE_START = (
    "First cited line: the line on its page (PDF, without running header, footer and page "
    "number), the paragraph number (DOCX) or the file line (txt/md/html)."
)
LINE_END = "Last cited line, inclusive (on page_end when that is set)."
LOCATION = 'The place as a reader finds it: "p. 2, r. 36–39".'


class ErrorBody(BaseModel):
    code: str = Field(description="Stable snake_case error code.", examples=["missing_api_key"])
    message: str = Field(description="Human-readable explanation.")
    request_id: str = Field(description="Quote this when reporting a problem.")


class ErrorResponse(BaseModel):
    """The one error shape of every route, never with status 200."""

    error: ErrorBody = Field(description="What went wrong.")


class HealthResponse(BaseModel):
    status: Literal["ok"] = Field(description="Always `ok` when the server answers.")
    index_version: str | None = Field(description="Current index version; null before ingest.")
    documents: int = Field(description="Documents in the index (all access levels).")
    chunks: int = Field(description="Search chunks in the index.")
    figures: int = Field(description="Rows in the figures table.")


class SearchResult(BaseModel):
    doc_id: str = Field(description=DOC_ID)
    title: str = Field(description=TITLE)
    source: str = Field(description=SOURCE)
    municipality: str | None = Field(description=MUNICIPALITY)
    doc_type: str = Field(description=DOC_TYPE)
    year: int | None = Field(description=YEAR)
    page: int | None = Field(description=PAGE)
    page_end: int | None = Field(None, description=PAGE_END)
    line_start: int = Field(description=LINE_START)
    line_end: int = Field(description=LINE_END)
    location: str = Field("", description=LOCATION)
    section: str = Field(description="The headings the chunk stands under.")
    text: str = Field(description="The exact source text of the lines, for quoting.")
    score: float = Field(description="Fused relevance score (higher is better).")
    chunk_id: str = Field(description="Id of the chunk in the index version.")
    citation: str = Field(description="Ready-to-paste citation string.")


class SearchResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra=example(SEARCH_EXAMPLE))
    results: list[SearchResult] = Field(description="Best first.")


class DocumentPublic(BaseModel):
    doc_id: str = Field(description=DOC_ID)
    title: str = Field(description=TITLE)
    source: str = Field(description=SOURCE)
    municipality: str | None = Field(description=MUNICIPALITY)
    doc_type: str | None = Field(description=DOC_TYPE)
    year: int | None = Field(description=YEAR)
    period: str | None = Field(description="Reporting period, e.g. `2024-Q1..Q3`.")
    pages: int | None = Field(description="Pages (PDF, DOCX); null for text files.")
    lines: int | None = Field(description="Lines of a text file; null for paged documents.")
    chunks: int = Field(description="Search chunks made from it.")
    figures: int = Field(description="Rows it adds to the figures table.")
    sha256: str | None = Field(description="SHA-256 of the file as ingested.")
    ingested_at: float | None = Field(description="Unix time of its ingest.")
    access: AccessLevel = Field(description="Who may read it: keys with this clearance or up.")
    format: DocFormat | None = Field(description="File format the text was read from.")
    inferred: dict[str, bool] = Field(
        description="Per metadata field: true when inferred from the text, not given."
    )


class DocumentsResponse(BaseModel):
    documents: list[DocumentPublic] = Field(description="Sorted by doc_id.")


class PassageLine(BaseModel):
    line: int = Field(description="1-based line number.")
    page: int | None = Field(description=PAGE)
    text: str = Field(description="The line exactly as in the source.")


class PassageResponse(BaseModel):
    doc_id: str = Field(description=DOC_ID)
    title: str = Field(description=TITLE)
    source: str = Field(description=SOURCE)
    municipality: str | None = Field(description=MUNICIPALITY)
    year: int | None = Field(description=YEAR)
    page: int | None = Field(description=PAGE)
    page_end: int | None = Field(None, description=PAGE_END)
    line_start: int = Field(description=LINE_START)
    line_end: int = Field(description=LINE_END)
    location: str = Field("", description=LOCATION)
    text: str = Field(description="The exact source text of the requested lines.")
    citation: str = Field(
        description="Ready-to-paste citation: title, municipality, year, page and lines, quote."
    )
    lines: list[PassageLine] = Field(description="The requested lines one by one.")
    context_before: list[PassageLine] = Field(description="Lines just before them.")
    context_after: list[PassageLine] = Field(description="Lines just after them.")


class FigureRow(BaseModel):
    figure_id: str = Field(description="Stable id: `doc_id:line:n`.")
    subject: str = Field(description="What is counted, normalised (e.g. loonkostensubsidie).")
    measure: str = Field(description="The measure as written (e.g. gestarte contracten).")
    value: float | int = Field(description="The number as stated (never computed).")
    unit: FigureUnit = Field(description="Unit of the value.")
    period: str = Field(
        description="Period it covers: `2024`, `2024-Q3`, `2024-Q1..Q3`, ... or `unknown`."
    )
    cumulative: bool = Field(description="The value adds up over the period (Q1..Q3).")
    period_inferred: bool = Field(description="The period is the document's, not the line's.")
    kind: FigureKind = Field(
        description="result (achieved), target, budget, forecast, or context (not the "
        "municipality's own result)."
    )
    municipality: str = Field(description="Municipality it is about (`onbekend` if unknown).")
    approx: bool = Field(description="Stated as approximate (ruim, circa, ...).")
    doc_id: str = Field(description=DOC_ID)
    source: str = Field(description=SOURCE)
    title: str = Field("", description=TITLE)
    page: int | None = Field(description=PAGE)
    line: int = Field(
        description="The line holding the figure: on its page (PDF), the paragraph (DOCX), the "
        "file line."
    )
    location: str = Field("", description='The place as a reader finds it: "p. 2, r. 36".')
    quote: str = Field(description="Exact text of the source line holding the figure.")
    partial_reason: str | None = Field(
        None, description="Why this row only partly answers the question (period, place)."
    )
    conflict: bool | None = Field(None, description="Another row disagrees with this one.")
    match_score: float | None = Field(None, description="How well it matches the question.")


class MetricsResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra=example(METRICS_EXAMPLE))
    figures: list[FigureRow] = Field(description="Matching rows, best first for a question.")
    status: FigureStatus = Field(
        "answered", description="For a question q: answered, partial, or none found."
    )
    reasons: list[str] = Field(default_factory=list, description="Why the answer is partial.")
    conflicts: list[list[str]] = Field(
        default_factory=list, description="Groups of figure_ids that disagree."
    )


class AskFiltersIn(BaseModel):
    municipality: str | None = Field(
        None, max_length=MUNICIPALITY_CHARS, description="Only this municipality's documents."
    )
    year: int | None = Field(
        None, ge=YEAR_MIN, le=YEAR_MAX, description="Only documents of this year."
    )
    doc_type: str | None = Field(
        None, max_length=DOC_TYPE_CHARS, description="Only documents of this type."
    )
    doc_id: str | None = Field(
        None, max_length=DOC_ID_CHARS, description="Only this document (404 if unknown)."
    )


class AskRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=example(
            {"question": "Hoeveel LKS-contracten zijn er in Q3 gestart?"},
            {"question": "en in 2022?", "conversation_id": "f3b0c4f1a1d24e8b9c2d7e6a5b4c3d2e"},
            {
                "question": "Why is Enschede dropping the OpMaat meetings?",
                "filters": {"municipality": "Enschede"},
            },
        )
    )
    question: str = Field(description="The question, in Dutch or English.")
    conversation_id: str | None = Field(
        None,
        max_length=128,
        description="Send back the id of an answer to ask a follow-up ('en in 2022?'). "
        "1-64 letters, digits, '_' or '-'; an unknown id starts a new conversation under it.",
    )
    filters: AskFiltersIn = Field(
        default_factory=AskFiltersIn, description="Restrict the documents searched."
    )


class Citation(BaseModel):
    id: str = Field(description="Label used in the answer text, e.g. c1.")
    doc_id: str = Field(description=DOC_ID)
    title: str = Field(description=TITLE)
    source: str = Field(description=SOURCE)
    municipality: str | None = Field(description=MUNICIPALITY)
    doc_type: str | None = Field(description=DOC_TYPE)
    year: int | None = Field(description=YEAR)
    page: int | None = Field(description=PAGE)
    page_end: int | None = Field(None, description=PAGE_END)
    line_start: int = Field(description=LINE_START)
    line_end: int = Field(description=LINE_END)
    location: str = Field("", description=LOCATION)
    quote: str = Field(
        description="Exact text of the cited lines (whitespace collapsed); a passage over "
        "about 1,200 characters is quoted by its best rows, joined by ' … '."
    )
    score: float = Field(description="How well the passage matches the question.")


class ConversationTrace(BaseModel):
    turn: int = Field(description="This answer's turn in its conversation (1, 2, ...).")
    follow_up: bool = Field(description="The question was read as a follow-up of the turn before.")
    kind: FollowUpKind = Field(
        description="new question; refine (another period or place); aspect (another measure "
        "of the subject); subject (another subject, same frame); source ('waar staat dat?')."
    )
    resolved_question: str = Field(description="The question as answered, after follow-up.")


class WriterTrace(BaseModel):
    name: WriterName = Field(description="`default` (extractive) or `llm` (reworded).")
    model: str | None = Field(description="The language model, when one was asked.")
    fallback_reason: str | None = Field(
        description="Why the model's text was not used (check failed, timeout, ...)."
    )


class AskTrace(BaseModel):
    """How the answer was made; more keys may appear (they are diagnostics, not contract)."""

    model_config = ConfigDict(extra="allow")
    route: AskRoute = Field(description="Where the answer came from: figures, passages, both.")
    index_version: str | None = Field(description="The index version that answered.")
    timings_ms: dict[str, int] = Field(description="Milliseconds per step, and `total`.")
    grounding: dict[str, object] = Field(
        description="The numeric grounding check of the answer text."
    )
    conversation: ConversationTrace | None = Field(None, description="The conversation turn.")
    writer: WriterTrace | None = Field(
        None, description="Which writer answered.", exclude_if=_absent
    )
    partial_reasons: list[str] | None = Field(
        None,
        description="Why the answer is partial (period, municipality, ...).",
        exclude_if=_absent,
    )


class AskResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra=example(ASK_EXAMPLE))
    status: AskStatus = Field(
        description="answered: the documents hold it; partial: something close (another "
        "period, place, or a cumulative figure), and the answer says what is missing; "
        "refused: the documents do not hold it (no citations, no figures)."
    )
    answer: str = Field(
        description="Markdown, in the language of the question: the lead, then the quotes, "
        "with citation labels [c1]."
    )
    lead: str = Field(
        "",
        description="The short direct answer, in the language of the question: the number with "
        "its unit, place, period and kind, or the best sentence of the best source named by "
        "title; also the first line of `answer`.",
    )
    more: str = Field(
        "",
        description='The rest of the evidence, "meer in de bronnen" (Markdown, starting with '
        "that heading line): also the end of `answer`; a client shows it collapsed. The answer "
        "a person reads at once is `answer` without it. Empty when there is none.",
    )
    language: Language = Field(description="The question's (and the answer's) language.")
    conversation_id: str = Field(description="Send it back to ask a follow-up.")
    citations: list[Citation] = Field(description="The cited passages, c1 first.")
    figures: list[FigureRow] = Field(description="The figure rows the answer uses.")
    trace: AskTrace = Field(description="How the answer was made.")
    closest: list[Citation] = Field(
        default_factory=list,
        description="A refused figure question's nearest passages (ids n1, n2, ...), placed and "
        "quoted like citations and quoted in `answer`: what the documents do say about the "
        "subject. They are not citations: a refusal cites nothing. Empty otherwise.",
    )


class ConversationSummaryPublic(BaseModel):
    conversation_id: str = Field(description="Send it back with /ask to go on with it.")
    title: str = Field(description="The first question still kept.")
    created_at: str = Field(description="UTC, ISO 8601.")
    updated_at: str = Field(description="Time of the last turn (UTC, ISO 8601).")
    turns: int = Field(description="Number of turns kept.")
    last_status: AskStatus = Field(description="The status of the last turn.")


class ConversationsResponse(BaseModel):
    conversations: list[ConversationSummaryPublic] = Field(description="Newest first.")


class ConversationTurnPublic(BaseModel):
    turn: int = Field(description="1-based number of the turn in its conversation.")
    created_at: str = Field(description="UTC, ISO 8601.")
    question: str = Field(description="The question as asked.")
    resolved_question: str = Field(description="The question as answered, after follow-up.")
    status: AskStatus = Field(description="answered, partial or refused.")
    language: Language = Field(description="The question's (and the answer's) language.")
    route: str = Field(description="How it was answered: metrics, passages, both or none.")
    answer: str = Field(description="The answer text as it was sent (empty for old turns).")
    lead: str | None = Field(None, description="The answer's lead, when it had one.")
    more: str = Field(
        "",
        description='The collapsed "meer in de bronnen" part at the end of `answer`, as '
        "/ask gives it (empty when there is none).",
    )
    citations: list[Citation] = Field(description="The cited passages, c1 first.")
    figures: list[FigureRow] = Field(description="The figure rows the answer uses.")


class ConversationResponse(BaseModel):
    conversation_id: str = Field(description="The conversation's id.")
    turns: list[ConversationTurnPublic] = Field(description="Oldest first.")


class AuditPlace(BaseModel):
    doc_id: str = Field(description=DOC_ID)
    page: int | None = Field(description=PAGE)
    line_start: int = Field(description=LINE_START)
    line_end: int = Field(description=LINE_END)
    chunk_ids: list[str] = Field(description="The index chunks the cited lines fall in.")


class AuditRecordPublic(BaseModel):
    id: int = Field(description="Record number, increasing.")
    time: str = Field(description="UTC, ISO 8601.")
    principal: str = Field(description="API key id or role; `local` without auth.")
    question: str = Field(description="The question as asked.")
    resolved_question: str = Field(description="The question as answered, after follow-up.")
    route: AskRoute = Field(description="Where the answer came from.")
    status: AskStatus = Field(description="answered, partial or refused.")
    language: Language = Field(description="The question's language.")
    conversation_id: str = Field(description="The conversation it belongs to.")
    turn: int | None = Field(description="Its turn in the conversation.")
    index_version: str | None = Field(description="The index version that answered.")
    latency_ms: int = Field(description="Time to answer.")
    citations: list[AuditPlace] = Field(description="The cited places.")
    chunk_ids: list[str] = Field(description="The chunks of all cited places.")
    figure_ids: list[str] = Field(description="The figure rows used.")


class AuditResponse(BaseModel):
    records: list[AuditRecordPublic] = Field(description="Newest first.")


class MeResponse(BaseModel):
    role: Role = Field(description="reader, clerk or admin.")
    key_id: str | None = Field(description="The key's id; null in the local mode (auth off).")
    name: str | None = Field(description="The key's name, as given at `keys create`.")
    clearance: AccessLevel = Field(description="The highest access level this key may read.")
    access: list[AccessLevel] = Field(description="The access levels this key may read.")
    auth_required: bool = Field(description="False only in the local single-user mode.")
