"""Stage 2, retrieve: the candidate passages of a question, with their raw signals.

Recall matters more than order here. The candidates are the quotable units (sentences, lists,
tables: ``assistant.sentence_index``) around the top hybrid search hits and the best BM25 hits,
the units nearest the question vector anywhere in the documents the asker may see, the units
that hold most of its words (``assistant.unit_lexicon``), and runs of up to ``RUN_SENTENCES``
neighbouring sentences of those. Each keeps what the features are made of: its cosine with the
question, its word coverage, and its rank in each retriever.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence

import numpy as np

from assistant.figures import FigureService
from assistant.language import municipality_stems
from assistant.pipeline.candidates import Candidate, Candidates, Evidence
from assistant.pipeline.question import Question
from assistant.pipeline.units import UnitTables, figure_count
from assistant.sentence_index import SentenceVectors
from assistant.sentences import Sentence, idf_table, meets_any, stems, without_bullet
from assistant.source_lines import SourceLines
from ingest import HybridRetriever, IndexSnapshot, SearchFilters, SearchHit, SearchIndex, top_k

SEARCH_K = 15  # hybrid hits whose units are read ...
LEXICAL_K = 5  # ... plus the best BM25 hits
CONTEXT_LINES = 3  # lines read around a hit, so its sentences are whole
NEAREST_UNITS = 30  # units nearest the question vector anywhere in the allowed documents
LEXICAL_UNITS = 30  # units holding most of the question's words anywhere
RUN_SENTENCES = 4  # neighbouring sentences quoted together at most
RUN_MAX_CHARS = 700  # ... and their length at most
VERBATIM_KEPT = 200_000  # runs and blocks whose verbatim check is kept per index version
WARM_UNITS = 20_000  # units whose words the warm-up reads (about 0.5 ms each), not questions


def verbatim(sentence: Sentence, by_line: dict[int, str]) -> bool:
    """Whether a quote stands, as is (whitespace collapsed), in its cited lines."""
    span = " ".join(by_line.get(n, "") for n in range(sentence.line_start, sentence.line_end + 1))
    return " ".join(sentence.text.split()) in " ".join(span.split())


_NAME = re.compile(
    r"[‘'\"“]([^‘'\"“”’]{3,40})[’'\"”]"  # quoted
    r"|(?<=[a-zà-ÿ,;:]\s)([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)"  # capitalised inside a sentence
    r"|\b(\w*[a-zà-ÿ][A-Z0-9]\w*)"  # a capital or digit inside a word: "ZEBRAQUARTZ", "OpMaat"
)


def _named_part(name: str) -> str:
    """The name in a compound joined by hyphens: its parts written as names, without the
    common words ("ZEBRAQUARTZ-plaatsingen" -> "ZEBRAQUARTZ"; "Werkfit-Express" stays)."""
    parts = [p for p in name.split("-") if p]
    named = [p for p in parts if p[:1].isupper() or _INNER_CAPITAL.search(p)]
    return "-".join(named) if named and len(named) < len(parts) else name


_INNER_CAPITAL = re.compile(r"[a-zà-ÿ][A-Z0-9]")


def names_in(text: str) -> list[str]:
    """The names a question holds (see ``PassageRetriever.unknown_names``), without the
    municipality names and abbreviations of two letters."""
    places = municipality_stems()
    found = []
    for m in _NAME.finditer(text):
        name = _named_part(next(g for g in m.groups() if g))
        if len(name) > 2 and not set(stems(name)) <= places:
            found.append(name.strip())
    return list(dict.fromkeys(found))


class PassageRetriever:
    """Reads the index version's units, word weights and source lines (each cached per version)."""

    def __init__(
        self, index: SearchIndex, retriever: HybridRetriever, figures: FigureService
    ) -> None:
        self.index = index
        self.retriever = retriever
        self.figures = figures
        self.lines = SourceLines(index)
        self._idf: dict[tuple[str, tuple[str, ...] | None], dict[str, float]] = {}
        self._units: tuple[str, SentenceVectors, UnitTables] | None = None
        # (units' version, run or block -> whether it stands verbatim in its lines)
        self._verbatim_kept: tuple[str | None, dict[tuple[int, ...], bool]] = (None, {})

    # ----- per index version --------------------------------------------------------------
    def idf(self, access: tuple[str, ...] | None = None) -> dict[str, float]:
        """Word weights over the chunks the asker may see (so no unseen word leaks through the
        unknown words or the refusal)."""
        snap = self.index.snapshot()
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

    def units(self) -> SentenceVectors:
        """The quotable units of the current version (built from the documents, without
        vectors, when the version has no unit table)."""
        return self._unit_tables()[0]

    def _unit_tables(self) -> tuple[SentenceVectors, UnitTables]:
        _, units, tables = self._versioned_units()
        return units, tables

    def _versioned_units(self) -> tuple[str, SentenceVectors, UnitTables]:
        """The current version's units and tables, with the version they were read from."""
        snap = self.index.snapshot()
        kept = self._units
        if kept is None or kept[0] != snap.version:
            units = SentenceVectors(snap.path)
            if not units.ready:
                docs = [snap.document(d) for d in sorted(snap.documents)]
                units = SentenceVectors.from_documents([d for d in docs if d is not None])
            kept = self._units = (snap.version, units, UnitTables(units, self.figures.frame()))
        return kept

    def read_units(self, limit: int = WARM_UNITS) -> int:
        """Read the words of every unit of the current version now (``UnitTables.read_all``:
        up to ``limit`` units; a larger corpus reads them as questions meet them)."""
        return self._unit_tables()[1].read_all(limit)

    def check_verbatim(self, limit: int = WARM_UNITS) -> int:
        """Check now (at warm-up, not in the first questions that meet them) whether each run
        and block a question may quote stands verbatim in its lines (``_verbatim``, kept per
        version), when the version has at most ``limit`` units; how many were checked. The
        runs are those ``retrieve`` makes of a sentence (``_runs``), of every sentence."""
        version, units, tables = self._versioned_units()
        snap = self.index.snapshot()
        if len(units) > limit or snap.version != version:
            return 0
        runs, tails = _runs(
            units, dict.fromkeys(range(len(units))), lambda j: tables.text(j).figures
        )
        blocks = [[i] for i, kind in enumerate(units.kinds) if kind == "block"]
        groups = [*blocks, *(members for members, _ in runs), *tails]
        for members in groups:
            doc_id, page, start, end, joined = _span(units, members)
            self._verbatim(members, joined, doc_id, page, start, end, snap, version)
        return len(groups)

    def documents(self) -> dict[str, dict[str, object]]:
        return self.index.snapshot().documents

    def unknown_terms(self, question: Question, access: tuple[str, ...] | None) -> list[str]:
        """Question words (3+ letters) that occur nowhere in the corpus, not even as a prefix.
        English words outside the synonym groups rarely occur in Dutch text, so for an English
        question only its terms outside the groups are looked up, and only its non-English
        words count (an unknown name, not a word of the question's own language)."""
        vocab = self.idf(access)
        terms: Sequence[str] = (
            question.terms
            if question.language == "nl"
            else [t for t in question.scored if isinstance(t, str)]
        )
        out = []
        for term in sorted(set(terms)):
            if len(term) < 3 or term in vocab:
                continue
            if len(term) >= 5 and meets_any(term, vocab):  # a prefix match, by bisection
                continue
            out.append(term)
        return out

    def unknown_names(self, question: Question, access: tuple[str, ...] | None) -> list[str]:
        """Names in the question the corpus does not know, in either language: a word written
        with a capital inside the sentence, in quotes, or with a capital or digit inside it
        ("Kraanvogelstart Plus", 'Kraanvogelbank', "ZEBRAQUARTZ"), none of whose stems occurs."""
        vocab = self.idf(access)
        out = []
        for name in names_in(question.text):
            held = [s for s in stems(name) if len(s) >= 3]
            if held and not any(s in vocab or (len(s) >= 5 and meets_any(s, vocab)) for s in held):
                out.append(name)
        return out

    # ----- the stage ----------------------------------------------------------------------
    def retrieve(self, question: Question, filters: SearchFilters) -> Candidates:
        text = question.text
        hits = self.retriever.search(text, k=SEARCH_K, filters=filters)
        lexical_hits = self.retriever.search(text, k=LEXICAL_K, filters=filters, mode="bm25")
        seen = {h.chunk_id for h in hits}
        hits = [*hits, *(h for h in lexical_hits if h.chunk_id not in seen)]
        idf = self.idf(filters.access)
        version, units, tables = self._versioned_units()
        out = Candidates(
            question,
            [],
            hits,
            self.unknown_terms(question, filters.access),
            self.unknown_names(question, filters.access),
            idf,
            self.documents(),
            tables=tables,
        )
        if not len(units):
            return out
        snap = self.index.snapshot()
        # the allowed documents' names, each once (not a Python string per chunk)
        allowed = set(snap.chunks["doc_id"][snap.mask(filters)].astype(str).unique())
        keep = units.of_documents(allowed)
        dense = units.scores(self.retriever.query_vector(text)) if units.ready else None
        if dense is not None and keep.any():
            out.dense_mean = float(dense[keep].mean())
            out.dense_std = float(dense[keep].std()) or 1.0
        lexicon = units.lexicon()
        covered = lexicon.covering(list(question.scored), idf)
        bm25 = tables.bm25.scores(question.subject)
        entered = self._entered(units, hits, dense, covered, keep)
        groups = [
            ([i], r) for i, r in sorted(entered.items(), key=lambda e: units.kinds[e[0]] != "block")
        ]
        runs, tails = _runs(units, entered, lambda j: tables.text(j).figures)
        groups += runs
        covers, context_covers = lexicon.group_coverage(
            list(question.scored), idf, [g for g, _ in groups]
        )
        # ranks over every allowed unit, but only of the units the candidates quote
        quoted = np.unique(np.asarray([m for g, _ in groups for m in g], dtype=np.int64))
        share = np.zeros(len(units), dtype=np.float64)
        share[covered[0]] = covered[1]
        dense_rank = _ranks(dense if dense is not None else np.zeros(len(units)), keep, quoted)
        lexical_rank = _ranks(share, keep, quoted)
        bm25_rank = _ranks(bm25, keep, quoted)
        seen_text: set[tuple[str, str]] = set()
        for n, (members, rank) in enumerate(groups):
            doc_id, page, start, end, joined = _span(units, members)
            if (doc_id, joined) in seen_text:
                continue
            seen_text.add((doc_id, joined))
            if (len(members) > 1 or units.kinds[members[0]] == "block") and not self._verbatim(
                members, joined, doc_id, page, start, end, snap, version
            ):
                continue
            ev = Evidence(
                doc_id,
                page,
                start,
                end,
                without_bullet(joined),
                0.0,
                float(covers[n]),
                float(context_covers[n]),
                units.contexts[members[0]],
                units.kinds[members[0]] == "block",
            )
            out.passages.append(
                Candidate(
                    ev,
                    tuple(members),
                    max(float(dense[m]) for m in members) if dense is not None else None,
                    rank,
                    int(min(dense_rank[m] for m in members)),
                    int(min(lexical_rank[m] for m in members)),
                    float(max(bm25[m] for m in members)),
                    int(min(bm25_rank[m] for m in members)),
                    tuple(r for m in members for r in tables.rows[m]),
                )
            )
        for members in tails:
            doc_id, page, start, end, joined = _span(units, members)
            if self._verbatim(members, joined, doc_id, page, start, end, snap, version):
                out.tails.append(Evidence(doc_id, page, start, end, without_bullet(joined), 0.0))
        return out

    def _verbatim(
        self,
        members: list[int],
        joined: str,
        doc_id: str,
        page: int | None,
        start: int,
        end: int,
        snap: IndexSnapshot,
        version: str,
    ) -> bool:
        """Whether a run or block of the units of ``version`` stands verbatim in its lines
        (``verbatim``): the same for every question of that version, so kept for it (up to
        VERBATIM_KEPT). Checked afresh when the snapshot read is of another version."""
        if snap.version != version:
            window = dict(self.lines.window(doc_id, start, end, page, snap))
            return verbatim(Sentence(joined, start, end), window)
        kept_version, kept = self._verbatim_kept  # one tuple: swapped whole (threads)
        if kept_version != version or len(kept) >= VERBATIM_KEPT:
            kept = {}
            self._verbatim_kept = (version, kept)
        key = tuple(members)
        held = kept.get(key)
        if held is None:
            window = dict(self.lines.window(doc_id, start, end, page, snap))
            held = kept[key] = verbatim(Sentence(joined, start, end), window)
        return held

    def _entered(
        self,
        units: SentenceVectors,
        hits: Sequence[SearchHit],
        dense: np.ndarray | None,
        covered: tuple[np.ndarray, np.ndarray],
        keep: np.ndarray,
    ) -> dict[int, int | None]:
        """Unit -> the rank of the hit it lies in (None when it entered by its own cosine or
        its words): the units around the top hits, the units nearest the question anywhere,
        and those holding most of its words (``covered``: the units holding any of them and
        their word coverage; the cosine breaks ties)."""
        entered: dict[int, int | None] = {}
        for rank, hit in enumerate(hits, start=1):
            first, last = hit.line_start - CONTEXT_LINES, hit.line_end + CONTEXT_LINES
            for i in units.within(hit.doc_id, first, last, hit.page):
                entered.setdefault(i, rank)
        if dense is not None:
            for i in _top(dense, NEAREST_UNITS, keep):
                entered.setdefault(i, None)
        holding, share = covered
        wordy = keep[holding] & (share > 0)
        pool = holding[wordy]
        tie = dense[pool] * 1e-3 if dense is not None else 0.0
        # pool is in unit order, so a stable sort breaks equal scores by position
        for i in pool[np.argsort(-(share[wordy] + tie), kind="stable")[:LEXICAL_UNITS]]:
            entered.setdefault(int(i), None)
        return entered


