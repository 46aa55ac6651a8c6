"""Sentences of source lines, each with its exact line range, scored against a question.

A sentence is cut from the raw source lines (not the cleaned index text), so its text,
whitespace collapsed, stands verbatim in the cited lines. Blank lines and bullet markers start
a new block; within a block, a sentence ends at ``.``, ``!`` or ``?`` before a space.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Collection, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from assistant.language import Term, stems

BULLET = re.compile(r"^\s*(?:[-•*▪·oe]\s|\d{1,2}[.)]\s|[a-z][.)]\s)")
_CLOSED = re.compile(r"[.!?:;]\s*$")
_END = re.compile(r"[.!?](?=\s)")
MAX_CHARS = 420
MIN_WORDS = 4
SPACED_MIN_LINES = 40  # non-blank lines a document needs before its spacing is judged
SPACED_SHARE = 0.5  # ... and the share of them followed by exactly one blank line
WRAP_CHARS = 60  # a line this long that ends mid-sentence was wrapped, not a heading


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    line_start: int
    line_end: int


def double_spaced(lines: Sequence[tuple[int, str]]) -> bool:
    """Whether a document puts one blank line after nearly every line (a PDF export's
    artefact): then only two or more blank lines end a paragraph."""
    gaps: list[int] = []  # the blank lines after each non-blank line
    count: int | None = None
    for _, raw in lines:
        if raw.strip():
            if count is not None:
                gaps.append(count)
            count = 0
        elif count is not None:
            count += 1
    return len(gaps) >= SPACED_MIN_LINES and sum(g == 1 for g in gaps) >= SPACED_SHARE * len(gaps)


def line_blocks(
    lines: Sequence[tuple[int, str]], spaced: bool = False
) -> list[list[tuple[int, str]]]:
    """Runs of lines that may hold one sentence. A bullet starts a run; so does a blank line,
    unless the text before it ends mid-sentence and the text after it goes on in lower case
    (PDF exports often put a blank line between the lines of one sentence), or, in a
    ``double_spaced`` document, the one blank line follows a full line that ends mid-sentence
    ("... projecten als PS Doen, de Dynamische" / "Investeringsagenda en de 100 ...")."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    blanks = 0
    for number, raw in lines:
        text = " ".join(raw.split())
        if not text:
            blanks += 1
            continue
        before = current[-1][1] if current else ""
        open_end = bool(before) and not _CLOSED.search(before)  # it ends mid-sentence
        continues = open_end and text[:1].islower()
        # a double-spaced document's one blank line inside a paragraph: after a full, open line
        wrapped = spaced and blanks == 1 and open_end and len(before) >= WRAP_CHARS
        if BULLET.match(raw) or (blanks and not continues and not wrapped):
            if current:
                blocks.append(current)
            current = []
        current.append((number, text))
        blanks = 0
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


def split_sentences(lines: Sequence[tuple[int, str]], spaced: bool = False) -> list[Sentence]:
    """Sentences of ``(line number, raw text)`` pairs; every sentence knows its lines."""
    collapsed = {n: " ".join(t.split()) for n, t in lines}
    out: list[Sentence] = []
    for block in line_blocks(lines, spaced):
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

    @property
    def ordered(self) -> list[str]:
        """The stems in sorted order (built on first use and kept: the table is not changed
        after it is built), for lookups by prefix (``meets_any``)."""
        ordered: list[str] | None = self.__dict__.get("_ordered")
        if ordered is None:
            ordered = self.__dict__["_ordered"] = sorted(self)
        return ordered


UNSEEN_WEIGHT = 0.25  # share of the rarest word's weight that a word the corpus lacks gets


def term_weight(term: str, idf: dict[str, float]) -> float:
    if term in idf:
        return idf[term]
    top = idf.ceiling if isinstance(idf, IdfTable) else max(idf.values(), default=1.0)
    return UNSEEN_WEIGHT * top


MIN_PREFIX = 5  # a stem this long matches a longer word it begins ("uitstroom": "uitstroomcijfers")
SHORTER_SHARE = 0.7  # ... and a shorter word holding this share of it (not a compound's first part:
# "arbeid" does not match "arbeidsmigranten")


_SHORTENED = re.compile(r"(.*[^aeiou])([aeou])([^aeiou])")


@lru_cache(maxsize=50_000)
def long_vowel(stem: str) -> str:
    """The stemmer shortens a last long vowel ("uitstroom" -> "uitstrom") but keeps it inside
    a compound ("uitstroomcijfers" -> "uitstroomcijfer"): the long form, to meet the compound."""
    short = _SHORTENED.fullmatch(stem)
    return f"{short.group(1)}{short.group(2) * 2}{short.group(3)}" if short else stem


def meets(term: str, stem: str) -> bool:
    """Whether a question stem is met by one passage stem (:func:`matches` of that stem)."""
    return matches(term, frozenset((stem,)))


