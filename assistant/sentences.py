"""Sentences of source lines, each with its exact line range, scored against a question.

A sentence is cut from the raw source lines (not the cleaned index text), so its text,
whitespace collapsed, stands verbatim in the cited lines. Blank lines and bullet markers start
a new block; within a block, a sentence ends at ``.``, ``!`` or ``?`` before a space.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from assistant.language import Term, stems

BULLET = re.compile(r"^\s*(?:[-•*▪·oe]\s|\d{1,2}[.)]\s|[a-z][.)]\s)")
_CLOSED = re.compile(r"[.!?:;]\s*$")
_END = re.compile(r"[.!?](?=\s)")
MAX_CHARS = 420
MIN_WORDS = 4


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    line_start: int
    line_end: int


def line_blocks(lines: Sequence[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Runs of lines that may hold one sentence. A bullet starts a run; so does a blank line,
    unless the text before it ends mid-sentence and the text after it goes on in lower case
    (PDF exports often put a blank line between the lines of one sentence)."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    blank = False
    for number, raw in lines:
        text = " ".join(raw.split())
        if not text:
            blank = True
            continue
        continues = bool(current) and not _CLOSED.search(current[-1][1]) and text[:1].islower()
        if BULLET.match(raw) or (blank and not continues):
            if current:
                blocks.append(current)
            current = []
        current.append((number, text))
        blank = False
    if current:
        blocks.append(current)
    return blocks


def _split_block(block: list[tuple[int, str]]) -> list[Sentence]:
    joined = ""
    owners: list[tuple[int, int]] = []  # (char offset where the line starts, line number)
    for number, text in block:
        if joined:
            joined += " "
        owners.append((len(joined), number))
        joined += text

    def line_at(offset: int) -> int:
        return max(n for start, n in owners if start <= offset)

    out: list[Sentence] = []
    start = 0
    cuts = [m.end() for m in _END.finditer(joined)] + [len(joined)]
    for end in cuts:
        piece = joined[start:end]
        lead = len(piece) - len(piece.lstrip())
        text = piece.strip()
        if text:
            first = start + lead
            out.append(Sentence(text, line_at(first), line_at(first + len(text) - 1)))
        start = end
    return out


def _shorten(sentence: Sentence, lines: dict[int, str]) -> list[Sentence]:
    """An over-long run (a list or a table) is cut at line boundaries into shorter pieces."""
    if len(sentence.text) <= MAX_CHARS:
        return [sentence]
    pieces: list[Sentence] = []
    group: list[int] = []
    for number in range(sentence.line_start, sentence.line_end + 1):
        if number not in lines:
            continue
        group.append(number)
        text = " ".join(lines[n] for n in group)
        if len(text) > MAX_CHARS // 2:
            pieces.append(Sentence(text, group[0], group[-1]))
            group = []
    if group:
        pieces.append(Sentence(" ".join(lines[n] for n in group), group[0], group[-1]))
    return [p for p in pieces if p.text]


def split_sentences(lines: Sequence[tuple[int, str]]) -> list[Sentence]:
    """Sentences of ``(line number, raw text)`` pairs; every sentence knows its lines."""
    collapsed = {n: " ".join(t.split()) for n, t in lines}
    out: list[Sentence] = []
    for block in line_blocks(lines):
        for sentence in _split_block(block):
            out.extend(_shorten(sentence, collapsed))
    return out


def idf_table(texts: Iterable[str]) -> dict[str, float]:
    """Inverse document frequency of every stem over ``texts`` (the index chunks)."""
    counts: dict[str, int] = {}
    total = 0
    for text in texts:
        total += 1
        for stem in set(stems(text)):
            counts[stem] = counts.get(stem, 0) + 1
    return IdfTable({s: math.log(1 + (total - c + 0.5) / (c + 0.5)) for s, c in counts.items()})


class IdfTable(dict[str, float]):
    """Stem -> idf; an unseen stem weighs as much as the rarest seen one."""

    @property
    def ceiling(self) -> float:
        top: float | None = self.__dict__.get("_ceiling")
        if top is None:
            top = self.__dict__["_ceiling"] = max(self.values(), default=1.0)
        return top


UNSEEN_WEIGHT = 0.25  # share of the rarest word's weight that a word the corpus lacks gets


def term_weight(term: str, idf: dict[str, float]) -> float:
    if term in idf:
        return idf[term]
    top = idf.ceiling if isinstance(idf, IdfTable) else max(idf.values(), default=1.0)
    return UNSEEN_WEIGHT * top


def matches(term: str, sentence_stems: AbstractSet[str]) -> bool:
    return term in sentence_stems or (
        len(term) >= 5
        and any(s.startswith(term) or (term.startswith(s) and len(s) >= 5) for s in sentence_stems)
    )


@lru_cache(maxsize=50_000)
def stem_set(text: str) -> frozenset[str]:
    """The stems of a sentence (cached: the same sentences are scored for many questions)."""
    return frozenset(stems(text))


def _weight(term: Term, idf: dict[str, float]) -> float:
    """A stem's idf; a synonym group weighs as its first form that the corpus knows (the
    asker's own word comes first, ``question_terms``), else as its first form."""
    if isinstance(term, str):
        return term_weight(term, idf)
    parts = next((a.split() for a in term if all(p in idf for p in a.split())), term[0].split())
    return sum(term_weight(p, idf) for p in parts) / len(parts)


def _met(term: Term, have: AbstractSet[str]) -> bool:
    if isinstance(term, str):
        return matches(term, have)
    return any(all(matches(p, have) for p in alt.split()) for alt in term)


def coverage(terms: Sequence[Term], text: str, idf: dict[str, float]) -> float:
    """The idf-weighted share of the question terms that ``text`` contains (0..1). A term is a
    stem, or a synonym group (any of its stem phrases meets it)."""
    unique = list(dict.fromkeys(terms))
    if not unique:
        return 0.0
    have = stem_set(text)
    total = sum(_weight(t, idf) for t in unique)
    hit = sum(_weight(t, idf) for t in unique if _met(t, have))
    return hit / total if total else 0.0


_LEADING_BULLET = re.compile(r"^(?:[-•*▪·oe]|\uf0b7)\s+(?=[A-ZÀ-Ý0-9€])")


def without_bullet(text: str) -> str:
    """A quote without the bullet a PDF export left in front of it ("o Totaal ...",
    "e In de ..."): the rest still stands verbatim in the source line."""
    return _LEADING_BULLET.sub("", text, count=1)


def usable(sentence: Sentence) -> bool:
    words = sentence.text.split()
    return len(words) >= MIN_WORDS and sum(c.isalpha() for c in sentence.text) >= 15
