"""The exact source text of a cited place (or a page), with its surroundings and a citation.

:func:`read_cited` reads a place as a citation names it (``/passage``, the CLI): a PDF by its
page and the lines on that page (``page_end`` when they run on to a later page; without a page
it is a 422), a DOCX by its paragraph numbers, a text file by its lines. :func:`read_passage`
reads the product's own line numbers (``SourceLine.line``), for the answer's evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.citations import format_citation, format_location
from corpus import (
    Document,
    DocumentNotFoundError,
    InvalidRequestError,
    SourceLine,
    locate,
    paged,
    resolve,
)

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
    page_end: int | None = None
    location: str = ""


def _as_dicts(items: list[SourceLine], public: bool) -> list[dict[str, Any]]:
    if not public:
        return [{"line": sl.line, "page": sl.page, "text": sl.text} for sl in items]
    return [{"line": sl.cited, "page": sl.page, "text": sl.text} for sl in items]


def _shown(doc: Document, sl: SourceLine) -> bool:
    """A line a passage shows: every line of a text file; the text lines of a PDF or DOCX
    (their blank lines stand for the layout's paragraph breaks)."""
    return doc.meta.format not in ("pdf", "docx") or bool(sl.text.strip())


def _range(doc: Document, first: int, last: int) -> tuple[int, int]:
    """At most PASSAGE_MAX_LINES shown lines from position ``first``."""
    count = 0
    for i in range(first, last + 1):
        count += _shown(doc, doc.lines[i])
        if count >= PASSAGE_MAX_LINES:
            return first, i
    return first, last


def read_cited(
    entry: dict[str, Any],
    doc: Document | None,
    doc_id: str,
    line_start: int | None,
    line_end: int | None,
    page: int | None,
    context: int,
    page_end: int | None = None,
) -> Passage:
    """The cited place ``line_start``..``line_end`` (on ``page``..``page_end``), or a whole
    page, of ``doc``, at most PASSAGE_MAX_LINES lines, with ``context`` lines either side."""
    if doc is None:
        raise DocumentNotFoundError(f"no document with id {doc_id!r}")
    if not doc.lines:
        raise InvalidRequestError(f"{doc.meta.source} holds no text", code="invalid_range")
    if paged(doc) and page is None:
        resolve(doc, line_start or 1, line_end or 1)  # raises the 422 page_required
    if line_start is None:
        on_page = [i for i, sl in enumerate(doc.lines) if page is None or sl.page == page]
        if not on_page:
            raise InvalidRequestError(
                f"page {page} does not exist in {doc.meta.source}", code="invalid_range"
            )
        first, last = on_page[0], on_page[-1]
    else:
        end = line_end if line_end is not None else line_start
        if end < line_start and (page_end is None or page_end == page):
            raise InvalidRequestError(
                f"invalid line range {line_start}-{end}", code="invalid_range"
            )
        first, last = resolve(doc, line_start, end, page, page_end)
    first, last = _range(doc, first, last)
    picked = [sl for sl in doc.lines[first : last + 1] if _shown(doc, sl)]
    before = [sl for sl in doc.lines[:first] if _shown(doc, sl)][-context:] if context else []
    after = [sl for sl in doc.lines[last + 1 :] if _shown(doc, sl)][:context]
    where = locate(doc, doc.lines[first].line, doc.lines[last].line)
    text = "\n".join(sl.text for sl in picked)
    return Passage(
        doc_id=doc_id,
        title=entry["title"],
        source=entry["source"],
        municipality=entry.get("municipality"),
        year=entry.get("year"),
        page=where.page,
        line_start=where.line_start,
        line_end=where.line_end,
        text=text,
        citation=format_citation(entry, where, quote=text),
        context_before=_as_dicts(before, True),
        lines=_as_dicts(picked, True),
        context_after=_as_dicts(after, True),
        page_end=where.page_end,
        location=format_location(where),
    )


def read_passage(
    entry: dict[str, Any],
    doc: Document | None,
    doc_id: str,
    line_start: int | None,
    line_end: int | None,
    page: int | None,
    context: int,
) -> Passage:
    """The document's lines ``line_start``..``line_end`` (its own ``SourceLine.line``
    numbers), or the lines of ``page``, at most ``PASSAGE_MAX_LINES``, with ``context`` lines
    on either side. ``line_start``, ``line_end`` and ``lines`` stay in those numbers; the
    ``citation`` and ``location`` name the place as a reader finds it."""
    if doc is None:
        raise DocumentNotFoundError(f"no document with id {doc_id!r}")
    units = [sl for sl in doc.lines if page is None or line_start is not None or sl.page == page]
    if page is not None and not units:
        raise InvalidRequestError(
            f"page {page} does not exist in {doc.meta.source}", code="invalid_range"
        )
    first = units[0].line if units else 1
    last = units[-1].line if units else 1
    start = line_start if line_start is not None else first
    end = line_end if line_end is not None else (start if line_start is not None else last)
    if start < 1 or end < start or start > last:
        raise InvalidRequestError(
            f"invalid line range {start}-{end}; the {'page' if page else 'document'} has "
            f"lines {first}-{last}",
            code="invalid_range",
        )
    end = min(end, last, start + PASSAGE_MAX_LINES - 1)
    picked = [sl for sl in units if start <= sl.line <= end]
    before = [sl for sl in units if start - context <= sl.line < start]
    after = [sl for sl in units if end < sl.line <= end + context]
    text = "\n".join(sl.text for sl in picked)
    where = locate(doc, start, end)
    return Passage(
        doc_id=doc_id,
        title=entry["title"],
        source=entry["source"],
        municipality=entry.get("municipality"),
        year=entry.get("year"),
        page=picked[0].page if picked else page,
        line_start=start,
        line_end=end,
        text=text,
        citation=format_citation(entry, where, quote=text),
        context_before=_as_dicts(before, False),
        lines=_as_dicts(picked, False),
        context_after=_as_dicts(after, False),
        page_end=where.page_end,
        location=format_location(where),
    )
