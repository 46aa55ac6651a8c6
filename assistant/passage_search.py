"""Search for citable passages: what ``/ask`` would quote, not the ~40-line chunks search finds.

The query goes through the answering pipeline's first stages exactly as ``/ask`` runs them
(``AnswerPipeline.understand`` and ``rank``: sentences, runs of sentences, lists and tables,
ranked by the passage ranker), so each result is one quotable passage with its exact lines and
a ready citation string; its place is named as a citation names it (``assistant.locator``: a
PDF by page and the line on that page, a DOCX by paragraph). When fewer passages than asked
stand out, the remaining
hits follow as whole chunks (``unit="chunk"``), so ``k`` results come back whenever the index
holds ``k`` chunks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from assistant.citations import format_citation, format_location
from corpus import Location
from ingest import SearchFilters, SearchHit

if TYPE_CHECKING:
    from assistant.pipeline import Evidence
    from assistant.services import PolicyAssistant

SEARCH_K = 15  # hybrid hits that fill up with whole chunks when too few passages stand out

Unit = Literal["sentence", "block", "chunk"]


@dataclass(slots=True)
class CitedPassage:
    """One citable passage: the exact source text with where it stands."""

    text: str  # the exact source text (whitespace collapsed), as an answer quotes it
    doc_id: str
    title: str
    source: str
    municipality: str | None
    doc_type: str | None
    year: int | None
    page: int | None  # the place as a citation names it (a PDF: the line on its page)
    line_start: int
    line_end: int
    score: float
    citation: str  # ready to paste: title (municipality, year), page and lines: "quote"
    unit: Unit  # a sentence (or a run of them), a list or table, or a whole chunk
    context: str = ""  # the headings the passage stands under
    page_end: int | None = None  # the page line_end stands on, when a later one
    location: str = ""  # "p. 2, r. 36–39"

    def metadata(self) -> dict[str, Any]:
        """Everything but the text (LangChain's ``Document.metadata``)."""
        data = asdict(self)
        data.pop("text")
        return data


def cited_passages(
    assistant: PolicyAssistant,
    query: str,
    k: int = 4,
    filters: SearchFilters | None = None,
) -> list[CitedPassage]:
    """The ``k`` best citable passages for ``query``, best first."""
    filters = filters or SearchFilters()
    hits = assistant.search(query, k=max(k, SEARCH_K), filters=filters)
    documents = assistant.index.snapshot().documents
    place = assistant.locator.location
    found: list[CitedPassage] = []
    spans: list[tuple[str, int, int]] = []  # the found passages in the document's own lines
    for ev in _ranked(assistant, query, filters):
        where = place(ev.doc_id, ev.line_start, ev.line_end)
        found.append(_from_evidence(ev, documents.get(ev.doc_id, {}), where))
        spans.append((ev.doc_id, ev.line_start, ev.line_end))
    for hit in hits:
        if len(found) >= k:
            break
        if not any(_overlaps(hit, span) for span in spans):
            where = place(hit.doc_id, hit.line_start, hit.line_end)
            found.append(_from_hit(hit, documents.get(hit.doc_id, {}), where))
            spans.append((hit.doc_id, hit.line_start, hit.line_end))
    return found[:k]


def _ranked(assistant: PolicyAssistant, query: str, filters: SearchFilters) -> list[Evidence]:
    """The pipeline's ranked passages of ``query`` (best first, no two overlapping)."""
    pipeline = assistant.pipeline
    question = pipeline.understand(query, filters, None)
    return list(pipeline.rank(question, filters).passages)


def _from_evidence(ev: Evidence, doc: dict[str, Any], where: Location) -> CitedPassage:
    return CitedPassage(
        text=ev.quote,
        doc_id=ev.doc_id,
        title=str(doc.get("title", "")),
        source=str(doc.get("source", "")),
        municipality=doc.get("municipality"),
        doc_type=doc.get("doc_type"),
        year=doc.get("year"),
        page=where.page,
        line_start=where.line_start,
        line_end=where.line_end,
        score=float(ev.score),
        citation=format_citation(doc, where, quote=ev.quote),
        unit="block" if ev.block else "sentence",
        context=ev.context,
        page_end=where.page_end,
        location=format_location(where),
    )


def _from_hit(hit: SearchHit, doc: dict[str, Any], where: Location) -> CitedPassage:
    text = " ".join(hit.text.split())
    return CitedPassage(
        text=text,
        doc_id=hit.doc_id,
        title=hit.title,
        source=hit.source,
        municipality=hit.municipality,
        doc_type=hit.doc_type,
        year=hit.year,
        page=where.page,
        line_start=where.line_start,
        line_end=where.line_end,
        score=float(hit.score),
        citation=format_citation(doc, where, quote=text),
        unit="chunk",
        context=hit.section,
        page_end=where.page_end,
        location=format_location(where),
    )


def _overlaps(hit: SearchHit, span: tuple[str, int, int]) -> bool:
    """Whether a hit shares a line with a found passage (both in the document's own line
    numbers, unique in the document)."""
    doc_id, first, last = span
    return hit.doc_id == doc_id and hit.line_start <= last and first <= hit.line_end
