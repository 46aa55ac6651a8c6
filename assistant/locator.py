"""From the product's line ranges to the places a citation shows, and back.

Inside the product a passage is a range of its document's ``SourceLine.line`` numbers, unique
in the document. Everything a person or a client sees names the place as a reader finds it
(``corpus.locate``): for a PDF the page and the line on that page (``page_end`` when the
passage runs on to a later page), for a DOCX the paragraph number (the page only when it is
known) and the nearest heading, for a text file its line. :class:`Locator` makes the answer's
citations, the search results and the passages public that way, with a readable ``location``
("p. 2, r. 36–39") from ``assistant.citations``, and quotes a passage over ``QUOTE_CHARS`` by its
best rows (``assistant.quotes``). It reads a cited place back for ``/passage`` and the audit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from assistant.citations import Lang, format_citation, format_location
from assistant.language import Term
from assistant.quotes import QUOTE_CHARS, best_rows
from assistant.sentences import idf_table
from corpus import CitedLines, Document, Location, locate

CITED_DOCUMENTS_KEPT = 64  # documents whose lines are kept by their cited numbers (``lines``)

if TYPE_CHECKING:
    from ingest import SearchHit, SearchIndex


class Locator:
    """Public places of the current index version's documents."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._idf: tuple[str, dict[str, float]] | None = None
        self._cited: dict[str, CitedLines] = {}

    def document(self, doc_id: str) -> Document | None:
        return self.index.snapshot().document(doc_id)

    def location(self, doc_id: str, line_start: int, line_end: int) -> Location:
        doc = self.document(doc_id)
        if doc is None:
            return Location(None, line_start, line_end)
        return self._with_heading(doc_id, locate(doc, line_start, line_end), line_start)

    def _with_heading(self, doc_id: str, where: Location, line: int) -> Location:
        """A DOCX place without a styled heading above it is named by the heading the chunk
        it stands in was found under (``corpus.chunking``: a numbered or capitalised line)."""
        if where.unit != "paragraph" or where.heading:
            return where
        chunks = self.index.snapshot().chunks
        found = chunks[
            (chunks["doc_id"] == doc_id)
            & (chunks["line_start"] <= line)
            & (chunks["line_end"] >= line)
        ]
        section = str(found["section"].iloc[0]) if len(found) else ""
        heading = section.rsplit(" > ", 1)[-1].strip()
        return replace(where, heading=heading) if heading else where

    def lines(self, doc_id: str, place: dict[str, Any]) -> tuple[int, int] | None:
        """The document's line range (``SourceLine.line``) of a public place (a citation:
        ``page``, ``line_start``, ``line_end``, ``page_end``); None when it is not there."""
        doc = self.document(doc_id)
        if doc is None:
            return None
        try:
            first, last = self._cited_lines(doc_id, doc).resolve(
                int(place["line_start"]),
                int(place["line_end"]),
                place.get("page"),
                place.get("page_end"),
            )
        except Exception:  # a place of an older version, or of a document now changed
            return None
        return doc.lines[first].line, doc.lines[last].line

    def _cited_lines(self, doc_id: str, doc: Document) -> CitedLines:
        """The document's lines by their cited numbers (``corpus.CitedLines``), kept while the
        snapshot gives the same document (a new index version reads its documents anew)."""
        kept = self._cited.get(doc_id)
        if kept is None or kept.doc is not doc:
            if len(self._cited) >= CITED_DOCUMENTS_KEPT:
                self._cited = {}
            kept = self._cited[doc_id] = CitedLines(doc)
        return kept

    def _idf_table(self) -> dict[str, float]:
        snap = self.index.snapshot()
        if self._idf is None or self._idf[0] != snap.version:
            self._idf = (snap.version, idf_table(snap.chunks["text"].astype(str)))
        return self._idf[1]

    def publish(self, citation: dict[str, Any], terms: Sequence[Term], lang: Lang = "nl") -> None:
        """Make one citation public in place: cited page and lines, ``page_end``, a readable
        ``location``, and a quote over QUOTE_CHARS cut to its best rows for ``terms``."""
        doc = self.document(str(citation["doc_id"]))
        if doc is None:
            citation.setdefault("page_end", None)
            citation.setdefault(
                "location", format_location(citation.get("page"), citation["line_start"])
            )
            return
        start, end = int(citation["line_start"]), int(citation["line_end"])
        where = self._with_heading(str(citation["doc_id"]), locate(doc, start, end), start)
        quote = str(citation.get("quote", ""))
        if len(quote) > QUOTE_CHARS:
            rows = [sl.text for sl in doc.lines if start <= sl.line <= end and sl.text]
            citation["quote"] = best_rows(quote, rows, terms, self._idf_table())
        citation.update(_place(where))
        citation["location"] = format_location(where, lang=lang)

    def hit(self, hit: SearchHit, entry: dict[str, Any]) -> dict[str, Any]:
        """A search result as the API and the CLI show it."""
        where = self.location(hit.doc_id, hit.line_start, hit.line_end)
        row = {k: v for k, v in hit.to_dict().items() if k != "clean_text"}
        row.update(_place(where))
        row["location"] = format_location(where)
        row["citation"] = format_citation(entry, where, quote=hit.text)
        return row


def _place(where: Location) -> dict[str, Any]:
    return {
        "page": where.page,
        "page_end": where.page_end,
        "line_start": where.line_start,
        "line_end": where.line_end,
    }