def matches(term: str, sentence_stems: AbstractSet[str]) -> bool:
    """Whether any stem of a passage meets ``term``: the same stem; or, for a term of
    MIN_PREFIX letters or more, a stem it begins (also with its last vowel long again:
    "uitstrom" meets "uitstroomcijfer"), or a stem that begins it and holds SHORTER_SHARE of
    it. (The same question terms are matched against thousands of passages: cached.)"""
    if term in sentence_stems:
        return True
    if len(term) < MIN_PREFIX:
        return False
    if isinstance(sentence_stems, frozenset):
        return _matches_cached(term, sentence_stems)
    return _prefix_match(term, sentence_stems)


def meets_any(term: str, vocabulary: Collection[str]) -> bool:
    """Whether ``term`` meets any stem of ``vocabulary`` as ``matches`` decides it, i.e.
    ``any(matches(term, {v}) for v in vocabulary)``, found by bisection over the sorted stems
    (kept by an ``IdfTable``; a dict is a vocabulary of its keys) instead of a test of every
    stem."""
    if term in vocabulary:
        return True
    if len(term) < MIN_PREFIX:
        return False
    ordered = vocabulary.ordered if isinstance(vocabulary, IdfTable) else sorted(vocabulary)
    for form in (term, long_vowel(term)):  # a stem it begins
        at = bisect.bisect_left(ordered, form)
        if at < len(ordered) and ordered[at].startswith(form):
            return True
    shortest = max(MIN_PREFIX, math.ceil(SHORTER_SHARE * len(term)))
    return any(term[:n] in vocabulary for n in range(shortest, len(term)))


@lru_cache(maxsize=200_000)
def _matches_cached(term: str, sentence_stems: frozenset[str]) -> bool:
    return _prefix_match(term, sentence_stems)


def _prefix_match(term: str, sentence_stems: AbstractSet[str]) -> bool:
    forms = (term, long_vowel(term))
    if any(s.startswith(forms) for s in sentence_stems):
        return True
    shortest = max(MIN_PREFIX, math.ceil(SHORTER_SHARE * len(term)))
    return any(term[:n] in sentence_stems for n in range(shortest, len(term)))


@lru_cache(maxsize=50_000)
def stem_set(text: str) -> frozenset[str]:
    """The stems of a sentence (cached: the same sentences are scored for many questions)."""
    return frozenset(stems(text))


def group_weight(term: Term, idf: dict[str, float]) -> float:
    """A stem's idf; a synonym group weighs as its first form that the corpus knows (the
    asker's own word comes first, ``question_terms``), else as its first form."""
    if isinstance(term, str):
        return term_weight(term, idf)
    known = next((a for a in term if all(p in idf for p in a.split())), term[0])
    return alternative_weight(known, idf)


def alternative_weight(alternative: str, idf: dict[str, float]) -> float:
    """A stem phrase's weight: the mean weight of its stems."""
    parts = alternative.split()
    return sum(term_weight(p, idf) for p in parts) / len(parts)


def met_weight(term: Term, have: AbstractSet[str], idf: dict[str, float]) -> float:
    """What a text earns for a term: its weight when it holds the stem; for a synonym group,
    the weight of the rarest form it holds, at most the group's (a group met only through a
    more common form, "verplicht" for "tegenprestatie", earns what that form weighs)."""
    if isinstance(term, str):
        return term_weight(term, idf) if matches(term, have) else 0.0
    met = [a for a in term if all(matches(p, have) for p in a.split())]
    if not met:
        return 0.0
    return min(group_weight(term, idf), max(alternative_weight(a, idf) for a in met))


def coverage(terms: Sequence[Term], text: str, idf: dict[str, float]) -> float:
    """The idf-weighted share of the question terms that ``text`` contains (0..1). A term is a
    stem, or a synonym group (any of its stem phrases meets it)."""
    if not terms:
        return 0.0
    return stem_coverage(terms, stem_set(text), idf)


def stem_coverage(terms: Sequence[Term], have: AbstractSet[str], idf: dict[str, float]) -> float:
    """``coverage`` of a text whose stems are ``have`` (``stem_set`` of the text)."""
    unique = list(dict.fromkeys(terms))
    if not unique:
        return 0.0
    total = sum(group_weight(t, idf) for t in unique)
    hit = sum(met_weight(t, have, idf) for t in unique)
    return hit / total if total else 0.0


_LEADING_BULLET = re.compile(r"^(?:[-•*▪·oe]|\uf0b7)\s+(?=[A-ZÀ-Ý0-9€])")


def without_bullet(text: str) -> str:
    """A quote without the bullet a PDF export left in front of it ("o Totaal ...",
    "e In de ..."): the rest still stands verbatim in the source line."""
    return _LEADING_BULLET.sub("", text, count=1)


def usable(sentence: Sentence) -> bool:
    words = sentence.text.split()
    return len(words) >= MIN_WORDS and sum(c.isalpha() for c in sentence.text) >= 15
