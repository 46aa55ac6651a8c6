"""Evidence for an answer: figure rows and passage sentences, as citations with exact lines."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.language import Term, content_stems, question_terms, years_in
from assistant.sentence_index import SentenceVectors
from assistant.sentences import (
    MAX_CHARS,
    Sentence,
    coverage,
    idf_table,
    matches,
    split_sentences,
    usable,
    without_bullet,
)
from corpus import PolicyAssistantError
from ingest import SearchFilters, SearchHit

if TYPE_CHECKING:
    from assistant.services import PolicyAssistant

CONTEXT_LINES = 3  # lines read around a hit, so its sentences are whole
RUN_SENTENCES = 4  # neighbouring sentences quoted together at most (a list of figures)
HITS_READ = 15  # top search hits whose sentences are scored
MAX_SENTENCES = 5  # sentences picked: the answer quotes the first ones, the rest are "see also"
# The sentence score, tuned on eval/questions/*.jsonl + dev-004 with the e5 index
# (bench/ask_eval.py): standardised dense similarity + weighted word coverage - log(hit rank)
# + a figure bonus for figure questions. Word coverage counts synonym groups
# (corpus/vocab/synonyms.toml), so an English question is met by Dutch words too; English
# coverage still weighs more, as the dense similarity across languages is weaker.
DENSE_WEIGHT = 1.0
LEXICAL_WEIGHT = {"nl": 1.5, "en": 2.5}
RANK_WEIGHT = 1.0
FIGURE_WEIGHT = 1.0  # a sentence with a figure, for a figure question
OTHER_FIGURE_WEIGHT = 0.1  # ... for any other question ("wat was de participatiegraad?")
YEAR_WEIGHT = 0.5  # a sentence naming a year the question names


@dataclass(slots=True)
class Evidence:
    """One cited place: a sentence of a hit, or the line of a figure row."""

    doc_id: str
    page: int | None
    line_start: int
    line_end: int
    quote: str
    score: float
    coverage: float = 0.0  # idf-weighted share of the question's terms in the quote


@dataclass(slots=True)
class PassageEvidence:
    picked: list[Evidence]
    best: float  # coverage of the best sentence (0..1): the refusal signal
    terms: list[str]  # the question's content stems
    scored: list[Term] = field(default_factory=list)  # ... with synonym groups (question_terms)


class EvidenceFinder:
    """Reads the raw source lines of hits and figure rows through the assistant."""

    def __init__(self, assistant: PolicyAssistant) -> None:
        self.assistant = assistant
        self._idf: dict[tuple[str, tuple[str, ...] | None], dict[str, float]] = {}
        self._vectors: tuple[str, SentenceVectors] | None = None

    def idf(self, access: tuple[str, ...] | None = None) -> dict[str, float]:
        """Word weights over the chunks the asker may see (so no unseen word leaks through
        ``unknown_terms`` or the refusal)."""
        snap = self.assistant.index.snapshot()
        key = (snap.version, access)
        table = self._idf.get(key)
        if table is None:
            chunks = (
                snap.chunks
                if access is None
                else snap.chunks[snap.mask(SearchFilters(access=access))]
            )
            table = idf_table(chunks["text"].astype(str))
            self._idf = {k: v for k, v in self._idf.items() if k[0] == snap.version}
            self._idf[key] = table
        return table

    def _sentences(self, hit: SearchHit) -> list[Sentence]:
        """Sentences around a hit, and each run of 2 to RUN_SENTENCES neighbours (a figure often
        follows its subject in the next sentence; a list holds one figure per line). Neighbours
        are separated only by whitespace in the source, so a run, too, stands verbatim in its
        lines."""
        lines = self._window(
            hit.doc_id, hit.line_start - CONTEXT_LINES, hit.line_end + CONTEXT_LINES, hit.page
        )
        if not lines:
            return []
        sentences = split_sentences(lines)
        # a sentence cut off by the start of the read window is not quoted
        if sentences and sentences[0].line_start == lines[0][0] and sentences[0].text[:1].islower():
            sentences = sentences[1:]
        runs = [
            Sentence(" ".join(s.text for s in run), run[0].line_start, run[-1].line_end)
            for size in range(2, RUN_SENTENCES + 1)
            for run in (sentences[i : i + size] for i in range(len(sentences) - size + 1))
            if sum(len(s.text) for s in run) < MAX_CHARS
        ]
        by_line = dict(lines)
        return [s for s in [*sentences, *runs] if usable(s) and _verbatim(s, by_line)]

    def _window(
        self, doc_id: str, first: int, last: int, page: int | None
    ) -> list[tuple[int, str]]:
        """``(line number, raw text)`` of the source lines ``first``..``last`` (on ``page``)."""
        doc = self.assistant.index.snapshot().document(doc_id)
        if doc is None:
            return []
        return [
            (sl.line, sl.text)
            for sl in doc.lines
            if first <= sl.line <= last and (page is None or sl.page == page)
        ]

    def sentence_vectors(self) -> SentenceVectors:
        snap = self.assistant.index.snapshot()
        if self._vectors is None or self._vectors[0] != snap.version:
            self._vectors = (snap.version, SentenceVectors(snap.path))
        return self._vectors[1]

    def passages(
        self,
        question: str,
        hits: Sequence[SearchHit],
        *,
        wants_numbers: bool = False,
        lang: str = "nl",
        access: tuple[str, ...] | None = None,
    ) -> PassageEvidence:
        """The best sentences of the top hits, ranked by a mix of their meaning (the sentence
        vector against the question vector, standardised over the candidates), the share of the
        question's words they hold, the rank of their hit, and (``wants_numbers``) a figure."""
        terms = content_stems(question)
        scored = question_terms(question)
        idf = self.idf(access)
        vectors = self.sentence_vectors()
        query = self.assistant.retriever.query_vector(question) if vectors.ready else None
        candidates: list[tuple[float, float | None, int, Evidence]] = []
        seen: set[tuple[str, str]] = set()
        for rank, hit in enumerate(hits[:HITS_READ], start=1):
            for sentence in self._sentences(hit):
                key = (hit.doc_id, sentence.text)
                if key in seen:
                    continue
                seen.add(key)
                dense = (
                    vectors.similarity(query, hit.doc_id, sentence.line_start, sentence.line_end)
                    if query is not None
                    else None
                )
                ev = Evidence(
                    hit.doc_id,
                    hit.page,
                    sentence.line_start,
                    sentence.line_end,
                    without_bullet(sentence.text),
                    0.0,
                    coverage(scored, sentence.text, idf),
                )
                candidates.append((ev.coverage, dense, rank, ev))
        if not candidates:
            return PassageEvidence([], 0.0, terms, scored)
        known = [d for _, d, _, _ in candidates if d is not None]
        mean = float(np.mean(known)) if known else 0.0
        spread = float(np.std(known)) if len(known) > 1 else 0.0
        lexical = LEXICAL_WEIGHT[lang]
        years = set(years_in(question))
        for cover, dense, rank, ev in candidates:
            z = (dense - mean) / spread if dense is not None and spread > 0 else -0.5
            figure = has_figure(ev.quote)
            ev.score = round(
                DENSE_WEIGHT * z
                + lexical * cover
                - RANK_WEIGHT * math.log(rank)
                + ((FIGURE_WEIGHT if wants_numbers else OTHER_FIGURE_WEIGHT) if figure else 0.0)
                + (YEAR_WEIGHT if years and years & set(years_in(ev.quote)) else 0.0)
                - 0.0005 * len(ev.quote) / 100,
                4,
            )
        ordered = sorted((c[3] for c in candidates), key=lambda ev: -ev.score)
        best = max(c[0] for c in candidates)
        picked: list[Evidence] = []
        for ev in ordered:
            if len(picked) >= MAX_SENTENCES:
                break
            if wants_numbers:
                ev = _with_following_figures(ev, ordered)
            if any(_overlap(p, ev) for p in picked):
                continue
            picked.append(ev)
        return PassageEvidence(picked, best, terms, scored)

    def unknown_terms(
        self, terms: Sequence[str], access: tuple[str, ...] | None = None
    ) -> list[str]:
        """Question terms (3+ letters) that occur nowhere in the corpus, not even as a prefix."""
        vocab = self.idf(access)
        out = []
        for term in sorted(set(terms)):
            if len(term) < 3 or term in vocab:
                continue
            if len(term) >= 5 and any(matches(term, {v}) for v in vocab):
                continue
            out.append(term)
        return out

    def figure_line(self, row: dict[str, Any], score: float) -> Evidence | None:
        """The sentence that states a figure row: the sentence(s) through the row's line when
        they are short enough to quote, else the full source line (read through
        ``PolicyAssistant.passage``)."""
        try:
            passage = self.assistant.passage(
                str(row["doc_id"]), int(row["line"]), int(row["line"]), page=row.get("page")
            )
        except PolicyAssistantError:  # a row of a document no longer in the index
            return None
        quote = without_bullet(" ".join(passage.text.split()))
        if not quote:
            return None
        ev = Evidence(
            passage.doc_id, passage.page, passage.line_start, passage.line_end, quote, score
        )
        return self._sentence_through(ev) or ev

    def _sentence_through(self, line: Evidence) -> Evidence | None:
        """The whole sentence(s) through one source line, when they stay under MAX_CHARS."""
        window = self._window(
            line.doc_id,
            line.line_start - CONTEXT_LINES,
            line.line_start + CONTEXT_LINES,
            line.page,
        )
        through = [
            s for s in split_sentences(window) if s.line_start <= line.line_start <= s.line_end
        ]
        if not through:
            return None
        text = without_bullet(" ".join(s.text for s in through))
        whole = Sentence(text, through[0].line_start, through[-1].line_end)
        if len(text) > MAX_CHARS or len(text) < len(line.quote):
            return None
        if not _verbatim(whole, dict(window)):
            return None
        return Evidence(line.doc_id, line.page, whole.line_start, whole.line_end, text, line.score)

    def citation(self, cid: str, ev: Evidence) -> dict[str, Any]:
        entry = self.assistant.index.snapshot().documents.get(ev.doc_id, {})
        return {
            "id": cid,
            "doc_id": ev.doc_id,
            "title": entry.get("title", ""),
            "source": entry.get("source", ""),
            "municipality": entry.get("municipality"),
            "doc_type": entry.get("doc_type"),
            "year": entry.get("year"),
            "page": ev.page,
            "line_start": ev.line_start,
            "line_end": ev.line_end,
            "quote": ev.quote,
            "score": ev.score,
        }


