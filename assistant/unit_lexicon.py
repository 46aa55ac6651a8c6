"""The units that hold most of a question's words, anywhere in the corpus.

The dense search misses a passage whose words are rare but whose meaning is spread thin over a
long unit ("In 2019 is de tegenprestatie niet opgelegd" under "Maatschappelijke
tegenprestatie"). This index finds units by their stems (text and headings), with the same
prefix and synonym-group matching as :func:`assistant.sentences.coverage`, so a unit that names
the asked words enters the ranking even when its vector does not.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

import numpy as np

from assistant.language import Term
from assistant.sentences import (
    MIN_PREFIX,
    SHORTER_SHARE,
    alternative_weight,
    group_weight,
    long_vowel,
    stem_set,
)

HELD_KEPT = 4096  # stems whose units are kept between questions (a few MB)


class UnitLexicon:
    """Stem -> the units (by position in the unit table) whose text, or whose headings, hold
    it; and from that the word coverage of any unit or run of units, as
    :func:`assistant.sentences.coverage` computes it from their text, without reading a text."""

    def __init__(self, texts: Sequence[str], contexts: Sequence[str]) -> None:
        in_text: dict[str, list[int]] = {}
        in_context: dict[str, list[int]] = {}
        for i, (text, context) in enumerate(zip(texts, contexts, strict=True)):
            for stem in stem_set(text):
                in_text.setdefault(stem, []).append(i)
            for stem in stem_set(context) if context else ():
                in_context.setdefault(stem, []).append(i)
        self.size = len(texts)
        self._text = {s: np.asarray(ids, dtype=np.int64) for s, ids in in_text.items()}
        self._context = {s: np.asarray(ids, dtype=np.int64) for s, ids in in_context.items()}
        self._known = frozenset(self._text.keys() | self._context.keys())
        self._vocab = sorted(self._known)
        self._held: dict[tuple[str, bool], np.ndarray] = {}  # (stem, in headings) -> units
        self._holders: dict[str, np.ndarray] = {}  # stem -> the units holding it (positions)

    def _meeting(self, stem: str) -> list[str]:
        """The indexed stems that meet ``stem`` (``assistant.sentences.meets``), found by
        bisection over the sorted vocabulary instead of a scan."""
        known = self._known
        found = [stem] if stem in known else []
        if len(stem) < MIN_PREFIX:
            return found
        for form in dict.fromkeys((stem, long_vowel(stem))):  # words it begins
            lo = bisect.bisect_left(self._vocab, form)
            hi = bisect.bisect_left(self._vocab, form + "\uffff")
            found.extend(s for s in self._vocab[lo:hi] if s != stem)
        shortest = max(MIN_PREFIX, math.ceil(SHORTER_SHARE * len(stem)))
        found.extend(stem[:n] for n in range(shortest, len(stem)) if stem[:n] in known)
        return found

    def _holding(self, stem: str, headings: bool = False) -> np.ndarray:
        """Which units meet one stem in their text (or, ``headings``, in their headings);
        kept, as the same question stems recur (up to HELD_KEPT of them)."""
        key = (stem, headings)
        have = self._held.get(key)
        if have is None:
            postings = self._context if headings else self._text
            have = np.zeros(self.size, dtype=bool)
            for s in dict.fromkeys(self._meeting(stem)):
                if s in postings:
                    have[postings[s]] = True
            if len(self._held) >= HELD_KEPT:
                self._held.clear()
            self._held[key] = have
        return have

    def group_coverage(
        self, terms: Sequence[Term], idf: dict[str, float], groups: Sequence[Sequence[int]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each group of units (a unit, or a run of neighbouring units): the share of the
        question terms its text holds, and the share its text and its first unit's headings
        hold (``assistant.sentences.coverage`` of the joined text, and of the headings with it)."""
        unique = list(dict.fromkeys(terms))
        text_share = np.zeros(len(groups), dtype=np.float64)
        context_share = np.zeros(len(groups), dtype=np.float64)
        total = sum(group_weight(t, idf) for t in unique)
        if not groups or not total:
            return text_share, context_share
        members = np.concatenate([np.asarray(g, dtype=np.int64) for g in groups])
        starts = np.cumsum([0, *(len(g) for g in groups[:-1])])
        firsts = np.asarray([g[0] for g in groups], dtype=np.int64)
        present: dict[str, tuple[np.ndarray, np.ndarray]] = {}

        def held(part: str) -> tuple[np.ndarray, np.ndarray]:
            if part not in present:
                text = np.logical_or.reduceat(self._holding(part)[members], starts)
                present[part] = (text, text | self._holding(part, headings=True)[firsts])
            return present[part]

        for term in unique:
            cap = group_weight(term, idf)
            earned_text = np.zeros(len(groups), dtype=np.float64)
            earned_context = np.zeros(len(groups), dtype=np.float64)
            for alternative in (term,) if isinstance(term, str) else term:
                parts = alternative.split()
                if not parts:
                    continue
                weight = (
                    cap if isinstance(term, str) else min(cap, alternative_weight(alternative, idf))
                )
                in_text = np.logical_and.reduce([held(p)[0] for p in parts])
                in_context = np.logical_and.reduce([held(p)[1] for p in parts])
                earned_text = np.where(in_text, np.maximum(earned_text, weight), earned_text)
                earned_context = np.where(
                    in_context, np.maximum(earned_context, weight), earned_context
                )
            text_share += earned_text
            context_share += earned_context
        return text_share / total, context_share / total

    def holders(self, stem: str) -> np.ndarray:
        """The units (sorted positions) that meet one stem in their text or their headings:
        the union of the postings of the stems it meets, not a mask over every unit; kept (up
        to HELD_KEPT stems)."""
        have = self._holders.get(stem)
        if have is None:
            found = [
                postings[s]
                for s in dict.fromkeys(self._meeting(stem))
                for postings in (self._text, self._context)
                if s in postings
            ]
            have = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
            if len(self._holders) >= HELD_KEPT:
                self._holders.clear()
            self._holders[stem] = have
        return have

    def covering(
        self, terms: Sequence[Term], idf: dict[str, float]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The units that hold a word of the question (sorted positions) and their
        idf-weighted share of its terms (headings included), computed over those units only:
        every other unit's share is 0. ``coverage`` spread over every unit."""
        unique = list(dict.fromkeys(terms))
        total = sum(group_weight(t, idf) for t in unique)
        nothing = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        if not self.size or not total:
            return nothing
        alternatives = [(t,) if isinstance(t, str) else tuple(t) for t in unique]
        parts = {p: self.holders(p) for alts in alternatives for a in alts for p in a.split()}
        if not parts:
            return nothing
        marked = np.zeros(self.size, dtype=bool)
        for holding in parts.values():
            marked[holding] = True
        units = np.flatnonzero(marked)
        share = np.zeros(len(units), dtype=np.float64)
        present: dict[str, np.ndarray] = {}

        def held(part: str) -> np.ndarray:
            if part not in present:
                marked[:] = False
                marked[parts[part]] = True
                present[part] = marked[units]
            return present[part]

        for term, alts in zip(unique, alternatives, strict=True):
            cap = group_weight(term, idf)
            earned = np.zeros(len(units), dtype=np.float64)
            for alternative in alts:
                parts_of = alternative.split()
                if not parts_of:
                    continue
                weight = (
                    cap if isinstance(term, str) else min(cap, alternative_weight(alternative, idf))
                )
                found = np.logical_and.reduce([held(p) for p in parts_of])
                earned = np.where(found, np.maximum(earned, weight), earned)
            share += earned
        return units, share / total

    def coverage(self, terms: Sequence[Term], idf: dict[str, float]) -> np.ndarray:
        """Every unit's idf-weighted share of the question terms (headings included): what
        ``group_coverage`` gives for one-unit groups, without building a group per unit."""
        share = np.zeros(self.size, dtype=np.float64)
        units, held = self.covering(terms, idf)
        share[units] = held
        return share
