"""PDF: the text layer, page by page and line by line, read with PDFium (pypdfium2).

pypdfium2 (Apache-2.0/BSD-3, PDFium is BSD) was chosen by ``bench/pdf_readers.py``: it had the
best exact-line score, kept table rows together and was the fastest of the measured readers.
Lines come in content-stream order, which for Word/LibreOffice exports is the reading order;
each line keeps its box on the page and its font size, so ``corpus.page_layout`` can leave the
page furniture out and put blank lines where the layout shows a paragraph break. In a tagged
PDF (Word's or LibreOffice's export with accessibility tags) each line also knows the element
of the structure tree it starts and ends in (``corpus.readers.pdf_structure``), which says where
a paragraph ends, also at a page break; an untagged PDF is read as before.

``SourceLine.ref`` counts the text lines of a page (1-based) as a reader of the page counts
them, without the running header, footer and page number. PDFium is not thread-safe, so every
call into it holds one process-wide lock.
"""

from __future__ import annotations

import dataclasses
import threading
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from corpus.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EncryptedDocumentError,
    NoTextLayerError,
)
from corpus.furniture import LaidOutPage, PlacedLine
from corpus.model import ExtractedText
from corpus.page_layout import document_lines
from corpus.readers.ocr import OcrOptions, read_image
from corpus.readers.pdf_structure import Block, empty_before, is_tagged, page_tree

if TYPE_CHECKING:
    from PIL.Image import Image
    from pypdfium2 import PdfDocument, PdfTextPage

_PDFIUM_LOCK = threading.Lock()
# PDFium marks a hyphen at the end of a line that it joined to the next line with U+FFFE
# (get_text_range) or U+0002 (get_text_bounded); the page shows "-" and a line break.
_JOINED_HYPHEN = {"\ufffe": "-\n", "\x02": "-\n"}
_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines cuts
_ERR_PASSWORD, _ERR_SECURITY = 4, 5  # FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY
_CONTROL = {c: None for c in range(32) if chr(c) not in "\t\n\r"}


def page_lines(raw: str) -> list[str]:
    """Split PDFium page text into the non-empty lines the page shows (NFC, ends stripped)."""
    for marker, replacement in _JOINED_HYPHEN.items():
        raw = raw.replace(marker, replacement)
    lines = []
    for line in raw.splitlines():
        text = unicodedata.normalize("NFC", line.translate(_CONTROL)).strip()
        if text:
            lines.append(text)
    return lines


def _open(data: bytes, name: str) -> PdfDocument:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (_ERR_PASSWORD, _ERR_SECURITY):
            raise EncryptedDocumentError(
                f"{name}: the PDF is encrypted and needs a password; "
                "save an unprotected copy and upload that"
            ) from None
        raise CorruptDocumentError(
            f"{name}: the PDF cannot be opened, it is damaged or not a PDF ({exc})"
        ) from None


def placed_lines(textpage: PdfTextPage, blocks: dict[int, Block] | None = None) -> list[PlacedLine]:
    """The page's non-empty lines (as :func:`page_lines` cuts them) with their boxes, and
    (``blocks``, a tagged page's marked-content ids) the structure element each line starts
    and ends in.

    The text of ``get_text_range`` leaves out characters PDFium knows no Unicode for (a glyph
    missing from the font's map), so a text position is turned into a character index by
    PDFium itself before the character's box is read.
    """
    import ctypes

    import pypdfium2.raw as pdfium_c

    raw = textpage.get_text_range()
    out: list[PlacedLine] = []
    start = 0
    x, y = ctypes.c_double(), ctypes.c_double()

    def char(text_index: int) -> int:
        found = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, text_index)
        return int(found) if found >= 0 else text_index

    def close(end: int, tail: str = "") -> None:
        piece = raw[start:end]
        text = unicodedata.normalize("NFC", (piece + tail).translate(_CONTROL)).strip()
        if not text:
            return
        first = start + (len(piece) - len(piece.lstrip()))
        last = start + len(piece.rstrip()) - 1
        if last < first:  # only the joined hyphen is visible
            first = last = end
        head, tail_char = char(first), char(max(first, last))
        left, bottom, _, top = textpage.get_charbox(head, loose=True)
        _, bottom_end, right, _ = textpage.get_charbox(tail_char, loose=True)
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, head) or (top - bottom)
        found = pdfium_c.FPDFText_GetCharOrigin(
            textpage.raw, head, ctypes.byref(x), ctypes.byref(y)
        )
        baseline = float(y.value) if found else min(bottom, bottom_end)
        opens = closes = None
        if blocks:
            opens = _block(textpage, blocks, map(char, range(first, last + 1)))
            closes = _block(textpage, blocks, map(char, range(last, first - 1, -1)))
        out.append(
            PlacedLine(
                text,
                left,
                right,
                min(bottom, bottom_end),
                top,
                float(size),
                baseline,
                opens,
                closes,
            )
        )

    for i, character in enumerate(raw):
        if character in _JOINED_HYPHEN:
            close(i, "-")
            start = i + 1
        elif character in _BREAKS:
            close(i)
            start = i + 1
    close(len(raw))
    return out