def _top(scores: np.ndarray, k: int, keep: np.ndarray) -> list[int]:
    """The ``k`` best allowed units, equal scores by position (``ingest.top_k``: no sort of
    every score)."""
    masked = np.where(keep, scores, -np.inf)
    return [int(i) for i in top_k(masked, k) if np.isfinite(masked[i])]


def _ranks(scores: np.ndarray, keep: np.ndarray, units: np.ndarray) -> dict[int, int]:
    """The 1-based rank of each of ``units`` by ``scores`` among the allowed units, equal
    scores by position: its place in ``np.argsort(-masked, kind="stable")``, found by
    sorting the scores alone (not the stable argsort of every unit) and counting the higher
    ones, and the equal ones before it (``_equal_before``)."""
    masked = np.where(keep, scores, -np.inf)
    ordered = np.sort(masked)
    if len(ordered) and np.isnan(ordered[-1]):  # NaN sorts apart: rank as the argsort does
        order = np.argsort(-masked, kind="stable")
        every = np.empty(len(scores), dtype=np.int64)
        every[order] = np.arange(1, len(scores) + 1)
        return {int(u): int(every[u]) for u in units}
    at = masked[units]
    low = np.searchsorted(ordered, at, side="left")
    high = np.searchsorted(ordered, at, side="right")
    ranks = 1 + (len(ordered) - high)
    tied = high - low > 1
    if tied.any():
        ranks[tied] += _equal_before(masked, at[tied], units[tied], (high - low)[tied])
    return {int(u): int(r) for u, r in zip(units, ranks, strict=True)}