def _verbatim(sentence: Sentence, by_line: dict[int, str]) -> bool:
    """Whether a quote stands, as is (whitespace collapsed), in its cited lines."""
    span = " ".join(by_line.get(n, "") for n in range(sentence.line_start, sentence.line_end + 1))
    return " ".join(sentence.text.split()) in " ".join(span.split())


def _overlap(a: Evidence, b: Evidence) -> bool:
    return a.doc_id == b.doc_id and a.line_start <= b.line_end and b.line_start <= a.line_end


def _with_following_figures(ev: Evidence, candidates: Sequence[Evidence]) -> Evidence:
    """For a figure question: a sentence quoted together with the sentences right after it
    when those hold the figures it introduces ("Het voorlopige budget is bekendgemaakt. Er is
    ... 114,46 miljoen euro toegekend."): the shortest such run among the candidates."""
    longer = [
        c
        for c in candidates
        if c.doc_id == ev.doc_id
        and c.line_start == ev.line_start
        and c.line_end > ev.line_end
        and c.quote.startswith(ev.quote)
        and has_figure(c.quote[len(ev.quote) :])
    ]
    if not longer:
        return ev
    run = min(longer, key=lambda c: len(c.quote))
    return Evidence(
        ev.doc_id, ev.page, run.line_start, run.line_end, run.quote, ev.score, ev.coverage
    )


_FIGURE = re.compile(r"\d+(?:[.,]\d+)*\s*%|(?<![\w.,])(?!(?:19|20)\d\d(?![\d.,]))\d+(?:[.,]\d+)*")


def has_figure(text: str) -> bool:
    """A numeral that is not just a year."""
    return bool(_FIGURE.search(text))