def _block(textpage: PdfTextPage, blocks: dict[int, Block], chars: Iterable[int]) -> Block | None:
    """The block of the first of ``chars`` drawn in marked content of the structure tree
    (the spaces and line ends PDFium adds belong to no content)."""
    import pypdfium2.raw as pdfium_c

    for index in chars:
        drawn = pdfium_c.FPDFText_GetTextObject(textpage.raw, index)
        if drawn:
            block = blocks.get(pdfium_c.FPDFPageObj_GetMarkedContentID(drawn))
            if block is not None:
                return block
    return None


def _with_empty_lines(line: PlacedLine, shown: set[Block]) -> PlacedLine:
    """``line`` with the empty paragraphs right before the element it starts in."""
    if line.block is None:
        return line
    return dataclasses.replace(line, empty_before=empty_before(line.block, shown))


def _extract(
    data: bytes, name: str, max_pages: int, ocr: OcrOptions | None = None
) -> tuple[list[LaidOutPage], dict[int, Image]]:
    """The pages with their text layers, and (``ocr``) an image of every page without one."""
    import pypdfium2 as pdfium

    pdf = _open(data, name)
    try:
        count = len(pdf)
        if count > max_pages:
            raise DocumentTooLargeError(
                f"{name}: {count:,} pages is over the limit of {max_pages:,} pages"
            )
        pages: list[LaidOutPage] = []
        images: dict[int, Image] = {}
        tagged = is_tagged(pdf.raw)
        shown: set[Block] = set()  # the structure tree's elements with content on a page
        for index in range(count):
            try:
                page = pdf[index]
            except pdfium.PdfiumError as exc:
                raise CorruptDocumentError(
                    f"{name}: page {index + 1} of the PDF is damaged ({exc})"
                ) from None
            try:
                width, height = page.get_size()
                tree = page_tree(page.raw) if tagged else None
                shown |= tree.shown if tree else set()
                textpage = page.get_textpage()
                try:
                    blocks = tree.blocks if tree else None
                    pages.append(LaidOutPage(width, height, placed_lines(textpage, blocks)))
                finally:
                    textpage.close()
                if ocr is not None and not pages[-1].lines:
                    images[index] = page.render(scale=ocr.dpi / 72).to_pil()
            except pdfium.PdfiumError as exc:
                raise CorruptDocumentError(
                    f"{name}: the text of page {index + 1} cannot be read ({exc})"
                ) from None
            finally:
                page.close()
        for laid in pages if shown else ():
            laid.lines = [_with_empty_lines(line, shown) for line in laid.lines]
        return pages, images
    finally:
        pdf.close()


def read_pdf(
    data: bytes, name: str, *, max_pages: int, ocr: OcrOptions | None = None
) -> ExtractedText:
    """Read the text layer of a PDF (and, with ``ocr``, the pages without one: a scan).
    Raises a typed :class:`~corpus.errors.CorpusError`."""
    if b"%%EOF" not in data[-1024:] and b"%%EOF" not in data:
        raise CorruptDocumentError(
            f"{name}: the PDF is incomplete (no end-of-file marker); upload the complete file"
        )
    with _PDFIUM_LOCK:
        pages, images = _extract(data, name, max_pages, ocr)
    for index, image in images.items():  # (outside the lock: tesseract is a process)
        if ocr is not None:
            pages[index].lines = read_image(image, pages[index].height, ocr, name)
    if not any(page.lines for page in pages):
        raise NoTextLayerError(
            f"{name}: the PDF has no text layer (a scan?), so it needs OCR first: run it "
            "through OCR (e.g. `ocrmypdf -l nld in.pdf out.pdf`) and upload the result, or "
            "turn on the OCR setting (POLICY_ASSISTANT_INGEST__OCR=true, needs tesseract-ocr "
            "with the Dutch language pack)"
        )
    lines, furniture = document_lines(pages)
    return ExtractedText(format="pdf", lines=lines, pages=len(pages), furniture=furniture)