_SLOT_BITS = 20  # a score's slot in the table that finds its equals (4 MB)
_SLOT_TABLES = threading.local()


def _slot_table() -> np.ndarray:
    """This thread's slot table, every slot -1 (no score). Made once per thread and cleared
    after each use (``_equal_before``): making and filling 4 MB anew cost ~1 ms of CPU per
    call, three calls per question, more than the rest of the ranks."""
    table = getattr(_SLOT_TABLES, "table", None)
    if table is None or len(table) != 1 << _SLOT_BITS:
        table = _SLOT_TABLES.table = np.full(1 << _SLOT_BITS, -1, dtype=np.int32)
    return table


def _slots(values: np.ndarray) -> np.ndarray:
    """Each value's slot: its bit pattern hashed (multiplied by the golden ratio's 64 bits,
    the top bits kept), as round scores (0.25, 0.5) differ in their high bits only."""
    bits = values.view(np.dtype(f"u{values.dtype.itemsize}")).astype(np.uint64)
    return ((bits * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - _SLOT_BITS)).astype(np.int64)


def _equal_before(
    values: np.ndarray, wanted: np.ndarray, positions: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """For each score ``wanted[n]`` (``counts[n]`` of ``values`` hold it): how many of
    ``values`` before ``positions[n]`` equal it.
    The equal values are found in one pass, by a hash of their bit pattern (a table
    lookup per value, then an exact comparison of those it finds), not one scan per score;
    a score most values hold (0 for the units without a question word) is counted by the
    values that differ from it."""
    out = np.zeros(len(wanted), dtype=np.int64)
    common = counts * 2 > len(values)
    if common.any():  # at most one such score
        differ = np.flatnonzero(values != wanted[common][0])
        out[common] = positions[common] - np.searchsorted(differ, positions[common])
    rare = ~common
    if not rare.any():
        return out
    distinct = np.unique(wanted[rare])
    forms = np.concatenate([distinct, np.asarray([-0.0] if (distinct == 0).any() else [])])
    codes = np.concatenate([np.arange(len(distinct)), np.flatnonzero(distinct == 0)])
    slots = _slots(forms.astype(values.dtype))
    table = _slot_table()  # slot -> the score's code
    table[slots] = codes
    try:
        if (table[slots] == codes).all():
            every = table[_slots(values)]
            found = np.flatnonzero(every >= 0)
            code = every[found].astype(np.int64)
        else:  # two scores share their low bits: each value's code by bisection
            found = np.flatnonzero(np.isin(values, distinct))
            code = np.searchsorted(distinct, values[found])
    finally:
        table[slots] = -1  # clear for the next call
    equal = distinct[code] == values[found]
    found, code = found[equal], code[equal]
    # the equal values by (score, position): a stable sort by score keeps positions in order
    # (a radix sort, on codes of 16 bits)
    small = code.astype(np.uint16) if len(distinct) <= 1 << 16 else code
    by_score = np.argsort(small, kind="stable")
    span = len(values) + 1
    keys = code[by_score].astype(np.int64) * span + found[by_score]
    asked = np.searchsorted(distinct, wanted[rare]).astype(np.int64) * span
    out[rare] = np.searchsorted(keys, asked + positions[rare]) - np.searchsorted(keys, asked)
    return out


def _span(units: SentenceVectors, members: list[int]) -> tuple[str, int | None, int, int, str]:
    """Where a group of neighbouring units stands (document, first page, first and last
    line) and its text, the units joined by a space."""
    doc_id, page, start, _ = units.place(members[0])
    return (
        doc_id,
        page,
        start,
        units.place(members[-1])[3],
        " ".join(units.texts[m] for m in members),
    )


def _runs(
    units: SentenceVectors,
    entered: dict[int, int | None],
    figures: Callable[[int], int] | None = None,
) -> tuple[list[tuple[list[int], int | None]], list[list[int]]]:
    """Runs of 2 to RUN_SENTENCES neighbouring sentences that start at a candidate sentence (a
    figure often follows its subject in the next sentence; a list holds one figure per line).
    A run goes on over a page break: a document's line numbers are unique, so the run's lines
    name its place, and its citation names both pages (``corpus.locate``: page_end).
    Second, the tails: a run of RUN_SENTENCES sentences with the next sentence when that
    states a figure (a run may end right before the result it leads up to). ``figures``: how
    many figures a unit states, ``figure_count`` of its text (the unit tables keep it per
    version: counting anew was a third of this step); by default counted here."""
    count = figures or (lambda j: figure_count(units.texts[j]))
    runs: list[tuple[list[int], int | None]] = []
    tails: list[list[int]] = []
    for i, rank in entered.items():
        if units.kinds[i] != "sentence":
            continue
        doc_id, _, _, end = units.place(i)
        members = [i]
        size = len(units.texts[i])
        for j in range(i + 1, min(i + RUN_SENTENCES + 1, len(units))):
            j_doc, _, j_start, j_end = units.place(j)
            if units.kinds[j] != "sentence" or j_doc != doc_id:
                break
            if j_start < end or size + len(units.texts[j]) >= RUN_MAX_CHARS:
                break
            if len(members) == RUN_SENTENCES:
                if count(j):
                    tails.append([*members, j])
                break
            members.append(j)
            size += len(units.texts[j]) + 1
            end = j_end
            runs.append((list(members), rank))
    return runs, tails
