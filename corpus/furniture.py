"""Page furniture: running headers, running footers and page numbers of a laid-out document.

A line is furniture when it stands apart (white space between it and the text) at the top or
bottom edge of many pages at the same height with the same, or nearly the same, text (digits
and roman numerals count as one sign, so "Nota Wonen | 3" repeats as "Nota Wonen | 4"; a
header whose chapter title changes keeps its fixed part), on most pages or on most odd or most
even pages (headers that alternate between left and right pages). A page number is found by its value: a
number in one of its usual forms ("3", "- 3 -", "pagina 3 van 54", "3/54", "blz. 3", "iii")
at a page edge that goes up with the page, wherever on the edge it stands.

Everything works on :class:`PlacedLine` (text with its box on the page, PDF points measured
from the page's bottom edge), so any reader that knows where its lines stand can use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from corpus.page_numbers import ROMAN, page_number_value

EDGE_LINES = 3  # lines nearest a page edge that may be furniture ...
SEPARATED = 0.5  # ... when white space of this share of the font size sets them apart
SAME_HEIGHT = 6.0  # points: furniture of different pages stands this close to one height
SIMILAR = 0.75  # text similarity (after digits -> #) of one running header on two pages ...
SHARED_MIN, SHARED_SHARE = 8, 0.5  # ... or a fixed part this long around a changing one
MOST_PAGES = 0.5  # furniture stands on at least this share of the pages ...
MOST_OF_PARITY = 0.6  # ... or of the odd (or even) pages, for alternating headers
MAX_CHARS = 160  # a longer line is text, not furniture

_DIGITS = re.compile(r"\d+")
_ROMAN_WORD = re.compile(rf"\b{ROMAN}\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PlacedLine:
    """A line of a page with its box: ``x0``..``x1`` from the left edge, ``bottom``..``top``
    from the bottom edge (points), the font size of its first character and its baseline
    (``bottom`` when unknown); in a tagged PDF, the structure element (paragraph, heading,
    list, table: ``corpus.readers.pdf_structure.Block``) its first and its last character
    belong to (``None`` when untagged), and the empty elements (empty paragraphs) right
    before the first one."""

    text: str
    x0: float
    x1: float
    bottom: float
    top: float
    size: float
    baseline: float | None = None
    block: tuple[int, ...] | None = None
    block_end: tuple[int, ...] | None = None
    empty_before: int = 0

    @property
    def base(self) -> float:
        return self.bottom if self.baseline is None else self.baseline


@dataclass(slots=True)
class LaidOutPage:
    width: float
    height: float
    lines: list[PlacedLine]  # in reading (content-stream) order


@dataclass(frozen=True, slots=True)
class _Candidate:
    page: int  # 0-based page index
    index: int  # the line's index on its page
    zone: str  # "top" or "bottom"
    height: float  # its top (top zone) or bottom (bottom zone)
    sign: str  # its text with digits and roman numerals as '#'
    outer: bool  # it stands in the outer half of the page on its edge's side


def sign(text: str) -> str:
    """A line's text as furniture compares it: lower case, numbers as '#', spaces collapsed."""
    text = _DIGITS.sub("#", text.lower())
    text = _ROMAN_WORD.sub("#", text)
    return " ".join(text.split())


def _edge_band(page: LaidOutPage, order: list[int]) -> list[int]:
    """The lines from a page edge up to the first empty band (``order`` runs from that edge
    inward); none when no empty band comes within EDGE_LINES lines."""
    for k in range(min(EDGE_LINES, len(order) - 1)):
        here, inner = page.lines[order[k]], page.lines[order[k + 1]]
        white = here.bottom - inner.top if here.top > inner.top else inner.bottom - here.top
        if white >= SEPARATED * max(here.size, inner.size, 1.0):
            return order[: k + 1]
    return order if len(order) <= EDGE_LINES else []


def _candidates(pages: list[LaidOutPage]) -> list[_Candidate]:
    """The lines set apart at the top and at the bottom edge of every page."""
    out: list[_Candidate] = []
    for p, page in enumerate(pages):
        order = sorted(range(len(page.lines)), key=lambda i: -page.lines[i].top)
        for zone, picked in (
            ("top", _edge_band(page, order)),
            ("bottom", _edge_band(page, order[::-1])),
        ):
            for i in picked:
                line = page.lines[i]
                if len(line.text) > MAX_CHARS:
                    continue
                outer = (zone == "top") == (line.bottom >= page.height / 2)
                height = line.top if zone == "top" else line.bottom
                out.append(_Candidate(p, i, zone, height, sign(line.text), outer))
    return out


