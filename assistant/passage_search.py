"""Search for citable passages: what ``/ask`` would quote, not the ~40-line chunks search finds.

The query goes through the answering pipeline's first stages exactly as ``/ask`` runs them
(``AnswerPipeline.understand`` and ``rank``: sentences, runs of sentences, lists and tables,
ranked by the passage ranker), so each result is one quotable passage with its exact lines and
a ready citation string. When fewer passages than asked stand out, the remaining
hits follow as whole chunks (``unit="chunk"``), so ``k`` results come back whenever the index
holds ``k`` chunks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from assistant.citations import format_citation
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
    page: int | None
    line_start: int
    line_end: int
    score: float
    citation: str  # ready to paste: title (municipality, year), file, lines: "quote"
    unit: Unit  # a sentence (or a run of them), a list or table, or a whole chunk
    context: str = ""  # the headings the passage stands under

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
    found = [
        _from_evidence(ev, documents.get(ev.doc_id, {}))
        for ev in _ranked(assistant, query, filters)
    ]
    for hit in hits:
        if len(found) >= k:
            break
        if not any(_overlaps(hit, p) for p in found):
            found.append(_from_hit(hit, documents.get(hit.doc_id, {})))
    return found[:k]


def _ranked(assistant: PolicyAssistant, query: str, filters: SearchFilters) -> list[Evidence]:
    """The pipeline's ranked passages of ``query`` (best first, no two overlapping)."""
    pipeline = assistant.pipeline
    question = pipeline.understand(query, filters, None)
    return list(pipeline.rank(question, filters).passages)


def _from_evidence(ev: Evidence, doc: dict[str, Any]) -> CitedPassage:
    return CitedPassage(
        text=ev.quote,
        doc_id=ev.doc_id,
        title=str(doc.get("title", "")),
        source=str(doc.get("source", "")),
        municipality=doc.get("municipality"),
        doc_type=doc.get("doc_type"),
        year=doc.get("year"),
        page=ev.page,
        line_start=ev.line_start,
        line_end=ev.line_end,
        score=float(ev.score),
        citation=format_citation(doc, ev.page, ev.line_start, ev.line_end, ev.quote),
        unit="block" if ev.block else "sentence",
        context=ev.context,
    )


def _from_hit(hit: SearchHit, doc: dict[str, Any]) -> CitedPassage:
    text = " ".join(hit.text.split())
    return CitedPassage(
        text=text,
        doc_id=hit.doc_id,
        title=hit.title,
        source=hit.source,
        municipality=hit.municipality,
        doc_type=hit.doc_type,
        year=hit.year,
        page=hit.page,
        line_start=hit.line_start,
        line_end=hit.line_end,
        score=float(hit.score),
        citation=format_citation(doc, hit.page, hit.line_start, hit.line_end, text),
        unit="chunk",
        context=hit.section,
    )


def _overlaps(hit: SearchHit, passage: CitedPassage) -> bool:
    return (
        hit.doc_id == passage.doc_id
        and hit.page == passage.page
        and hit.line_start <= passage.line_end
        and passage.line_start <= hit.line_end
    )
