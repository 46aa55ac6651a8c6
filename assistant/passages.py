"""The exact source text of a line range (or page), with its surroundings and a citation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.citations import format_citation
from corpus import Document, DocumentNotFoundError, InvalidRequestError, SourceLine

PASSAGE_MAX_LINES = 400


@dataclass(slots=True)
class Passage:
    doc_id: str
    title: str
    source: str
    municipality: str | None
    year: int | None
    page: int | None
    line_start: int
    line_end: int
    text: str
    citation: str
    context_before: list[dict[str, Any]]
    lines: list[dict[str, Any]]
    context_after: list[dict[str, Any]]


def read_passage(
    entry: dict[str, Any],
    doc: Document | None,
    doc_id: str,
    line_start: int | None,
    line_end: int | None,
    page: int | None,
    context: int,
) -> Passage:
    """The lines ``line_start``..``line_end`` (or a page) of ``doc``, at most
    ``PASSAGE_MAX_LINES``, with ``context`` lines on either side."""
    if doc is None:
        raise DocumentNotFoundError(f"no document with id {doc_id!r}")
    units = [sl for sl in doc.lines if page is None or sl.page == page]
    if page is not None and not units:
        raise InvalidRequestError(
            f"page {page} does not exist in {doc.meta.source}", code="invalid_range"
        )
    first = units[0].line if units else 1
    last = units[-1].line if units else 1
    start = line_start if line_start is not None else first
    end = (
        line_end
        if line_end is not None
        else (start if line_start is not None and page is None else last)
    )
    if start < 1 or end < start or start > last:
        raise InvalidRequestError(
            f"invalid line range {start}-{end}; the {'page' if page else 'document'} has lines {first}-{last}",
            code="invalid_range",
        )
    end = min(end, last, start + PASSAGE_MAX_LINES - 1)
    picked = [sl for sl in units if start <= sl.line <= end]
    before = [sl for sl in units if start - context <= sl.line < start]
    after = [sl for sl in units if end < sl.line <= end + context]
    text = "\n".join(sl.text for sl in picked)
    shown_page = page if page is not None else (picked[0].page if picked else None)

    def as_dict(items: list[SourceLine]) -> list[dict[str, Any]]:
        return [{"line": sl.line, "page": sl.page, "text": sl.text} for sl in items]

    return Passage(
        doc_id=doc_id,
        title=entry["title"],
        source=entry["source"],
        municipality=entry.get("municipality"),
        year=entry.get("year"),
        page=shown_page,
        line_start=start,
        line_end=end,
        text=text,
        citation=format_citation(entry, shown_page, start, end, text),
        context_before=as_dict(before),
        lines=as_dict(picked),
        context_after=as_dict(after),
    )
