"""Where a passage stands, as a citation names it, and back.

Inside the product a passage is a range of a document's ``SourceLine.line`` numbers, which are
unique in the document (so a sentence may run on across a page break). A reader cites other
numbers (``SourceLine.cited``): the page and the line on that page for a PDF, the paragraph
number (and the page, when it is known) for a DOCX, the file line for txt/md/html.
:func:`locate` turns a range into the :class:`Location` a citation shows; :func:`resolve` reads a
cited place back (``/passage``, the evaluation's faithfulness check).
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from typing import Any, Literal

from corpus.errors import InvalidRequestError
from corpus.model import Document, SourceLine

Unit = Literal["line", "paragraph"]


@dataclass(frozen=True, slots=True)
class Location:
    """A cited place: ``page`` (None when unknown) and ``line_start``..``line_end`` as a reader
    counts them, ``page_end`` when the passage ends on a later page, ``unit`` (lines, or DOCX
    paragraphs) and, for a DOCX, the nearest heading above it."""

    page: int | None
    line_start: int
    line_end: int
    page_end: int | None = None
    unit: Unit = "line"
    heading: str = ""


def line_unit(doc: Document) -> Unit:
    return "paragraph" if doc.meta.format == "docx" else "line"


def paged(doc: Document) -> bool:
    """Whether a citation of the document needs its page: its line numbers restart on every
    page (a PDF)."""
    return doc.meta.format == "pdf"


def _index(doc: Document, line: int) -> int:
    """The position in ``doc.lines`` of the first line numbered ``line`` or after it."""
    if 0 < line <= len(doc.lines) and doc.lines[line - 1].line == line:
        return line - 1
    return bisect.bisect_left([sl.line for sl in doc.lines], line)


def _text_lines(doc: Document, first: int, last: int) -> list[SourceLine]:
    lo, hi = _index(doc, first), _index(doc, last + 1)
    return [sl for sl in doc.lines[lo:hi] if sl.text.strip()]


def locate(doc: Document, line_start: int, line_end: int) -> Location:
    """The cited place of the document's lines ``line_start..line_end`` (``SourceLine.line``):
    from its first to its last non-blank line."""
    shown = _text_lines(doc, line_start, line_end) or _text_lines(doc, line_start, line_start)
    if not shown:
        return Location(None, line_start, line_end, unit=line_unit(doc))
    first, last = shown[0], shown[-1]
    page_end = last.page if last.page != first.page else None
    heading = nearest_heading(doc, first.line) if doc.meta.format == "docx" else ""
    return Location(
        first.page, first.cited, last.cited, page_end, unit=line_unit(doc), heading=heading
    )


def line_places(doc: Document) -> dict[int, Location]:
    """The cited place of every text line of the document (one pass: for a figures table)."""
    unit = line_unit(doc)
    heading = ""
    out: dict[int, Location] = {}
    for sl in doc.lines:
        if not sl.text.strip():
            continue
        if sl.level is not None and doc.meta.format == "docx":
            heading = " ".join(sl.text.split())
        out[sl.line] = Location(sl.page, sl.cited, sl.cited, unit=unit, heading=heading)
    return out


def nearest_heading(doc: Document, line: int) -> str:
    """The text of the nearest heading (a line with a ``level``) at or above ``line``."""
    for sl in reversed(doc.lines[: _index(doc, line + 1)]):
        if sl.level is not None and sl.text.strip():
            return " ".join(sl.text.split())
    return ""


def resolve(
    doc: Document,
    line_start: int,
    line_end: int,
    page: int | None = None,
    page_end: int | None = None,
) -> tuple[int, int]:
    """The positions in ``doc.lines`` (first, last, inclusive) of a cited place.

    A PDF needs ``page`` (its lines restart on every page); ``page_end`` is the page of
    ``line_end`` when it is not ``page``. A DOCX is found by its paragraph numbers alone, a
    txt/md/html file by its line numbers. Raises :class:`InvalidRequestError` for a place the document lacks.
    """
    if paged(doc) and page is None:
        raise InvalidRequestError(
            f"{doc.meta.source} is a PDF, whose line numbers restart on every page: "
            "give the page (and page_end when the lines run on to a later page)",
            code="page_required",
        )
    last_page = page_end if page_end is not None else page
    if paged(doc):
        start_key, end_key = (page or 0, line_start), (last_page or 0, line_end)
        hits = [
            i
            for i, sl in enumerate(doc.lines)
            if start_key <= (sl.page or 0, sl.cited) <= end_key and sl.text.strip()
        ]
    else:  # the page is no part of the key: the line numbers alone (a pass over every line
        # of the document per citation, so without a key tuple per line)
        hits = [
            i
            for i, sl in enumerate(doc.lines)
            if line_start <= sl.cited <= line_end and sl.text.strip()
        ]
    if not hits:
        raise InvalidRequestError(
            f"{_describe(page, line_start, page_end, line_end)} does not exist in "
            f"{doc.meta.source}",
            code="invalid_range",
        )
    return hits[0], hits[-1]


class CitedLines:
    """A document's text lines by the number a citation names them with, to read many cited
    places of it back (the audit and ``/ask`` read each citation's lines): ``resolve``'s
    positions found by bisection over the lines' keys, not by a pass over every line of the
    document per place. When the keys do not stand in order (or the place needs the scan's
    error), ``resolve`` itself answers."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._paged = paged(doc)
        # the lines with text (a cited place starts and ends on one) and their keys
        self._at = [i for i, sl in enumerate(doc.lines) if sl.text.strip()]
        keys: list[Any] = [
            (doc.lines[i].page or 0, doc.lines[i].cited) if self._paged else doc.lines[i].cited
            for i in self._at
        ]
        self._keys = keys if all(a <= b for a, b in itertools.pairwise(keys)) else None

    def resolve(
        self,
        line_start: int,
        line_end: int,
        page: int | None = None,
        page_end: int | None = None,
    ) -> tuple[int, int]:
        """``resolve(doc, line_start, line_end, page, page_end)``: the same positions, the
        same errors."""
        if self._keys is None or (self._paged and page is None):
            return resolve(self.doc, line_start, line_end, page, page_end)
        last_page = page_end if page_end is not None else page
        low: Any = (page or 0, line_start) if self._paged else line_start
        high: Any = (last_page or 0, line_end) if self._paged else line_end
        lo = bisect.bisect_left(self._keys, low)
        hi = bisect.bisect_right(self._keys, high)
        if lo >= hi:  # no such place: the scan raises its error
            return resolve(self.doc, line_start, line_end, page, page_end)
        return self._at[lo], self._at[hi - 1]


def _describe(page: int | None, start: int, page_end: int | None, end: int) -> str:
    where = f"page {page}, " if page is not None else ""
    tail = f"page {page_end}, " if page_end is not None and page_end != page else ""
    return f"{where}lines {start}-{tail}{end}"
