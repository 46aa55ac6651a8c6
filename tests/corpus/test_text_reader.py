"""Plain text and empty files, read through ``read_bytes``."""

from __future__ import annotations

import pytest

from corpus.errors import (
    EmptyDocumentError,
    TextEncodingError,
)
from corpus.readers import read_bytes


@pytest.mark.unit
def test_txt_in_cp1252_decodes() -> None:
    got = read_bytes("Coördinatie\r\n€ 8,6 miljoen\r\n".encode("cp1252"), "oud.txt")
    assert got.encoding == "cp1252"
    assert [(sl.line, sl.text) for sl in got.lines] == [(1, "Coördinatie"), (2, "€ 8,6 miljoen")]


@pytest.mark.unit
def test_txt_invalid_bytes() -> None:
    # bytes that are not UTF-8 but are Windows-1252 are decoded by the fallback ...
    assert read_bytes(b"caf\xe9 \x80 5", "a.txt").lines[0].text == "café € 5"
    # ... bytes undefined in Windows-1252 too (0x81, 0x8D) are a typed error
    with pytest.raises(TextEncodingError):
        read_bytes(b"tekst \x81\x8d", "b.txt")


@pytest.mark.unit
@pytest.mark.parametrize("data", [b"", b"   \n\t "])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(EmptyDocumentError):
        read_bytes(data, "leeg.pdf")
