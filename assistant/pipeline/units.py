"""What is read once per index version for every quotable unit, for the features.

A BM25 index over every unit's text and headings, the figure rows on its lines (from the
metrics table), and, computed on first use and kept, what its words are: stems, the periods
and years it names, how many figures it states, and whether it defines, gives a reason or
names a region. The features of a candidate are then lookups, not text scans.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from assistant.language import word_list, words, years_in
from assistant.pipeline.question import scope_vocabulary
from assistant.sentence_index import SentenceVectors
from assistant.sentences import stems
from corpus import find_periods
from ingest import BM25Index

_FIGURE = re.compile(r"\d+(?:[.,]\d+)*\s*%|(?<![\w.,])(?!(?:19|20)\d\d(?![\d.,]))\d+(?:[.,]\d+)*")
ROW_FIELDS = ("figure_id", "value", "unit", "period", "cumulative", "kind", "municipality", "line")


@dataclass(frozen=True, slots=True)
class UnitText:
    """What one unit's words are (its text; markers and regions also read its headings)."""

    stems: tuple[str, ...]
    context_stems: frozenset[str]
    lead_stems: frozenset[str]  # its first LEAD_WORDS words
    periods: tuple[str, ...]
    years: frozenset[str]
    figures: int
    definition: bool
    reason: bool
    region: bool


LEAD_WORDS = 8
GROUPS_KEPT = 50_000  # candidate groups whose ``GroupText`` is kept per index version


@dataclass(frozen=True, slots=True)
class GroupText:
    """What a candidate's units (one unit, a run of sentences) are together, read from their
    ``UnitText``: the same for every question, so kept per index version (``UnitTables.group``)
    instead of gathered from every unit of every candidate of every question. Small: the
    units' own ``UnitText`` and a few values (no set of its words)."""

    texts: tuple[UnitText, ...]  # its units, in order
    periods: tuple[str, ...]
    years: frozenset[str]
    figures: int
    definition: bool
    reason: bool
    region: bool


def group_text(texts: Sequence[UnitText]) -> GroupText:
    """The ``GroupText`` of units read in their order."""
    return GroupText(
        tuple(texts),
        tuple(p for t in texts for p in t.periods),
        texts[0].years if len(texts) == 1 else frozenset().union(*(t.years for t in texts)),
        sum(t.figures for t in texts),
        any(t.definition for t in texts),
        any(t.reason for t in texts),
        any(t.region for t in texts),
    )


def figures_in(text: str) -> list[str]:
    """The numerals ``text`` states that are not just a year, as written."""
    return _FIGURE.findall(text)


def figure_count(text: str) -> int:
    """How many numerals ``text`` states that are not just a year."""
    return len(figures_in(text))


@lru_cache(maxsize=4)
def _words_pattern(section: str) -> re.Pattern[str]:
    """One pattern for a word list: the region names, or a marker list of language.toml."""
    if section == "regions":
        forms = [f for fs in scope_vocabulary()["regions"].values() for f in fs]
    else:
        forms = list(word_list(section))
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})\b")


def has_words(text: str, section: str) -> bool:
    """Whether ``text`` holds a word of a list: ``regions`` or a marker list of language.toml
    (``definition_markers``, ``reason_markers``)."""
    return bool(_words_pattern(section).search(" ".join(words(text))))


def read_unit(text: str, context: str) -> UnitText:
    both = f"{context} {text}"
    return UnitText(
        tuple(stems(text)),
        frozenset(stems(context)),
        frozenset(stems(" ".join(text.split()[:LEAD_WORDS]))),
        tuple(p.period for p in find_periods(text)),
        frozenset(years_in(text)),
        figure_count(text),
        has_words(both, "definition_markers"),
        has_words(both, "reason_markers"),
        has_words(both, "regions"),
    )


class UnitTables:
    """What is read once per index version for every unit: a BM25 index over its text and
    headings, the figure rows on its lines, and (lazily) the periods its text names."""

    def __init__(self, units: SentenceVectors, frame: pd.DataFrame) -> None:
        texts = [f"{c} {t}" for c, t in zip(units.contexts, units.texts, strict=True)]
        self.bm25 = BM25Index.build([str(i) for i in range(len(texts))], texts)
        self.rows = _rows_by_unit(units, frame)
        self._read: dict[int, UnitText] = {}
        self._groups: dict[tuple[int, ...], GroupText] = {}
        self._texts = units.texts
        self._contexts = units.contexts

    def read_all(self, limit: int) -> int:
        """Read every unit's words now (at warm-up, not in the first questions that meet
        them), when there are at most ``limit`` units; how many were read."""
        if len(self._texts) > limit:
            return 0
        for i in range(len(self._texts)):
            self.text(i)
        return len(self._texts)

    def text(self, i: int) -> UnitText:
        read = self._read.get(i)
        if read is None:
            read = self._read[i] = read_unit(self._texts[i], self._contexts[i])
        return read

    def group(self, members: tuple[int, ...]) -> GroupText:
        """The ``GroupText`` of these units (kept, up to GROUPS_KEPT groups)."""
        found = self._groups.get(members)
        if found is None:
            if len(self._groups) >= GROUPS_KEPT:
                self._groups = {}
            found = self._groups[members] = group_text([self.text(m) for m in members])
        return found


def _rows_by_unit(units: SentenceVectors, frame: pd.DataFrame) -> list[tuple[dict[str, Any], ...]]:
    """Unit -> the figure rows whose line lies in it. (A document's line numbers are unique, a
    paged one's too, so a unit that runs on over a page break holds the rows of both pages.)"""
    out: list[tuple[dict[str, Any], ...]] = [() for _ in range(len(units))]
    if frame is None or not len(frame):
        return out
    records = frame[[c for c in (*ROW_FIELDS, "doc_id", "page") if c in frame]].to_dict("records")
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_doc.setdefault(str(r["doc_id"]), []).append(r)
    for doc_rows in by_doc.values():
        doc_rows.sort(key=lambda r: int(r["line"]))
    lines = {d: [int(r["line"]) for r in rs] for d, rs in by_doc.items()}
    for i in range(len(units)):
        doc_id, _, start, end = units.place(i)
        found = by_doc.get(doc_id)
        if not found:
            continue
        lo, hi = bisect.bisect_left(lines[doc_id], start), bisect.bisect_right(lines[doc_id], end)
        out[i] = tuple({k: r.get(k) for k in ROW_FIELDS} for r in found[lo:hi])
    return out
