"""The shape of a document for figure extraction: headings, paragraphs, list items, table rows.

A document's source lines are grouped into *units*. A unit's ``text`` is the cleaned text of its
lines joined as running text (hyphenation undone), and ``pieces`` map every character back to
the source line it came from, so a figure found in the text can be cited at its exact line.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from corpus import Document, SourceLine, clean_line_text, clean_lines
from metrics.numbers import NumberMatch, find_numbers
from metrics.vocabulary import function_words

UnitKind = str  # heading | caption | prose | item | row | lone

_TERMINAL = re.compile(r"[.!?;:][\"”’)]*$")
_ITEM = re.compile(r"^(?:- |\* ?|\d{1,2}[.)]\s|[a-z][.)]\s)")
_CAPTION = re.compile(r"^(?:tabel|figuur|grafiek|table|figure|chart)\b", re.I)
_SECTION_NO = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z]")


@dataclass(frozen=True, slots=True)
class Piece:
    index: int  # position in ``Document.lines``
    offset: int  # where this line's cleaned text starts in the unit text
    clean: str


@dataclass(slots=True)
class Unit:
    kind: UnitKind
    text: str
    pieces: list[Piece] = field(default_factory=list)

    @property
    def first(self) -> int:
        return self.pieces[0].index

    @property
    def last(self) -> int:
        return self.pieces[-1].index

    def locate(self, offset: int) -> tuple[Piece, int]:
        """The piece holding the character at ``offset`` and the offset within its clean text."""
        for piece in reversed(self.pieces):
            if piece.offset <= offset:
                return piece, offset - piece.offset
        return self.pieces[0], 0


@lru_cache(maxsize=4096)
def _numbers(text: str) -> tuple[NumberMatch, ...]:
    return tuple(find_numbers(text))


def ends_with_figure(text: str) -> bool:
    found = _numbers(text)
    return bool(found) and not text[found[-1].end :].strip(" |*)].:")


def has_figure(text: str) -> bool:
    return bool(_numbers(text))


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def is_heading_line(text: str, prev_blank: bool, next_text: str) -> bool:
    if len(text) > 80 or (_TERMINAL.search(text) and not text.endswith(":")) or has_figure(text):
        return False
    if _CAPTION.match(text):
        return True
    words = text.split()
    if _is_caps(text) and len(words) <= 10:
        return True
    if _SECTION_NO.match(text) and len(words) <= 10 and not text.endswith(","):
        return True
    if text.endswith(":") or not prev_blank or len(words) > 7 or not text[:1].isupper():
        return False
    if words[-1].lower() in function_words():
        return False
    return not next_text or next_text[:1].isupper()


def _continues(prev: str, text: str, full_width: int, blank: bool) -> bool:
    """Whether ``text`` continues the paragraph of ``prev``."""
    if _ITEM.match(text):
        return False
    if not blank or (prev.endswith("-") and text[:1].isalnum()):
        return True
    if _TERMINAL.search(prev):
        return prev.endswith(":") and bool(re.fullmatch(r"[\d.,%€\s+-]+", text))
    if text[:1].islower() or text[:1] in "(%":
        return True
    return not blank or len(prev) >= full_width


def _join(pieces: list[tuple[int, str]]) -> tuple[str, list[Piece]]:
    """Join cleaned lines as ``corpus.join_lines`` does, keeping each line's offset."""
    out = ""
    placed: list[Piece] = []
    for index, text in pieces:
        if not out:
            sep = ""
        elif re.search(r"[a-zà-ÿ]-$", out) and text[:1].islower():
            out = out[:-1]
            sep = ""
        elif out.endswith("-") and text[:1].isalnum():
            sep = ""
        elif _ITEM.match(text):
            sep = "\n"
        else:
            sep = " "
        out += sep
        placed.append(Piece(index, len(out), text))
        out += text
    return out, placed


