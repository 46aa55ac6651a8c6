"""From laid-out pages to the lines of a document: furniture out, paragraph breaks in.

The lines of every page keep their reading order; the page furniture
(``corpus.furniture``) is left out of the text and kept apart with its page and line. Where the
layout shows a paragraph break the text gets blank lines, as a text file would have them: one
blank line for every empty line's height between two lines (a line pitch is 1.2 times the font
size), and at a page break one when the page's text ends higher than a page's text usually
ends (two lines or more: one line is what a word processor's widow control moves to the next
page inside a paragraph), when the next page's text starts lower than it usually does, or by
the text (``paragraph_breaks``, which the DOCX reader shares): the page's last line closes a
sentence, stops well short of the text's right edge (and is no lead: a colon goes on) or is a
heading and the next page's text starts anew (a capital, a digit, a bullet), or the next page
opens with a numbered heading ("2.4 Uitstroom naar werk", or "2" above "Ambitie": the page
before may end in a heading of ordinary length); never between two table rows (lines with
three numbers or more), nor after a bare section number ("18.", its text on the next line).
(A text that leaves an empty line after every line, as some exports do, keeps doing so over
the break: a page break gets the document's usual gap inside a paragraph, or between
paragraphs.) So a sentence, a list or a table that runs on over a page break stays one passage.

A tagged PDF says what the drawn page cannot (``corpus.readers.pdf_structure``): between two
lines of one element of its structure tree (a paragraph, a heading, a list, a table) there is
no blank line, on one page or over a break; where another element begins there is at least
one (the empty lines the layout shows, or at a page break the document's usual gap between two
elements), and one for every empty paragraph between the two (an element without content).
Lines outside the tree (an untagged PDF, content left untagged) are read as above.

``SourceLine.line`` numbers the document's lines, blank ones included, from 1; ``ref`` is the
line on its page as a reader counts it (text lines only, without the furniture).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter

from corpus.chunking import heading_level
from corpus.furniture import LaidOutPage, PlacedLine, find_furniture
from corpus.model import SourceLine

LINE_PITCH = 1.2  # a line's height as a share of its font size
MAX_BLANKS = 3  # blank lines put in for one gap at most
SHORT_LINE = 0.6  # a line ending before this share of the text width stops short
_CLOSED = re.compile(r"[.!?]['’”)\]]*\s*$")  # (a colon goes on: a list's lead, or its sentence)
_STARTS_NEW = re.compile(r"^\s*(?:[A-ZÀ-Ý0-9“‘\"'•\-–*]|\uf0b7)")
_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\S")
_SECTION_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2})*\.?")  # "2", "2.4", "3."
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*%?")
_LEAD = re.compile(r":\s*$")
TABLE_ROW_NUMBERS = 3  # a line holding this many numbers is a table row


def typical(values: list[float], share: float) -> float:
    """The value at ``share`` of the sorted values (0.5: the median); 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _table_row(text: str) -> bool:
    return len(_NUMBER.findall(text)) >= TABLE_ROW_NUMBERS


def paragraph_ends(before: str, after: str, short: bool, heading: bool = False) -> bool:
    """Whether a paragraph ends between two lines the layout does not set apart (a page
    break, two DOCX paragraphs): ``before`` closes a sentence, stops ``short`` of the text's
    width (and is no lead, ending in a colon) or is a ``heading``, and ``after`` starts anew
    (a capital, a digit, a bullet); never between two table rows, nor after a bare section
    number ("18.", its text on the next line)."""
    if _table_row(before) and _table_row(after):
        return False
    if _SECTION_NUMBER.fullmatch(before.strip()):  # "18." on its own: the number of what follows
        return False
    short = short and not _LEAD.search(before)  # a short lead ("Samengevat:") goes on
    ends = bool(_CLOSED.search(before)) or short or heading or _heading_like(before)
    return ends and bool(_STARTS_NEW.match(after))


