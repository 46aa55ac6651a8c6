"""Plain text and Markdown: every line of the file, exactly as it stands."""

from __future__ import annotations

import codecs

from corpus.errors import TextEncodingError
from corpus.model import DocFormat, ExtractedText, SourceLine


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), or UTF-16/UTF-32 with a BOM; fall back to
    Windows-1252, common for Dutch files."""
    wide = unicode_bom(data)
    if wide is not None:
        return decode_bom(data, wide, name)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TextEncodingError(
        f"{name}: the text is neither UTF-8 nor Windows-1252; save it as UTF-8 and upload again"
    )


def unicode_bom(data: bytes) -> str | None:
    """The encoding a UTF-16 or UTF-32 byte order mark names (``utf-16``, ``utf-32``), else
    None. (A UTF-8 BOM needs nothing special: ``utf-8-sig`` reads it.)"""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def decode_bom(data: bytes, encoding: str, name: str) -> tuple[str, str]:
    try:
        return data.decode(encoding), encoding  # the codec reads and drops the BOM
    except UnicodeDecodeError:
        raise TextEncodingError(
            f"{name}: the text starts with a {encoding.upper()} byte order mark but is not "
            f"valid {encoding.upper()}; save it as UTF-8 and upload again",
            code="unsupported_encoding",
        ) from None


def split_source_lines(text: str) -> list[str]:
    """Split exactly like a text editor numbers lines (\\n, \\r\\n or \\r)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_text(data: bytes, name: str, fmt: DocFormat = "txt") -> ExtractedText:
    text, encoding = decode_text(data, name)
    raw_lines = split_source_lines(text)
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    lines = [SourceLine(line=i, text=t) for i, t in enumerate(raw_lines, start=1)]
    return ExtractedText(format=fmt, lines=lines, pages=None, encoding=encoding)
