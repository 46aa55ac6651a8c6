from pathlib import Path

import pytest

from corpus import (
    EmptyDocumentError,
    ManifestError,
    UnsupportedFormatError,
    document_from_bytes,
    document_to_json,
    is_valid_doc_id,
    iter_corpus_files,
    load_manifest,
    make_doc_id,
    read_stored_document,
)

pytestmark = pytest.mark.unit


def test_doc_ids_are_stable_and_safe() -> None:
    assert make_doc_id("003_9d2ec121fa2b4399.txt") == "003_9d2ec121fa2b4399"
    assert make_doc_id("../../Raadsbrief Één 2023.PDF") == "raadsbrief-een-2023"
    assert is_valid_doc_id("003_9d2ec121fa2b4399")
    assert not is_valid_doc_id("../etc/passwd") and not is_valid_doc_id("")


def test_manifest_validation(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text('["a.txt"]\naccess = "secret"\n', encoding="utf-8")
    with pytest.raises(ManifestError):
        load_manifest(tmp_path)
    (tmp_path / "manifest.toml").write_text('["a.txt"]\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(ManifestError):
        load_manifest(tmp_path)
    (tmp_path / "manifest.toml").write_text("not toml [", encoding="utf-8")
    with pytest.raises(ManifestError):
        load_manifest(tmp_path)


def test_corpus_listing_skips_manifest_and_code(tmp_path: Path) -> None:
    for name in ("a.txt", "b.md", "manifest.toml", "x.py", ".hidden.txt", "README.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in iter_corpus_files(tmp_path)] == ["a.txt", "b.md"]


def test_line_coordinates_are_exact_for_crlf_text() -> None:
    doc = document_from_bytes(b"eerste\r\ntweede\r\n\r\nvierde\r\n", "a.txt")
    assert [(sl.line, sl.text) for sl in doc.lines] == [
        (1, "eerste"),
        (2, "tweede"),
        (3, ""),
        (4, "vierde"),
    ]


def test_bad_inputs_raise_typed_errors() -> None:
    with pytest.raises(EmptyDocumentError):
        document_from_bytes(b"  \n\n", "leeg.txt")
    with pytest.raises(UnsupportedFormatError):
        document_from_bytes(b"\x00\x01\x02binary", "x.bin")
    cp1252 = "Financiële middelen: € 8,6 miljoen".encode("cp1252")
    doc = document_from_bytes(cp1252, "oud.txt")
    assert doc.lines[0].text == "Financiële middelen: € 8,6 miljoen"


def test_stored_document_reads_back_exactly(tmp_path: Path) -> None:
    doc = document_from_bytes(b"Nota Wonen\n\nIn 2023: 6.143 woningzoekenden.\n", "nota.txt")
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "nota.json").write_text(document_to_json(doc), encoding="utf-8")
    assert read_stored_document(tmp_path, "nota") == doc
    with pytest.raises(FileNotFoundError):
        read_stored_document(tmp_path, "ontbreekt")