def _heading_like(text: str) -> bool:
    """A capitalised line ("ONTWIKKELINGEN BIJSTAND") or a short numbered one ("2.4 Uitstroom
    naar werk"): a heading, which ends where it ends even when the page breaks after it."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
        return True
    return bool(_NUMBERED.match(text)) and len(text.split()) <= 8


def opens_with_heading(first: str, second: str = "") -> bool:
    """A text that opens with a numbered heading: "2.4 Uitstroom naar werk", or its number on
    a line of its own above a capitalised title ("2" / "Ambitie"), as ``corpus.chunking`` reads
    a numbered heading."""
    text = " ".join(first.split())
    if _SECTION_NUMBER.fullmatch(text) and second.strip():
        text = f"{text} {' '.join(second.split())}"
    return text[:1].isdigit() and heading_level(text, "", "") is not None


def paragraph_breaks(before: str, after: str, following: str, short: bool) -> bool:
    """Whether a paragraph ends between two lines the layout does not set apart (a page
    break, two DOCX paragraphs), by their text: ``paragraph_ends``, or ``after`` (with
    ``following``, the line after it) opens a numbered heading. The one rule of the PDF and
    DOCX readers."""
    return paragraph_ends(before, after, short) or opens_with_heading(after, following)


def _blanks_between(a: PlacedLine, b: PlacedLine) -> int:
    """Empty lines the layout shows between two lines of one page (``b`` read after ``a``)."""
    size = max(a.size, b.size, 1.0)
    drop = a.base - b.base
    if drop < -0.5 * size:
        return 1  # b stands higher: a new column or a box read out of order
    if drop < 0.5 * size:
        return 0  # the same line: cells of a table row, a run in another font
    return max(0, min(MAX_BLANKS, math.floor(drop / (LINE_PITCH * size) - 0.5)))


def _tagged_break(a: PlacedLine, b: PlacedLine) -> bool | None:
    """Whether a tagged PDF's structure tree sets ``b`` apart from ``a`` (another paragraph,
    heading, list or table begins); ``None`` when either line has no element (untagged)."""
    if a.block_end is None or b.block is None:
        return None
    return a.block_end != b.block


def _gap(a: PlacedLine, b: PlacedLine) -> int:
    """Blank lines between two lines of one page: the empty lines the layout shows; in a
    tagged PDF none inside one element of its structure tree (a paragraph, a list, a table:
    the space between a table's rows is no empty line) and at least one where another
    begins (a paragraph end that a word processor marks with spacing, not an empty line),
    or one for every empty paragraph before it."""
    tagged = _tagged_break(a, b)
    if tagged is None:
        return _blanks_between(a, b)
    return max(_blanks_between(a, b), 1, b.empty_before) if tagged else 0


class _Measure:
    """What the document's text usually looks like: its right edge and where a page's text
    starts."""

    def __init__(self, pages: list[list[PlacedLine]]) -> None:
        body = [line for page in pages for line in page]
        long = [line for line in body if len(line.text) >= 30] or body
        self.left = typical([line.x0 for line in long], 0.1)
        self.right = typical([line.x1 for line in long], 0.9)
        self.top = typical([max(line.top for line in page) for page in pages if page], 0.5)
        self.bottom = typical([min(line.base for line in page) for page in pages if page], 0.5)
        gaps = Counter(_blanks_between(a, b) for page in pages for a, b in itertools.pairwise(page))
        # the usual gap inside a paragraph (1 when the text leaves an empty line after every
        # line), and the usual one between paragraphs: what a page break hides
        self.within = gaps.most_common(1)[0][0] if gaps else 0
        wider = Counter({g: n for g, n in gaps.items() if g > self.within})
        self.between = wider.most_common(1)[0][0] if wider else self.within + 1
        # a tagged PDF: the usual gap between two elements of its structure tree on a page,
        # which a page break hides
        pairs = [(a, b) for page in pages for a, b in itertools.pairwise(page)]
        apart = Counter(_gap(a, b) for a, b in pairs if _tagged_break(a, b))
        self.apart = apart.most_common(1)[0][0] if apart else self.between

    def short(self, line: PlacedLine) -> bool:
        width = self.right - self.left
        return width > 0 and line.x1 < self.left + SHORT_LINE * width

    def lead(self, page: list[PlacedLine]) -> int:
        """Empty lines' height above a page's text, below where a page's text usually starts."""
        first = page[0]
        gap = self.top - max(line.top for line in page)
        return max(0, min(MAX_BLANKS, round(gap / (LINE_PITCH * max(first.size, 1.0)))))

    def tail(self, page: list[PlacedLine]) -> int:
        """Empty lines' height below a page's text, above where a page's text usually ends;
        0 for up to ``within`` + 1 lines (a word processor's widow control moves one line of
        a paragraph onto the next page, so a page may end a line early inside a paragraph)."""
        lowest = min(page, key=lambda line: line.base)
        gap = lowest.base - self.bottom
        lines = round(gap / (LINE_PITCH * max(lowest.size, 1.0)))
        return min(MAX_BLANKS, lines) if lines >= self.within + 2 else 0


def _page_break(before: list[PlacedLine], page: list[PlacedLine], measure: _Measure) -> int:
    """Blank lines at a page break (``before``: the page the text comes from): a paragraph
    ends there, or the text goes on. A tagged PDF's structure tree says which (the element
    goes on, or another begins); else the layout and the text do."""
    room = max(measure.lead(page), measure.tail(before))
    tagged = _tagged_break(before[-1], page[0])
    if tagged is not None:
        return max(room, measure.apart, page[0].empty_before) if tagged else 0
    if room:
        return room
    second = page[1].text if len(page) > 1 else ""
    if paragraph_breaks(before[-1].text, page[0].text, second, measure.short(before[-1])):
        return measure.between
    return measure.within


def document_lines(
    pages: list[LaidOutPage],
) -> tuple[list[SourceLine], list[SourceLine]]:
    """The document's lines (furniture left out, paragraph breaks as blank lines) and its
    furniture (``line``: the line's place among all the lines of its page)."""
    furniture_at = find_furniture(pages)
    furniture: list[SourceLine] = []
    bodies: list[list[PlacedLine]] = []
    for number, (page, drop) in enumerate(zip(pages, furniture_at, strict=True), start=1):
        body = []
        for i, line in enumerate(page.lines):
            if i in drop:
                furniture.append(SourceLine(line=i + 1, text=line.text, page=number))
            else:
                body.append(line)
        bodies.append(body)
    measure = _Measure(bodies)
    lines: list[SourceLine] = []
    previous: PlacedLine | None = None
    previous_page: list[PlacedLine] = []
    for number, body in enumerate(bodies, start=1):
        for ref, line in enumerate(body, start=1):
            if previous is not None:
                gap = (
                    _page_break(previous_page, body, measure) if ref == 1 else _gap(previous, line)
                )
                for _ in range(gap):
                    on = lines[-1].page if lines else number
                    lines.append(SourceLine(line=len(lines) + 1, text="", page=on))
            lines.append(SourceLine(line=len(lines) + 1, text=line.text, page=number, ref=ref))
            previous = line
        if body:
            previous_page = body
    return lines, furniture
