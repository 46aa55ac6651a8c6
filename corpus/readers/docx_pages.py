"""The pages of a DOCX: explicit page breaks, section breaks that start a new page, and the
breaks Word recorded when it last laid the document out (``w:lastRenderedPageBreak``); a
rendered break right after an explicit one is the same break, counted once."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from lxml import etree

from corpus.errors import DocumentTooLargeError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PAGE_CHARS = 4_000  # a stretch between explicit breaks longer than this overflows a page ...
PAGE_LINES = 50  # ... and so does one with more paragraphs and rows than this
_NEW_PAGE_SECTIONS = {"nextPage", "oddPage", "evenPage"}
_SECTIONS = etree.XPath(".//w:pPr/w:sectPr | ./w:sectPr", namespaces={"w": W})


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Pages:
    """Page counter over the document's break markers."""

    name: str
    max_pages: int
    page: int = 1
    after_explicit: bool = False  # an explicit break with no text after it yet
    seen_text: bool = False
    explicit_breaks: int = 0
    rendered_breaks: int = 0

    def explicit(self) -> None:
        self._next()
        self.after_explicit = True
        self.explicit_breaks += 1

    def rendered(self) -> None:
        if self.seen_text and not self.after_explicit:
            self._next()
            self.rendered_breaks += 1

    def text(self) -> None:
        self.seen_text = True
        self.after_explicit = False

    def _next(self) -> None:
        self.page += 1
        if self.page > self.max_pages:
            raise DocumentTooLargeError(
                f"{self.name}: more than {self.max_pages:,} pages (the limit)"
            )

    def known(self, lines: list[tuple[str, int]]) -> bool:
        """Whether the page of every line (text, page) is known: Word recorded its layout,
        or the document breaks its pages explicitly and every stretch between two breaks
        fits on a page (PAGE_CHARS, PAGE_LINES)."""
        if self.rendered_breaks:
            return True
        if not self.explicit_breaks:
            return False
        chars: dict[int, int] = {}
        count: dict[int, int] = {}
        for text, page in lines:
            chars[page] = chars.get(page, 0) + len(text)
            count[page] = count.get(page, 0) + 1
        return all(chars[p] <= PAGE_CHARS and count[p] <= PAGE_LINES for p in chars)


def section_breaks(body: etree._Element) -> dict[etree._Element, bool]:
    """For each paragraph that ends a section: does the next section start on a new page?"""
    sects = _SECTIONS(body)
    out: dict[etree._Element, bool] = {}  # keys keep the proxies alive, so identity holds
    for here, nxt in pairwise(sects):
        kind = nxt.find(_w("type"))
        value = "nextPage" if kind is None else kind.get(_w("val"), "nextPage")
        out[here.getparent().getparent()] = value in _NEW_PAGE_SECTIONS
    return out
