"""The raw source lines of the current index version's documents, by page and line number.

Every candidate passage is checked against its lines (a quote must stand there verbatim), so
each document's lines are indexed once per index version and read by bisection.
"""

from __future__ import annotations

import bisect

from assistant.sentences import double_spaced
from ingest import SearchIndex

PageLines = dict[int | None, tuple[list[int], list[str]]]


class SourceLines:
    """``(line number, raw text)`` windows of the documents of the current index version."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._pages: dict[str, PageLines] = {}
        self._spaced: dict[str, bool] = {}
        self._version: str | None = None

    def window(self, doc_id: str, first: int, last: int, page: int | None) -> list[tuple[int, str]]:
        """The lines ``first``..``last`` of a document (on ``page``; on every page when None)."""
        pages = self._index(doc_id)
        out: list[tuple[int, str]] = []
        for numbers, texts in pages.values() if page is None else [pages.get(page, ([], []))]:
            lo, hi = bisect.bisect_left(numbers, first), bisect.bisect_right(numbers, last)
            out.extend(zip(numbers[lo:hi], texts[lo:hi], strict=True))
        return out

    def spaced(self, doc_id: str) -> bool:
        """Whether the document puts a blank line after nearly every line
        (``assistant.sentences.double_spaced``)."""
        pages = self._index(doc_id)  # (which forgets both on a new index version)
        if doc_id not in self._spaced:
            lines = sorted(
                p for numbers, texts in pages.values() for p in zip(numbers, texts, strict=True)
            )
            self._spaced[doc_id] = double_spaced(lines)
        return self._spaced[doc_id]

    def _index(self, doc_id: str) -> PageLines:
        snap = self.index.snapshot()
        if self._version != snap.version:
            self._pages, self._spaced, self._version = {}, {}, snap.version
        pages = self._pages.get(doc_id)
        if pages is None:
            doc = snap.document(doc_id)
            grouped: dict[int | None, list[tuple[int, str]]] = {}
            for sl in doc.lines if doc is not None else []:
                grouped.setdefault(sl.page, []).append((sl.line, sl.text))
            pages = {
                page: ([n for n, _ in sorted(lines)], [t for _, t in sorted(lines)])
                for page, lines in grouped.items()
            }
            self._pages[doc_id] = pages
        return pages
