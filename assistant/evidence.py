"""Evidence for an answer: quotable passages and figure lines, as citations with exact lines.

A passage is a unit of the index version's unit table (``assistant.sentence_index``): a
sentence, a run of up to four neighbouring sentences, a list with its lead or a table. The
candidates are the units around the top search hits and the units nearest the question
anywhere in the documents the asker may see; each is scored by its meaning (unit vector against
question vector), the share of the question's words it and its headings hold, the rank of its
hit, and what the question asks (a figure, a named year or municipality, a definition, a list,
a reason). Quotes are always the raw source text of the cited lines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.document_reference import named_documents
from assistant.language import (
    Term,
    asked_municipality,
    content_stems,
    joined_particles,
    question_kind,
    question_terms,
    years_in,
)
from assistant.passage_fit import (
    has_figure,
    kind_fit,
    overlaps,
    place_fit,
    touches,
    verbatim,
    with_following_figures,
)
from assistant.sentence_index import SentenceVectors
from assistant.sentences import (
    MAX_CHARS,
    Sentence,
    idf_table,
    matches,
    split_sentences,
    without_bullet,
)
from assistant.source_lines import SourceLines
from corpus import PolicyAssistantError, without_periods
from ingest import SearchFilters, SearchHit

if TYPE_CHECKING:
    from assistant.services import PolicyAssistant

CONTEXT_LINES = 3  # lines read around a hit, so its sentences are whole
NEAREST_UNITS = 20  # units nearest the question anywhere in the corpus, beside the hits' own
NEAREST_RANK = 16  # ... which enter the ranking as if from a hit of this rank
LEXICAL_UNITS = 20  # units holding most of the question's words anywhere (unit_lexicon) ...
LEXICAL_RANK = 16  # ... entering as if from a hit of this rank
CONTEXT_SHARE = 0.15  # share of the word coverage that counts the unit's headings too
DEFINITION_CONTEXT_SHARE = 1.0  # ... for a definition question (the heading names the subject)
RUN_SENTENCES = 4  # neighbouring sentences quoted together at most (a list of figures)
RUN_MAX_CHARS = 700  # ... and their length at most (a paragraph: a fall and a rise side by side)
HITS_READ = 15  # top search hits whose sentences are scored
MAX_SENTENCES = 5  # sentences picked: the answer quotes the first ones, the rest are "see also"
RANKED_KEPT = 12  # best non-overlapping passages kept (their figure rows answer figure questions)
# The passage score: standardised dense similarity + weighted word coverage - log(hit rank) +
# bonuses below. Word coverage counts synonym groups (corpus/vocab/synonyms.toml), so an English
# question is met by Dutch words too; English coverage weighs more, as the dense similarity
# across languages is weaker. The weights were set by a random search (60 draws) on our own
# question sets and dev-004 with the e5 index (status + number accuracy + hit@5 through
# `policy-assistant eval`); eval/holdout was not used, and is the check that they generalise.
DENSE_WEIGHT = 1.0
LEXICAL_WEIGHT = {"nl": 2.4, "en": 3.2}
RANK_WEIGHT = 0.45
FIGURE_WEIGHT = 1.2  # a sentence with a figure, for a figure question
OTHER_FIGURE_WEIGHT = 0.1  # ... for any other question ("wat was de participatiegraad?")
YEAR_WEIGHT = 1.0  # a sentence naming a year the question names
# (the bonuses for a passage of the asked kind and place: assistant.passage_fit)
PLACE_WEIGHT = 0.9  # a passage about the municipality the question names (minus: another's)
DOCUMENT_WEIGHT = 0.8  # a passage of a document the question names ("het beleidskader")


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
    context_coverage: float = 0.0  # ... in the quote and the headings it stands under
    context: str = ""  # the headings (and a list's lead) the passage stands under
    block: bool = False  # a list or a table


@dataclass(slots=True)
class PassageEvidence:
    picked: list[Evidence]
    best: float  # coverage of the best sentence (0..1): the refusal signal
    terms: list[str]  # the question's content stems
    scored: list[Term] = field(default_factory=list)  # ... with synonym groups (question_terms)
    ranked: list[Evidence] = field(default_factory=list)  # the best passages, picked ones first


class EvidenceFinder:
    """Reads the raw source lines of hits and figure rows through the assistant."""

    def __init__(self, assistant: PolicyAssistant) -> None:
        self.assistant = assistant
        self._idf: dict[tuple[str, tuple[str, ...] | None], dict[str, float]] = {}
        self._vectors: tuple[str, SentenceVectors] | None = None
        self.lines = SourceLines(assistant.index)

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

    def sentence_vectors(self) -> SentenceVectors:
        """The quotable units of the current version (built from the documents, without
        vectors, when the version has no unit table)."""
        snap = self.assistant.index.snapshot()
        if self._vectors is None or self._vectors[0] != snap.version:
            units = SentenceVectors(snap.path)
            if not units.ready:
                docs = [snap.document(d) for d in sorted(snap.documents)]
                units = SentenceVectors.from_documents([d for d in docs if d is not None])
            self._vectors = (snap.version, units)
        return self._vectors[1]

    def _allowed(self, filters: SearchFilters) -> set[str]:
        """The documents a search with these filters may return."""
        snap = self.assistant.index.snapshot()
        keep = snap.mask(filters)
        return set(snap.chunks["doc_id"][keep].astype(str))

    def _candidates(
        self,
        units: SentenceVectors,
        hits: Sequence[SearchHit],
        dense: np.ndarray | None,
        filters: SearchFilters,
        lexical: np.ndarray | None = None,
    ) -> dict[int, int]:
        """Unit -> the rank it enters with: the units around the top hits (their hit's rank),
        the units nearest the question anywhere in the allowed documents, and those holding
        most of its words (``lexical``: coverage per unit)."""
        ranks: dict[int, int] = {}
        for rank, hit in enumerate(hits[:HITS_READ], start=1):
            first, last = hit.line_start - CONTEXT_LINES, hit.line_end + CONTEXT_LINES
            for i in units.within(hit.doc_id, first, last, hit.page):
                ranks.setdefault(i, rank)
        allowed = self._allowed(filters)
        if dense is not None:
            for i in units.nearest(dense, NEAREST_UNITS, allowed):
                ranks.setdefault(i, NEAREST_RANK)
        if lexical is not None and LEXICAL_UNITS:
            # ties (the same words held) broken by meaning
            tie = dense * 1e-3 if dense is not None else 0.0
            for i in units.nearest(
                np.where(lexical > 0, lexical + tie, 0.0), LEXICAL_UNITS, allowed
            ):
                if lexical[i] > 0:
                    ranks.setdefault(i, LEXICAL_RANK)
        return ranks

    def _runs(self, units: SentenceVectors, ranks: dict[int, int]) -> list[tuple[list[int], int]]:
        """Runs of 2 to RUN_SENTENCES neighbouring sentences of a candidate (a figure often
        follows its subject in the next sentence; a list holds one figure per line)."""
        runs: list[tuple[list[int], int]] = []
        for i, rank in ranks.items():
            if units.kinds[i] != "sentence":
                continue
            doc_id, _, _, end = units.place(i)  # (a run may go on over a page break)
            members = [i]
            size = len(units.texts[i])
            for j in range(i + 1, min(i + RUN_SENTENCES, len(units))):
                j_doc, _, j_start, j_end = units.place(j)
                if units.kinds[j] != "sentence" or j_doc != doc_id:
                    break
                if j_start < end or size + len(units.texts[j]) >= RUN_MAX_CHARS:
                    break
                members.append(j)
                size += len(units.texts[j]) + 1
                end = j_end
                runs.append((list(members), rank))
        return runs

    def passages(
        self,
        question: str,
        hits: Sequence[SearchHit],
        *,
        wants_numbers: bool = False,
        lang: str = "nl",
        filters: SearchFilters | None = None,
    ) -> PassageEvidence:
        """The best quotable units (sentences, runs of sentences, lists and tables) around the
        top hits and nearest the question, ranked by a mix of their meaning (the unit vector
        against the question vector, standardised over the candidates), the share of the
        question's words they and their headings hold, the rank of their hit, and
        (``wants_numbers``) a figure."""
        filters = filters or SearchFilters()
        documents = self.assistant.index.snapshot().documents
        idf = self.idf(filters.access)
        subject = joined_particles(without_periods(question), idf)
        terms = content_stems(subject)
        scored = question_terms(subject)
        units = self.sentence_vectors()
        query = self.assistant.retriever.query_vector(question) if units.ready else None
        dense = units.scores(query) if query is not None else None
        lexicon = units.lexicon()
        word_share = lexicon.coverage(scored, idf) if len(units) else None
        asks = question_kind(question)
        ranks = self._candidates(units, hits, dense, filters, word_share)
        # a table that is also one "sentence" (no full stop in it) is read as the table, with
        # its caption as context: blocks come first, and the same text again is skipped
        singles = sorted(ranks.items(), key=lambda item: units.kinds[item[0]] != "block")
        groups = [([i], rank) for i, rank in singles] + self._runs(units, ranks)
        covers, context_covers = lexicon.group_coverage(scored, idf, [g for g, _ in groups])
        candidates: list[tuple[float, float | None, int, Evidence]] = []
        seen: set[tuple[str, str]] = set()
        for n, (members, rank) in enumerate(groups):
            doc_id, page, start, _ = units.place(members[0])
            end = units.place(members[-1])[3]
            text = " ".join(units.texts[m] for m in members)
            if (doc_id, text) in seen:
                continue
            seen.add((doc_id, text))
            if (len(members) > 1 or units.kinds[members[0]] == "block") and not verbatim(
                Sentence(text, start, end), dict(self.lines.window(doc_id, start, end, page))
            ):
                continue
            context = units.contexts[members[0]]
            cover = float(covers[n])  # as sentences.coverage(scored, text), from the lexicon
            ev = Evidence(doc_id, page, start, end, without_bullet(text), 0.0, cover)
            ev.context_coverage = float(context_covers[n])
            ev.context = context
            ev.block = units.kinds[members[0]] == "block"
            similarity = max(float(dense[m]) for m in members) if dense is not None else None
            candidates.append((cover, similarity, rank, ev))
        if not candidates:
            return PassageEvidence([], 0.0, terms, scored)
        known = [d for _, d, _, _ in candidates if d is not None]
        mean = float(np.mean(known)) if known else 0.0
        spread = float(np.std(known)) if len(known) > 1 else 0.0
        lexical = LEXICAL_WEIGHT[lang]
        years = set(years_in(question))
        place = asked_municipality(question)
        named = named_documents(question, documents)
        for _, similarity, rank, ev in candidates:
            z = (similarity - mean) / spread if similarity is not None and spread > 0 else -0.5
            figure = has_figure(ev.quote)
            kind = kind_fit(asks, ev) if asks else 0.0
            # a definition under a heading that names the subject ("Flextensie Beschrijving:
            # Een methode waarbij ...") meets the question through its heading
            share = DEFINITION_CONTEXT_SHARE if asks == "definition" and kind else CONTEXT_SHARE
            ev.score = round(
                DENSE_WEIGHT * z
                + lexical * ((1 - share) * ev.coverage + share * ev.context_coverage)
                - RANK_WEIGHT * math.log(rank)
                + ((FIGURE_WEIGHT if wants_numbers else OTHER_FIGURE_WEIGHT) if figure else 0.0)
                + (YEAR_WEIGHT if years and years & set(years_in(ev.quote)) else 0.0)
                + (place_fit(place, ev, documents) * PLACE_WEIGHT if place else 0.0)
                + kind
                + (DOCUMENT_WEIGHT if ev.doc_id in named else 0.0)
                - 0.0005 * len(ev.quote) / 100,
                4,
            )
        ordered = sorted((c[3] for c in candidates), key=lambda ev: -ev.score)
        best = max(c[0] for c in candidates)
        ranked: list[Evidence] = []
        for ev in ordered:
            if len(ranked) >= RANKED_KEPT:
                break
            # every question: a sentence is quoted with the figures right after it
            # ("... gehaald. Er zijn respectievelijk 25 en 18")
            ev = with_following_figures(ev, ordered, ranked, RUN_SENTENCES - 1)
            # a figure question also keeps a sentence that only shares the line a kept one ends
            # on ("... gerealiseerd te worden. De uitstroom naar" / "werk is 429."): its figure
            # is in no other passage
            if any(overlaps(p, ev) and not (wants_numbers and touches(p, ev)) for p in ranked):
                continue
            ranked.append(ev)
        return PassageEvidence(ranked[:MAX_SENTENCES], best, terms, scored, ranked)

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
        window = self.lines.window(
            line.doc_id,
            line.line_start - CONTEXT_LINES,
            line.line_start + CONTEXT_LINES,
            line.page,
        )
        through = [
            s
            for s in split_sentences(window, self.lines.spaced(line.doc_id))
            if s.line_start <= line.line_start <= s.line_end
        ]
        if not through:
            return None
        text = without_bullet(" ".join(s.text for s in through))
        whole = Sentence(text, through[0].line_start, through[-1].line_end)
        if len(text) > MAX_CHARS or len(text) < len(line.quote):
            return None
        if not verbatim(whole, dict(window)):
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
