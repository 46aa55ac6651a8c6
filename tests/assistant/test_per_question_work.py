"""The work /ask does not repeat per question (issue #20): what it keeps, and that it decides as
the whole-corpus scans it replaced did."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from assistant import build_assistant
from assistant.language import question_terms, stems
from assistant.pipeline.candidates import Evidence
from assistant.pipeline.figures import _candidates, _rows_in
from assistant.pipeline.retrieve import PassageRetriever, verbatim
from assistant.pipeline.units import UnitTables, UnitText, read_unit
from assistant.sentences import IdfTable, Sentence, idf_table, long_vowel, matches, meets_any
from corpus import BUNDLED_CORPUS_DIR, Settings
from ingest import IndexStore, SearchFilters

pytestmark = pytest.mark.unit


def _scan(term: str, vocabulary: set[str] | IdfTable) -> bool:
    """What the question's unknown words were tested with before: every stem in turn."""
    return any(matches(term, {v}) for v in vocabulary)


@pytest.fixture(scope="module")
def vocabulary() -> IdfTable:
    texts = [p.read_text(encoding="utf-8") for p in sorted(BUNDLED_CORPUS_DIR.glob("*.txt"))]
    table = idf_table(texts)
    assert isinstance(table, IdfTable)
    return table


def test_meets_any_decides_as_the_scan_of_every_stem(vocabulary: IdfTable) -> None:
    rng = random.Random(20)
    known = sorted(vocabulary)
    terms = set(rng.sample(known, 60))
    for stem in rng.sample(known, 60):  # prefixes, longer forms and near misses of real stems
        terms |= {stem[: max(1, len(stem) - 2)], stem + "en", stem + "s", long_vowel(stem)}
        terms.add(stem[:-1] + ("z" if stem[-1] != "z" else "q"))
    terms |= {"uitstrom", "uitstroom", "zebraquartz", "werkstart", "ab", "", "talentenbank"}
    terms |= set(stems("Hoeveel statushouders namen deel aan de taaltrajecten in 2019?"))
    for term in sorted(terms):
        expected = _scan(term, vocabulary)
        assert meets_any(term, vocabulary) == expected, term
        assert meets_any(term, set(vocabulary)) == expected, term


def test_meets_any_finds_a_longer_stem_only_by_its_prefix() -> None:
    table = IdfTable({"uitstroomcijfer": 1.0, "arbeid": 1.0})
    assert meets_any("uitstrom", table)  # its long-vowel form begins "uitstroomcijfer"
    assert meets_any("arbeidsmarkt", table) == _scan("arbeidsmarkt", table)
    assert not meets_any("werkstart", table)
    assert table.ordered == ["arbeid", "uitstroomcijfer"]
    assert table.ordered is table.ordered  # kept, not sorted per question


# ----- the current index version, asked for hundreds of times per question ---------------
def _store(root: Path) -> IndexStore:
    return IndexStore(root, vectors=None)  # type: ignore[arg-type]  # (no vectors are asked)


def test_current_version_is_read_again_only_when_current_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader, writer = _store(tmp_path), _store(tmp_path)  # two processes over one index
    for version in ("20260101T000000-aaaaaa", "20260101T000001-bbbbbb"):
        (reader.versions_dir / version).mkdir()
    writer.switch_to("20260101T000000-aaaaaa")
    reads: list[Path] = []
    real = Path.read_text

    def counted(self: Path, *args: Any, **kwargs: Any) -> str:
        reads.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counted)
    assert [reader.current_version() for _ in range(50)] == ["20260101T000000-aaaaaa"] * 50
    assert len(reads) == 1
    writer.switch_to("20260101T000001-bbbbbb")  # another process switches (os.replace)
    assert reader.current_version() == "20260101T000001-bbbbbb"
    assert len(reads) == 2