def _lone_is_figure(cleaned: Sequence[str], i: int) -> bool:
    """A lone number is a figure when a word label follows it (``250`` / ``ouderen``)."""
    found = _numbers(cleaned[i])
    if len(found) != 1 or found[0].unit in ("percent", "euro"):
        return len(found) >= 1
    nxt = next((t for t in cleaned[i + 1 : i + 4] if t), "")
    return bool(len(nxt) <= 40 and not re.search(r"\d", nxt) and re.search(r"[^\W\d_]{3}", nxt))


_NUMERIC_LINE = re.compile(r"[\d.,%€\s+]+")


def cleaned_lines(lines: Sequence[SourceLine]) -> list[str]:
    """Cleaned text per line; running headers, page numbers and chart axis labels become ''."""
    dropped = clean_lines(lines)
    out = [dropped[i] or clean_line_text(sl.text) for i, sl in enumerate(lines)]
    for i, text in enumerate(out):
        if not dropped[i] and not (text and _NUMERIC_LINE.fullmatch(text)):
            out[i] = ""  # a running header or a page number
        elif text and _NUMERIC_LINE.fullmatch(text) and not _lone_is_figure(out, i):
            out[i] = ""
    return out


def _table_row(prev: str, text: str) -> bool:
    """``text`` is a table row (a short label and two or more values) under a non-sentence."""
    found = _numbers(text)
    if len(found) < 2 or not ends_with_figure(text):
        return False
    label_words = re.findall(r"[^\W\d_]{2,}", text[: found[0].start])
    return len(label_words) <= 3 and len(re.findall(r"[^\W\d_]{2,}", prev)) <= 8


def _classify(cleaned: Sequence[str], i: int, prev_blank: bool) -> UnitKind:
    text = cleaned[i]
    next_text = next((t for t in cleaned[i + 1 : i + 3] if t), "")
    if _ITEM.match(text):
        return "item"
    continued = next_text[:1].islower() and len(re.findall(r"[^\W\d_]{2,}", next_text)) >= 3
    if ends_with_figure(text) and len(text) <= 90 and not continued:
        lone = _NUMERIC_LINE.fullmatch(text) and len(_numbers(text)) == 1
        return "lone" if lone else "row"
    if is_heading_line(text, prev_blank, next_text):
        return "caption" if _CAPTION.match(text) else "heading"
    return "prose"


def units(doc: Document) -> list[Unit]:
    """The document's units in reading order."""
    cleaned = cleaned_lines(doc.lines)
    lengths = sorted(len(t) for t in cleaned if t)
    full_width = int(0.7 * lengths[int(0.9 * (len(lengths) - 1))]) if lengths else 60
    out: list[Unit] = []
    current: list[tuple[int, str]] = []
    kind: UnitKind = "prose"
    blank = True

    def flush() -> None:
        if current:
            text, pieces = _join(current)
            out.append(Unit(kind, text, pieces))
            current.clear()

    for i, text in enumerate(cleaned):
        if not text:
            blank = True
            continue
        prev = current[-1][1] if current else ""
        stray = len(re.findall(r"[^\W\d_]{2,}", prev)) < 3
        goes_on = current and kind in ("prose", "item") and not blank and not _ITEM.match(text)
        if goes_on and not _TERMINAL.search(prev) and not _table_row(prev, text) and not stray:
            current.append((i, text))  # the sentence goes on
            continue
        block_start = blank or not prev or bool(_TERMINAL.search(prev)) or kind != "prose"
        block_start = block_start or _table_row(prev, text)
        line_kind = _classify(cleaned, i, block_start)
        if len(re.findall(r"[^\W\d_]{2,}", prev)) < 3 and kind == "prose":
            block_start = True  # after a stray label such as "m Q3"
        if line_kind in ("row", "lone") and kind in ("prose", "item") and not block_start:
            line_kind = "prose"  # a wrapped sentence that happens to end with a number
        if line_kind == "lone" and kind in ("prose", "item") and prev.endswith(":") and not blank:
            line_kind = "prose"  # "in 2025:" / "+1,15%": the value of the label above
        joinable = kind in ("prose", "item") and line_kind == "prose"
        same_caption = kind == "caption" and line_kind in ("heading", "prose") and not blank
        joins = same_caption or (joinable and _continues(prev, text, full_width, blank))
        if current and (joins or (kind == "heading" and line_kind == "heading" and not blank)):
            current.append((i, text))
        else:
            flush()
            kind = line_kind
            current.append((i, text))
        blank = False
    flush()
    return out


