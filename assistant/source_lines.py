"""The raw source lines of the current index version's documents, by line number.

Every candidate passage is checked against its lines (a quote must stand there verbatim), so
each document's lines are indexed once per index version and read by bisection. A document's
line numbers are unique (a PDF's too: ``corpus.page_layout``), so a window may run on over a
page break; :meth:`SourceLines.location` gives the place a citation shows (page and line on
the page, or paragraph and heading).
"""

from __future__ import annotations

import bisect

from assistant.sentences import double_spaced
from corpus import Location, locate
from ingest import IndexSnapshot, SearchIndex


class SourceLines:
    """``(line number, raw text)`` windows of the documents of the current index version."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._lines: dict[str, tuple[list[int], list[str]]] = {}
        self._spaced: dict[str, bool] = {}
        self._version: str | None = None

    def window(
        self,
        doc_id: str,
        first: int,
        last: int,
        page: int | None = None,
        snap: IndexSnapshot | None = None,
    ) -> list[tuple[int, str]]:
        """The lines ``first``..``last`` of a document. (``page`` is not needed: the line
        numbers are unique in the document.) ``snap``: the index version the caller reads
        (one stage reads hundreds of windows of one version); default the current one."""
        numbers, texts = self._index(doc_id, snap)
        lo, hi = bisect.bisect_left(numbers, first), bisect.bisect_right(numbers, last)
        return list(zip(numbers[lo:hi], texts[lo:hi], strict=True))

    def spaced(self, doc_id: str) -> bool:
        """Whether the document puts a blank line after nearly every line
        (``assistant.sentences.double_spaced``)."""
        numbers, texts = self._index(doc_id)  # (which forgets both on a new index version)
        if doc_id not in self._spaced:
            self._spaced[doc_id] = double_spaced(list(zip(numbers, texts, strict=True)))
        return self._spaced[doc_id]

    def location(self, doc_id: str, line_start: int, line_end: int) -> Location:
        """Where a passage of lines ``line_start..line_end`` stands, as a citation names it
        (``corpus.locate``: page and line on the page, or paragraph and heading)."""
        doc = self.index.snapshot().document(doc_id)
        if doc is None:
            return Location(None, line_start, line_end)
        return locate(doc, line_start, line_end)

    def _index(self, doc_id: str, snap: IndexSnapshot | None = None) -> tuple[list[int], list[str]]:
        snap = snap if snap is not None else self.index.snapshot()
        if self._version != snap.version:
            self._lines, self._spaced, self._version = {}, {}, snap.version
        found = self._lines.get(doc_id)
        if found is None:
            doc = snap.document(doc_id)
            ordered = sorted((sl.line, sl.text) for sl in (doc.lines if doc is not None else []))
            found = ([n for n, _ in ordered], [t for _, t in ordered])
            self._lines[doc_id] = found
        return found
