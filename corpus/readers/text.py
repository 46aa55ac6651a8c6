"""Plain text and Markdown: every line of the file, exactly as it stands."""

from __future__ import annotations

from corpus.errors import TextEncodingError
from corpus.model import DocFormat, ExtractedText, SourceLine


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM); fall back to Windows-1252, common for Dutch files."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TextEncodingError(
        f"{name}: the text is neither UTF-8 nor Windows-1252; save it as UTF-8 and upload again"
    )


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
