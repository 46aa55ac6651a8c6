"""Upload file names, the uploads manifest writer and the reader limits from the settings."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from corpus import (
    DocumentTooLargeError,
    ManifestError,
    document_from_bytes,
    load_manifest,
    read_limits,
    safe_file_name,
    write_manifest,
)
from tests.api.bad_files import docx_bytes, incompressible
from tests.conftest import fake_settings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("name", "fmt", "safe"),
    [
        ("../../etc/passwd", "txt", "passwd.txt"),
        ("..\\..\\Windows\\win.ini", "txt", "win.ini.txt"),
        ("C:\\Users\\jan\\Nota 2024 (def).PDF", "pdf", "Nota-2024-def.pdf"),
        (".bashrc", "txt", "bashrc.txt"),
        ("README.md", "md", "README-upload.md"),
        ("manifest.txt", "txt", "manifest-upload.txt"),
        ("coördinatie één.docx", "docx", "coordinatie-een.docx"),
        ("😀.html", "html", "document.html"),
        ("", "txt", "document.txt"),
        ("rapport.txt", "pdf", "rapport.pdf"),  # the content decides the suffix
        ("a" * 300 + ".txt", "txt", "a" * 100 + ".txt"),
    ],
)
def test_safe_file_name(name: str, fmt: str, safe: str) -> None:
    assert safe_file_name(name, fmt) == safe  # type: ignore[arg-type]


def test_manifest_round_trip_and_refusals(tmp_path: Path) -> None:
    entries = {
        "a.txt": {"title": 'Nota "Werk" \\ één', "year": 2024, "access": "internal"},
        "b-2.pdf": {"municipality": "Hengelo", "doc_type": "nota"},
    }
    write_manifest(tmp_path, entries)
    assert load_manifest(tmp_path) == entries
    assert tomllib.loads((tmp_path / "manifest.toml").read_text())["a.txt"]["year"] == 2024
    for bad in ({"title": "a\nb"}, {"title": "\ud800"}, {"access": "geheim"}, {"year": True}):
        with pytest.raises(ManifestError):
            write_manifest(tmp_path, {"c.txt": bad})
    assert load_manifest(tmp_path) == entries


def test_docx_limits_come_from_the_settings(tmp_path: Path) -> None:
    settings = fake_settings(
        tmp_path, api={"max_unpacked_bytes": 3_000_000, "max_compression_ratio": 50}
    )
    limits = read_limits(settings)
    fine = docx_bytes(["Gewone tekst."])
    assert document_from_bytes(fine, "a.docx", **limits).lines[0].text == "Gewone tekst."
    bomb = docx_bytes(["x"], {"word/media/nul.bin": b"\0" * 1_500_000})
    with pytest.raises(DocumentTooLargeError, match="compressed more than 50x"):
        document_from_bytes(bomb, "b.docx", **limits)
    big = docx_bytes(["x"], {"word/media/foto.bin": incompressible(2_500_000)})
    with pytest.raises(DocumentTooLargeError, match="unpacks to"):
        document_from_bytes(big, "c.docx", **limits)