def _enough(pages: set[int], total: int) -> bool:
    """Whether furniture standing on these pages (0-based) stands on most pages, or on most
    pages of one parity."""
    if len(pages) < 2:
        return False
    if len(pages) >= MOST_PAGES * total:
        return True
    parities = {p % 2 for p in pages}
    of_parity = sum(1 for p in range(total) if p % 2 in parities)
    return len(parities) == 1 and len(pages) >= MOST_OF_PARITY * of_parity


def _running(candidates: list[_Candidate], total: int) -> set[tuple[int, int]]:
    """Candidates that repeat (nearly) at one height of one edge on enough pages."""
    found: set[tuple[int, int]] = set()
    for zone in ("top", "bottom"):
        members = sorted(
            (
                c
                for c in candidates
                if c.zone == zone and c.outer and re.search(r"[^\W\d_]", c.sign)
            ),
            key=lambda c: c.height,
        )
        for group in _by_height(members):
            for component in _similar_groups(group):
                pages = {c.page for c in component}
                if _enough(pages, total):
                    found.update((c.page, c.index) for c in component)
    return found


def _by_height(members: list[_Candidate]) -> list[list[_Candidate]]:
    """Runs of candidates whose heights lie within SAME_HEIGHT of the run's first."""
    groups: list[list[_Candidate]] = []
    for c in members:
        if groups and c.height - groups[-1][0].height <= SAME_HEIGHT:
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def _shared(a: str, b: str) -> int:
    """The length of the common start of two texts."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _similar(a: str, b: str) -> bool:
    """Two signs of one running header: nearly the same text, or the same fixed part before or
    after a part that changes ("hoofdstuk # – inleiding", "hoofdstuk # – bijlagen")."""
    fixed = max(SHARED_MIN, SHARED_SHARE * min(len(a), len(b)))
    if max(_shared(a, b), _shared(a[::-1], b[::-1])) >= fixed:
        return True
    ratio = SequenceMatcher(None, a, b, autojunk=False)
    return ratio.real_quick_ratio() >= SIMILAR and ratio.ratio() >= SIMILAR


def _similar_groups(group: list[_Candidate]) -> list[list[_Candidate]]:
    """Connected groups of candidates on different pages whose signs are SIMILAR."""
    parent = list(range(len(group)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_sign: dict[str, list[int]] = {}
    for i, c in enumerate(group):
        by_sign.setdefault(c.sign, []).append(i)
    signs = list(by_sign)
    for same in by_sign.values():
        for i in same[1:]:
            parent[find(i)] = find(same[0])
    for a in range(len(signs)):
        for b in range(a + 1, len(signs)):
            if _similar(signs[a], signs[b]):
                parent[find(by_sign[signs[b]][0])] = find(by_sign[signs[a]][0])
    components: dict[int, list[_Candidate]] = {}
    for i, c in enumerate(group):
        components.setdefault(find(i), []).append(c)
    return list(components.values())


def _page_numbers(pages: list[LaidOutPage], candidates: list[_Candidate]) -> set[tuple[int, int]]:
    """Page-number lines: edge lines (in either half of the page: a short page's number may
    stand right under its text) whose value minus the page number is the same on enough pages
    (a roman front matter and an arabic body each keep their own offset)."""
    total = len(pages)
    offsets: dict[int, list[_Candidate]] = {}
    for c in candidates:
        value = page_number_value(pages[c.page].lines[c.index].text)
        if value is not None:
            offsets.setdefault(value - (c.page + 1), []).append(c)
    if total == 1:
        return {(c.page, c.index) for c in offsets.get(0, []) if _outermost(pages[0], c)}
    found: set[tuple[int, int]] = set()
    for members in offsets.values():
        if len({c.page for c in members}) >= 2:
            found.update((c.page, c.index) for c in members)
    return found if len({p for p, _ in found}) >= MOST_PAGES * total else set()


def _outermost(page: LaidOutPage, c: _Candidate) -> bool:
    """The single page's number: the very first or last line, in the outer tenth."""
    line = page.lines[c.index]
    if c.zone == "top":
        return line.top == max(x.top for x in page.lines) and line.bottom > 0.9 * page.height
    return line.bottom == min(x.bottom for x in page.lines) and line.top < 0.1 * page.height


def find_furniture(pages: list[LaidOutPage]) -> list[set[int]]:
    """For every page, the indices of its lines that are page furniture."""
    candidates = _candidates(pages)
    found = _running(candidates, len(pages)) | _page_numbers(pages, candidates)
    out: list[set[int]] = [set() for _ in pages]
    for p, i in found:
        out[p].add(i)
    return out