def test_current_version_sees_a_rewrite_in_place_and_a_removed_folder(tmp_path: Path) -> None:
    store = _store(tmp_path)
    for version in ("20260101T000000-aaaaaa", "20260101T000001-bbbbbb"):
        (store.versions_dir / version).mkdir()
    current = tmp_path / "CURRENT"
    current.write_text("20260101T000000-aaaaaa\n", encoding="utf-8")
    assert store.current_version() == "20260101T000000-aaaaaa"
    before = current.stat()
    current.write_text("20260101T000001-bbbbbb\n", encoding="utf-8")  # same inode and size
    os.utime(current, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    assert store.current_version() == "20260101T000001-bbbbbb"
    (store.versions_dir / "20260101T000001-bbbbbb").rmdir()
    assert store.current_version() is None  # its folder is checked at every call, as before
    current.unlink()
    assert store.current_version() is None


# ----- the figure rows of the best passages ------------------------------------------------
def test_the_rows_of_the_best_passages_are_those_on_their_lines_in_table_order() -> None:
    """``_candidates`` reads the rows of the passages' documents once; each passage gets the
    rows ``_rows_in`` gives (its document, its lines), in the table's order, missing values
    as None."""
    frame = pd.DataFrame(
        {
            "figure_id": [f"f{i}" for i in range(8)],
            "doc_id": pd.array(["a", "b", "a", "a", "c", "a", "b", "a"], dtype="string"),
            "line": [12, 3, 10, 11, 10, 30, 4, 10],
            "value": [1.0, 2.0, None, 4.0, 5.0, 6.0, 7.0, 8.0],
            "page": pd.array([None, 1, 2, None, 1, 1, 1, 3], dtype="Int64"),
            "municipality": pd.array(["Enschede", None, "Hengelo", "x", "y", "z", "w", "v"]),
        }
    )
    best = [
        Evidence("a", None, 10, 12, "quote one", 0.9),
        Evidence("b", None, 1, 3, "quote two", 0.8),
        Evidence("a", None, 11, 11, "quote three", 0.7),
        Evidence("d", None, 1, 100, "no rows", 0.6),
    ]
    got = [(rank, ev, row) for rank, _, ev, row in _candidates("Hoeveel?", best, frame)]
    expected = []
    for rank, ev in enumerate(best):
        for row in _rows_in(frame, ev).to_dict("records"):
            expected.append((rank, ev, {k: (None if pd.isna(v) else v) for k, v in row.items()}))
    assert got[: len(expected)] == expected
    assert [row["figure_id"] for _, _, row in expected] == ["f0", "f2", "f3", "f7", "f1", "f3"]
    assert expected[1][2]["value"] is None and expected[0][2]["page"] is None


# ----- what every unit's words are: read at warm-up --------------------------------------
def test_the_warm_up_reads_every_unit_as_a_question_would(built_figure_index: Settings) -> None:
    pa = build_assistant(built_figure_index)
    pa.warm_up()
    units = pa.pipeline.passages.units()
    tables = pa.pipeline.passages._unit_tables()[1]
    assert len(units) and len(tables._read) == len(units)  # none is left for a question
    for i in range(len(units)):
        assert tables.text(i) == read_unit(units.texts[i], units.contexts[i])
    fresh = UnitTables(units, pa.figures.frame())
    # a corpus over the limit: its units are read as questions meet them
    assert fresh.read_all(limit=len(units) - 1) == 0 and not fresh._read
    assert fresh.read_all(limit=len(units)) == len(units)


def test_the_warm_up_runs_numpy_blas_on_one_thread(built_figure_index: Settings) -> None:
    from threadpoolctl import threadpool_info

    build_assistant(built_figure_index).warm_up()
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    assert blas and all(i["num_threads"] == 1 for i in blas)


# ----- what a candidate's units are together: kept per index version ----------------------
def test_the_group_texts_kept_per_version_are_read_from_their_units(
    built_figure_index: Settings,
) -> None:
    import itertools

    from assistant.pipeline.features import bigram_share, group_bigram_share, subject_lead
    from assistant.pipeline.units import GROUPS_KEPT

    pa = build_assistant(built_figure_index)
    passages = pa.pipeline.passages
    asked = "Hoeveel LKS-contracten zijn er gestart in 2024?"
    first = pa.ask(asked)
    units, tables = passages._unit_tables()
    kept = dict(tables._groups)
    assert kept and any(len(members) > 1 for members in kept)
    question = pa.pipeline.understand(asked, SearchFilters(), None)
    every = sorted({s for t in (tables.text(m) for g in kept for m in g) for s in t.stems})
    rng = random.Random(3)
    for members, group in kept.items():
        texts = [read_unit(units.texts[m], units.contexts[m]) for m in members]
        held = [s for t in texts for s in t.stems]
        assert group.texts == tuple(texts)
        # the pairs of the question, of the passage (across the joins too) and random ones
        for pairs in (
            list(itertools.pairwise(question.terms)),
            [*list(itertools.pairwise(held))[::3], (held[-1], "x")] if held else [],
            [(rng.choice(every), rng.choice(every)) for _ in range(5)],
        ):
            wanted = set(pairs)

            def within(t: UnitText, wanted: set[tuple[str, str]] = wanted) -> set[tuple[str, str]]:
                return {p for p in itertools.pairwise(t.stems) if p in wanted}

            assert group_bigram_share(pairs, group.texts, within) == bigram_share(pairs, held)
        assert group.periods == tuple(p for t in texts for p in t.periods)
        assert group.years == set().union(*(t.years for t in texts))
        assert group.figures == sum(t.figures for t in texts)
        assert (group.definition, group.reason, group.region) == (
            any(t.definition for t in texts),
            any(t.reason for t in texts),
            any(t.region for t in texts),
        )
        # the subject lead as tested in the union of the unit's first words and headings
        lead = texts[0].lead_stems | texts[0].context_stems
        forms = (
            question.scored[0] if isinstance(question.scored[0], tuple) else (question.scored[0],)
        )
        expected = any(all(matches(w, lead) for w in f.split()) for f in forms)
        assert subject_lead(question, group.texts[0]) == float(expected)
    # at GROUPS_KEPT groups the kept ones are dropped, not grown without end
    tables._groups = dict.fromkeys(range(GROUPS_KEPT), kept[next(iter(kept))])  # type: ignore[arg-type]
    again = pa.ask(asked)
    assert len(tables._groups) < GROUPS_KEPT
    assert (again.status, again.answer, again.citations) == (
        first.status,
        first.answer,
        first.citations,
    )
    # another index version reads its units and groups afresh (``UnitTables`` per version)
    passages._units = ("another-version", units, tables)
    pa.ask(asked)
    assert passages._unit_tables()[1] is not tables


# ----- verbatim checks of runs and blocks: kept per index version --------------------------
def _fresh_verbatim(passages: PassageRetriever, members: tuple[int, ...]) -> bool:
    units = passages.units()
    doc_id, _, start, _ = units.place(members[0])
    end = units.place(members[-1])[3]
    joined = " ".join(units.texts[m] for m in members)
    return verbatim(Sentence(joined, start, end), dict(passages.lines.window(doc_id, start, end)))


def test_verbatim_checks_are_kept_for_the_version_of_the_units(
    built_figure_index: Settings,
) -> None:
    pa = build_assistant(built_figure_index)
    passages = pa.pipeline.passages
    first = pa.ask("Hoeveel LKS-contracten zijn er gestart?")
    version, kept = passages._verbatim_kept
    assert version == pa.index.snapshot().version and kept
    assert all(held == _fresh_verbatim(passages, key) for key, held in kept.items())
    # what another version kept is not used: a wrong entry under another version is dropped
    passages._verbatim_kept = ("another-version", {key: not held for key, held in kept.items()})
    again = pa.ask("Hoeveel LKS-contracten zijn er gestart?")
    assert passages._verbatim_kept[0] == version
    assert (again.status, again.answer, again.citations) == (
        first.status,
        first.answer,
        first.citations,
    )


def test_the_warm_up_checks_every_run_and_block_a_question_may_quote(
    built_figure_index: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.pipeline.retrieve as retrieve_module

    pa = build_assistant(built_figure_index)
    pa.warm_up()
    passages = pa.pipeline.passages
    version, kept = passages._verbatim_kept
    assert version == pa.index.snapshot().version and kept
    assert all(held == _fresh_verbatim(passages, key) for key, held in kept.items())
    checked: list[object] = []
    monkeypatch.setattr(retrieve_module, "verbatim", lambda *a: checked.append(a) or verbatim(*a))
    for question in ("Hoeveel LKS-contracten zijn er gestart?", "Wat is de preventiequote?"):
        pa.ask(question)
    assert not checked  # every run and block was checked at the warm-up
    # a corpus over the limit: its runs are checked as questions meet them
    passages._verbatim_kept = (None, {})
    assert passages.check_verbatim(limit=len(passages.units()) - 1) == 0
    assert not passages._verbatim_kept[1]


def test_the_units_of_the_allowed_documents_are_marked_as_by_their_names() -> None:
    import numpy as np

    from assistant.sentence_index import SentenceVectors

    rng = random.Random(7)
    names = [f"doc-{n}" for n in range(40)]
    doc_ids = [rng.choice(names) for _ in range(2_000)]
    frame = pd.DataFrame(
        {
            "doc_id": doc_ids,
            "page": [None] * len(doc_ids),
            "line_start": range(len(doc_ids)),
            "line_end": range(len(doc_ids)),
            "text": ["t"] * len(doc_ids),
        }
    )
    units = SentenceVectors(None, frame)
    for allowed in ({"doc-3"}, set(names[::3]), set(names), set(), {"doc-3", "no-such-doc"}):
        by_name = np.isin(np.asarray(doc_ids, dtype=str), np.asarray(sorted(allowed), dtype=str))
        assert (units.of_documents(allowed) == by_name).all(), allowed


def _every_rank(scores: Any, keep: Any) -> Any:
    """What the ranks were before: an argsort of every unit per question."""
    import numpy as np

    masked = np.where(keep, scores, -np.inf)
    order = np.argsort(-masked, kind="stable")
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


@pytest.mark.parametrize("slot_bits", [20, 2], ids=["hashed", "colliding"])
def test_the_ranks_of_the_quoted_units_are_those_of_an_argsort_of_every_unit(
    slot_bits: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    import assistant.pipeline.retrieve as retrieve
    from assistant.pipeline.retrieve import _ranks

    monkeypatch.setattr(retrieve, "_SLOT_BITS", slot_bits)  # 2 bits: scores share slots

    rng = np.random.default_rng(20)
    n = 5_000
    keep = rng.random(n) < 0.8
    dense = rng.standard_normal(n).astype(np.float32)
    dense[rng.choice(n, 600)] = dense[rng.choice(n, 600)]  # equal cosines (equal texts)
    share = np.where(rng.random(n) < 0.1, rng.choice([0.25, 0.5, 0.75, 1.0], n), 0.0)
    bm25 = np.where(rng.random(n) < 0.2, rng.random(n) * 9, 0.0).astype(np.float32)
    quoted = np.unique(rng.choice(n, 400))
    signed_zeros = np.where(rng.random(n) < 0.5, -0.0, 0.0).astype(np.float32)
    signed_zeros[rng.choice(n, 50)] = 1.0
    every_kind = (dense, share, bm25, np.zeros(n), signed_zeros, np.where(keep, np.nan, dense))
    for scores in every_kind:
        for allowed in (keep, np.ones(n, dtype=bool), np.zeros(n, dtype=bool)):
            every = _every_rank(scores, allowed)
            got = _ranks(scores, allowed, quoted)
            assert got == {int(u): int(every[u]) for u in quoted}


def test_the_slot_table_is_kept_per_thread_and_left_empty_after_each_ranking() -> None:
    import threading

    import numpy as np

    from assistant.pipeline.retrieve import _ranks, _slot_table

    rng = np.random.default_rng(3)
    n = 2_000
    scores = rng.choice([0.0, 0.25, 0.5, 0.75], n)  # ties: the slot table is used
    quoted = np.unique(rng.choice(n, 300))
    for _ in range(3):
        _ranks(scores, np.ones(n, dtype=bool), quoted)
        assert (_slot_table() == -1).all()
    tables: list[np.ndarray] = []
    other = threading.Thread(target=lambda: tables.append(_slot_table()))
    other.start()
    other.join()
    assert tables[0] is not _slot_table() and _slot_table() is _slot_table()


def test_the_best_allowed_units_are_those_of_an_argsort_of_every_unit() -> None:
    import numpy as np

    from assistant.pipeline.retrieve import _top

    rng = np.random.default_rng(7)
    n = 3_000
    scores = rng.choice([0.1, 0.2, 0.3, 0.5], n).astype(np.float32)
    for keep in (rng.random(n) < 0.5, np.zeros(n, dtype=bool), rng.random(n) < 0.005):
        masked = np.where(keep, scores, -np.inf)
        before = [int(i) for i in np.argsort(-masked, kind="stable")[:30] if np.isfinite(masked[i])]
        assert _top(scores, 30, keep) == before


def test_the_units_entered_by_their_words_are_those_of_the_pass_over_every_unit() -> None:
    """``covering`` holds only the units with a question word; the units that enter by their
    word coverage are those the pass over every unit's coverage chose."""
    import numpy as np

    from assistant.pipeline.retrieve import LEXICAL_UNITS, NEAREST_UNITS, PassageRetriever
    from assistant.sentence_index import SentenceVectors
    from assistant.unit_lexicon import UnitLexicon

    texts = [p.read_text(encoding="utf-8") for p in sorted(BUNDLED_CORPUS_DIR.glob("*.txt"))]
    lines = [line for t in texts for line in t.splitlines() if len(line.split()) > 3][:3_000]
    frame = pd.DataFrame(
        {
            "doc_id": [f"doc-{n % 7}" for n in range(len(lines))],
            "page": [None] * len(lines),
            "line_start": range(len(lines)),
            "line_end": range(len(lines)),
            "text": lines,
        }
    )
    units = SentenceVectors(None, frame)
    lexicon = UnitLexicon(units.texts, units.contexts)
    idf = idf_table(texts)
    rng = np.random.default_rng(3)
    dense = rng.choice([0.1, 0.2, 0.3], len(lines)).astype(np.float32)
    retriever = PassageRetriever.__new__(PassageRetriever)
    for question in (
        "Hoeveel bijstandsgerechtigden hebben werk gevonden?",
        "What is the budget for re-integration in Hengelo?",
        "tegenprestatie",
    ):
        terms = question_terms(question)
        share = lexicon.coverage(terms, idf)
        assert share.max() > 0
        for keep in (units.of_documents({"doc-1", "doc-4"}), np.ones(len(lines), dtype=bool)):
            for scores in (dense, None):
                expected: dict[int, None] = {}
                if scores is not None:
                    near = np.where(keep, scores, -np.inf)
                    expected.update(
                        (int(i), None)
                        for i in np.argsort(-near, kind="stable")[:NEAREST_UNITS]
                        if np.isfinite(near[i])
                    )
                tie = scores * 1e-3 if scores is not None else 0.0
                wordy = np.where(keep & (share > 0), np.where(share > 0, share + tie, 0.0), -np.inf)
                order = np.argsort(-wordy, kind="stable")[:LEXICAL_UNITS]
                for i in order:
                    if np.isfinite(wordy[i]):
                        expected.setdefault(int(i), None)
                covered = lexicon.covering(terms, idf)
                got = retriever._entered(units, [], scores, covered, keep)
                assert list(got.items()) == list(expected.items())


# ----- a cited place's document lines: read back by bisection, kept per document ---------
def test_the_locator_keeps_a_documents_cited_lines_while_the_snapshot_gives_that_document() -> None:
    from assistant.locator import Locator
    from corpus import CitedLines, Document, DocumentMeta, SourceLine

    def document(texts: list[str]) -> Document:
        meta = DocumentMeta("d", "d.txt", "D", None, "nota", None, None, "x", "txt")
        return Document(meta, [SourceLine(n, t) for n, t in enumerate(texts, start=1)])

    class Snapshot:
        def __init__(self, doc: Document) -> None:
            self.doc = doc

        def document(self, doc_id: str) -> Document | None:
            return self.doc if doc_id == "d" else None

    class Index:
        def __init__(self, doc: Document) -> None:
            self.snap = Snapshot(doc)

        def snapshot(self) -> Snapshot:
            return self.snap

    index = Index(document(["", "Een", "Twee", "", "Drie"]))
    locator = Locator(index)  # type: ignore[arg-type]
    place = {"line_start": 1, "line_end": 4}
    assert locator.lines("d", place) == (2, 3)
    kept = locator._cited["d"]
    assert isinstance(kept, CitedLines) and locator.lines("d", place) == (2, 3)
    assert locator._cited["d"] is kept  # read once for the document
    # another index version gives another document: its lines are read anew
    index.snap = Snapshot(document(["Nul", "", "", "Een", "Twee"]))
    assert locator.lines("d", place) == (1, 4)
    assert locator._cited["d"] is not kept
    assert locator.lines("d", {"line_start": 2, "line_end": 3}) is None  # no text there
