"""Document ids when file names meet: two files of one name are two documents with stable ids,
one file given twice is one document, and nothing already ingested is lost (fake embedder,
real embedded Chroma)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from corpus import Settings
from ingest import IndexStore, IngestReport, build_index, create_vector_index
from tests.conftest import fake_settings

pytestmark = pytest.mark.unit
SUFFIXED = r"nota-[0-9a-f]{8}"
BESCHUT = "Nota beschut werk\n\nIn 2024 kregen 41 inwoners een beschutte werkplek.\n"
TAAL = "Nota taalcoaching\n\nIn 2024 volgden 63 statushouders een taaltraject.\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _ids(report: IngestReport) -> list[tuple[str, str | None, str]]:
    return [(f.source, f.doc_id, f.status) for f in report.files]


def _documents(settings: Settings) -> dict[str, dict[str, Any]]:
    store = IndexStore(settings.data_dir / "index", create_vector_index(settings))
    return dict(store.current().manifest["documents"])


def _text(settings: Settings, doc_id: str) -> str:
    store = IndexStore(settings.data_dir / "index", create_vector_index(settings))
    return (store.current().path / "documents" / f"{doc_id}.json").read_text(encoding="utf-8")


def test_names_with_one_slug_in_one_folder(settings: Settings, tmp_path: Path) -> None:
    _write(tmp_path / "a" / "Nota.txt", BESCHUT)
    _write(tmp_path / "a" / "nota.md", TAAL)
    report = build_index(settings, [tmp_path / "a"])
    ids = {source: doc_id for source, doc_id, _ in _ids(report)}
    assert ids["Nota.txt"] == "nota" and re.fullmatch(SUFFIXED, ids["nota.md"] or ""), ids
    assert report.documents == 2 and not report.failed
    assert "taaltraject" in _text(settings, ids["nota.md"] or "")


def test_a_file_given_twice_is_read_once(settings: Settings, tmp_path: Path) -> None:
    path = _write(tmp_path / "a" / "nota.txt", BESCHUT)
    report = build_index(settings, [tmp_path / "a", path, path])
    assert _ids(report) == [("nota.txt", "nota", "added")] and report.documents == 1


def test_a_later_file_of_the_same_name_never_replaces_a_document(
    settings: Settings, tmp_path: Path
) -> None:
    _write(tmp_path / "a" / "nota.txt", BESCHUT)
    first = build_index(settings, [tmp_path / "a"])
    _write(tmp_path / "b" / "nota.txt", TAAL)
    second = build_index(settings, [tmp_path / "b"])
    (_, new_id, status), *_ = _ids(second)
    assert status == "added" and re.fullmatch(SUFFIXED, new_id or ""), _ids(second)
    assert second.documents == 2 and second.version != first.version
    assert "beschutte" in _text(settings, "nota") and "taaltraject" in _text(settings, new_id or "")
    # both folders, either order, or a fresh index over them: the same ids
    for order in (["a", "b"], ["b", "a"]):
        again = build_index(settings, [tmp_path / name for name in order])
        assert again.version == second.version
        assert {(d, s) for _, d, s in _ids(again)} == {("nota", "unchanged"), (new_id, "unchanged")}
    fresh = build_index(fake_settings(tmp_path / "fresh"), [tmp_path / "a", tmp_path / "b"])
    assert [d for _, d, _ in _ids(fresh)] == ["nota", new_id]


def test_an_identical_copy_is_the_same_document(settings: Settings, tmp_path: Path) -> None:
    _write(tmp_path / "a" / "nota.txt", BESCHUT)
    build_index(settings, [tmp_path / "a"])
    shutil.copytree(tmp_path / "a", tmp_path / "c")
    copy = build_index(settings, [tmp_path / "c"])
    assert _ids(copy) == [("nota.txt", "nota", "duplicate")] and copy.documents == 1
    assert str(tmp_path / "a" / "nota.txt") in (copy.files[0].message or "")
    # with other metadata (its folder's manifest makes it public) it is a document of its own
    (tmp_path / "c" / "manifest.toml").write_text('["nota.txt"]\naccess = "public"\n')
    public = build_index(settings, [tmp_path / "c"])
    (_, public_id, status), *_ = _ids(public)
    assert status == "added" and re.fullmatch(SUFFIXED, public_id or "")
    docs = _documents(settings)
    assert (docs["nota"]["access"], docs[public_id or ""]["access"]) == ("internal", "public")


def test_a_moved_file_keeps_its_id_and_its_old_place_is_free(
    settings: Settings, tmp_path: Path
) -> None:
    old = _write(tmp_path / "a" / "nota.txt", BESCHUT)
    build_index(settings, [tmp_path / "a"])
    (tmp_path / "d").mkdir()
    old.rename(tmp_path / "d" / "nota.txt")
    moved = build_index(settings, [tmp_path / "d"])
    assert _ids(moved) == [("nota.txt", "nota", "unchanged")] and moved.embedded == 0
    assert _documents(settings)["nota"]["path"] == str(tmp_path / "d" / "nota.txt")
    # a new, different file at the old place is a new document; the moved one stays
    _write(old, TAAL)
    later = build_index(settings, [tmp_path / "a"])
    (_, new_id, status), *_ = _ids(later)
    assert status == "added" and new_id != "nota" and later.documents == 2
    assert "beschutte" in _text(settings, "nota")


def test_a_file_that_turns_bad_keeps_its_last_good_version(
    settings: Settings, tmp_path: Path
) -> None:
    path = _write(tmp_path / "a" / "nota.txt", BESCHUT)
    _write(tmp_path / "a" / "ander.txt", TAAL)
    build_index(settings, [tmp_path / "a"])
    path.write_bytes(b"")  # emptied by mistake
    _write(tmp_path / "a" / "ander.txt", TAAL + "Nog een zin over taal.\n")  # forces a version
    for prune in (False, True):
        report = build_index(settings, [tmp_path / "a"], prune=prune)
        assert ("nota.txt", "nota", "failed") in _ids(report) and report.documents == 2
        assert "beschutte" in _text(settings, "nota")


def test_prune_of_a_folder_given_by_a_relative_path(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "a" / "nota.txt", BESCHUT)
    gone = _write(tmp_path / "a" / "weg.txt", TAAL)
    monkeypatch.chdir(tmp_path)
    build_index(settings, [Path("a")])
    gone.unlink()
    pruned = build_index(settings, [Path("a")], prune=True)
    assert ("weg.txt", "weg", "removed") in _ids(pruned) and pruned.documents == 1
