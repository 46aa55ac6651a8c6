"""The work /ask does not repeat per question (issue #20): what it keeps, and that it decides as
the whole-corpus scans it replaced did."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest

from assistant.language import stems
from assistant.sentences import IdfTable, idf_table, long_vowel, matches, meets_any
from corpus import BUNDLED_CORPUS_DIR
from ingest import IndexStore

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
