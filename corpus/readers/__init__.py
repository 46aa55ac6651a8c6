"""Readers turn a file into :class:`~corpus.model.ExtractedText` with exact coordinates.

The format is decided by the file's content (magic bytes), with the extension as a hint only
for plain text. Heavy parser imports happen inside each reader.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.errors import (
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
    UnsupportedFormatError,
)
from corpus.model import DocFormat, ExtractedText
from corpus.readers.text import unicode_bom

if TYPE_CHECKING:
    from corpus.readers.ocr import OcrOptions

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".pdf", ".docx", ".html", ".htm")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_PAGES = 2000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_format(data: bytes, name: str) -> DocFormat:
    """Decide the format from the bytes; the extension only separates txt from md.

    An empty file is ``empty_document`` whatever its name; text with a UTF-16 or UTF-32
    byte order mark is text (the text reader decodes it).
    """
    if not data.strip():
        raise EmptyDocumentError(f"{name}: the file is empty")
    head = data[:2048].lstrip()
    suffix = Path(name).suffix.lower()
    unicode_text = unicode_bom(data)
    if unicode_text is not None:
        return _sniff_decoded(unicode_text, name, suffix)
    if head.startswith(b"%PDF-") or data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if data[:8] == _OLE_MAGIC:
        if suffix == ".docx":
            raise EncryptedDocumentError(
                f"{name}: a password-protected Office document; remove the password first"
            )
        raise UnsupportedFormatError(f"{name}: an old binary Office file; save it as .docx or PDF")
    if data[:4] == b"PK\x03\x04":
        if b"word/" in data[:200_000] or suffix == ".docx":
            return "docx"
        raise UnsupportedFormatError(f"{name}: a zip archive that is not a DOCX document")
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")) or (
        suffix in (".html", ".htm") and low.startswith(b"<")
    ):
        return "html"
    if b"\x00" in data[:8192]:
        raise UnsupportedFormatError(f"{name}: binary content of an unsupported format")
    if suffix in (".md", ".markdown"):
        return "md"
    if suffix in (".txt", ".text", ""):
        return "txt"
    if suffix in (".html", ".htm"):
        return "html"
    raise UnsupportedFormatError(
        f"{name}: unsupported file type {suffix!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
    )


def _sniff_decoded(encoding: str, name: str, suffix: str) -> DocFormat:
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "md"
    if suffix in (".txt", ".text", ""):
        return "txt"
    raise UnsupportedFormatError(
        f"{name}: {encoding} text with an unsupported file type {suffix!r}; "
        f"supported for text: .txt, .md, .html"
    )


def read_bytes(
    data: bytes,
    name: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_unpacked: int | None = None,
    max_ratio: int | None = None,
    ocr: OcrOptions | None = None,
) -> ExtractedText:
    """Read a document from bytes (``ocr``: read a PDF's scanned pages with tesseract).
    Raises a typed :class:`~corpus.errors.CorpusError`."""
    if len(data) > max_bytes:
        raise DocumentTooLargeError(
            f"{name}: {len(data):,} bytes is over the limit of {max_bytes:,} bytes"
        )
    if not data.strip():
        raise EmptyDocumentError(f"{name}: the file is empty")
    fmt = sniff_format(data, name)
    if fmt == "pdf":
        from corpus.readers.pdf import read_pdf

        extracted = read_pdf(data, name, max_pages=max_pages, ocr=ocr)
    elif fmt == "docx":
        from corpus.readers.docx import read_docx

        extracted = read_docx(
            data, name, max_pages=max_pages, max_unpacked=max_unpacked, max_ratio=max_ratio
        )
    elif fmt == "html":
        from corpus.readers.html import read_html

        extracted = read_html(data, name)
    else:
        from corpus.readers.text import read_text

        extracted = read_text(data, name, fmt)
    if not any(sl.text.strip() for sl in extracted.lines):
        raise EmptyDocumentError(f"{name}: no text could be read from the document")
    return extracted


def read_path(path: Path, **limits: Any) -> ExtractedText:
    size = path.stat().st_size
    max_bytes = limits.get("max_bytes", DEFAULT_MAX_BYTES)
    if size > max_bytes:
        raise DocumentTooLargeError(
            f"{path.name}: {size:,} bytes is over the limit of {max_bytes:,} bytes"
        )
    return read_bytes(path.read_bytes(), path.name, **limits)


__all__ = ["SUPPORTED_SUFFIXES", "read_bytes", "read_path", "sniff_format"]