def raw_span(sl: SourceLine, clean: str, start: int, end: int) -> tuple[int, int]:
    """The span in the verbatim line ``sl.text`` of ``clean[start:end]``."""
    raw = sl.text
    needle = clean[start:end]
    matcher = difflib.SequenceMatcher(None, clean, raw, autojunk=False)
    mapping: dict[int, int] = {}
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            mapping[a + k] = b + k
    if start in mapping and end - 1 in mapping:
        rs, re_ = mapping[start], mapping[end - 1] + 1
        if raw[rs:re_].split() == needle.split() or re.sub(r"\D", "", raw[rs:re_]) == re.sub(
            r"\D", "", needle
        ):
            return rs, re_
    hit = raw.find(needle)
    if hit >= 0:
        return hit, hit + len(needle)
    digits = re.escape(re.sub(r"\s+", " ", needle)).replace(r"\ ", r"\s+")
    m = re.search(digits, raw)
    return (m.start(), m.end()) if m else (0, len(raw))


def quote_for(sl: SourceLine, rs: int, re_: int, limit: int = 160) -> str:
    """A verbatim substring of ``sl.text`` around ``rs:re_``: the clause on that line."""
    raw = sl.text
    left = max(
        (m.end() for m in re.finditer(r"[.!?;]\s+(?=\S)", raw[:rs]) if m.end() <= rs), default=0
    )
    right_m = re.search(r"[.!?;](?=\s|$)", raw[re_:])
    right = re_ + right_m.end() if right_m else len(raw)
    if right - left > limit:
        left = max(left, rs - limit // 2)
        right = min(right, re_ + limit // 2)
        while left > 0 and not raw[left - 1].isspace() and left < rs:
            left += 1
        while right < len(raw) and not raw[right].isspace() and right > re_:
            right -= 1
    quote = raw[left:right]
    strip_left = len(quote) - len(quote.lstrip(" \t\u00a0-–•·*\uf0b7\ufffd"))
    quote = quote[strip_left:].rstrip()
    return quote or raw[rs:re_]


_FOOTNOTE_LINE = re.compile(
    r"\s*\d{1,2}\s+(?:https?:|www\.)|\s*\d{1,2}\s+\S.*\b(?:19|20)\d\d\.?\s*$"
)
_AXIS = re.compile(r"\s*(\d{1,3})(?:\s+\d{1,3}){2,}\s*")


def not_a_figure(doc: Document, unit: Unit, match: NumberMatch) -> bool:
    """Footnotes, section numbers at the start of a source line and chart axis ticks."""
    piece, offset = unit.locate(match.num_start)
    raw = doc.lines[piece.index].text
    if _FOOTNOTE_LINE.match(raw) and offset < 3:
        return True
    if _FOOTNOTE_LINE.match(raw) and re.match(r"\s*\d{1,2}\s+(?:https?:|www\.)", raw):
        return True  # digits inside a footnote's address
    axis = _AXIS.fullmatch(piece.clean)
    if axis:
        ticks = [int(t) for t in piece.clean.split()]
        steps = {b - a for a, b in itertools.pairwise(ticks)}
        if len(steps) == 1 and steps.pop() > 0:
            return True  # "22 23 24 25": an axis, not figures
    if offset == 0 and match.unit not in ("percent", "euro") and not match.spelled:
        rest = piece.clean[match.num_end - match.num_start :]
        prev = doc.lines[piece.index - 1].text.strip() if piece.index > 0 else ""
        small = match.value <= 30 and (not prev or prev.endswith((".", ":", "!", "?")))
        if re.match(r"\s+[A-Z][a-z]", rest) and (small or not match.value.is_integer()):
            return True  # "3.2 Meer passend werk": a section number opening the line
    return False
