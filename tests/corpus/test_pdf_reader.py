"""The PDF reader: real PDFs made with reportlab, read through ``read_bytes``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from corpus.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EncryptedDocumentError,
    NoTextLayerError,
)
from corpus.readers import read_bytes, read_path
from tests.corpus.sample_files import BODY, PAGES, by_page, make_pdf


@pytest.fixture
def pdf_path(tmp_path: Path) -> Path:
    path = tmp_path / "nota.pdf"
    path.write_bytes(make_pdf(PAGES))
    return path


@pytest.mark.integration
def test_pdf_lines_come_back_on_their_page_exactly(pdf_path: Path) -> None:
    got = read_path(pdf_path)
    assert got.format == "pdf"
    assert got.pages == 3
    assert by_page(got) == {i: lines for i, lines in enumerate(BODY, start=1)}
    # the running header and the page number are kept apart, each with its page and line
    assert [(sl.page, sl.text) for sl in got.furniture] == [
        (n, text) for n, page in enumerate(PAGES, start=1) for text in (page[0], page[-1])
    ]
    line = next(sl for sl in got.lines if "21,29%" in sl.text)
    # cited as the third line of page 2: the header is not counted
    assert (line.page, line.ref) == (2, 3)
    assert line.text == "Een stijging van 21,29% en een budget van € 8,6 miljoen."
    # the document's own numbers run on through the pages, blank lines included
    assert [sl.line for sl in got.lines] == list(range(1, len(got.lines) + 1))


@pytest.mark.integration
def test_pdf_blank_page_in_the_middle_is_fine() -> None:
    got = read_bytes(make_pdf([PAGES[0], [], PAGES[2]]), "met-lege-pagina.pdf")
    assert got.pages == 3
    assert by_page(got) == {1: BODY[0], 3: BODY[2]}
    assert [sl.ref for sl in got.lines if sl.page == 3 and sl.text] == [1]


@pytest.mark.integration
def test_pdf_keeps_the_hyphen_at_a_line_end() -> None:
    lines = ["De doorlooptijd van ruimtelijke proce-", "dures blijft een knelpunt."]
    got = read_bytes(make_pdf([lines]), "afbreken.pdf")
    assert [sl.text for sl in got.lines if sl.text] == lines


@pytest.mark.integration
def test_pdf_named_txt_is_sniffed_as_pdf(pdf_path: Path) -> None:
    got = read_bytes(pdf_path.read_bytes(), "nota.txt")
    assert got.format == "pdf"
    assert got.pages == 3


@pytest.mark.integration
def test_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(2):
        c.rect(72, 600, 300, 150, fill=1)
        c.circle(300, 300, 80, fill=1)
        c.showPage()
    c.save()
    with pytest.raises(NoTextLayerError, match=r"no text layer .*OCR"):
        read_path(path)


@pytest.mark.integration
@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9, 0.99])
def test_truncated_pdf_is_corrupt(pdf_path: Path, cut: float) -> None:
    data = pdf_path.read_bytes()
    with pytest.raises(CorruptDocumentError, match=r"nota\.pdf"):
        read_bytes(data[: int(len(data) * cut)], "nota.pdf")


@pytest.mark.integration
def test_garbage_after_pdf_header_is_corrupt() -> None:
    with pytest.raises(CorruptDocumentError):
        read_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", "kapot.pdf")


@pytest.mark.integration
@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_encrypted_pdf(pdf_path: Path, algorithm: str) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(pdf_path))
    writer.encrypt(user_password="geheim", owner_password="eigenaar", algorithm=algorithm)
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(EncryptedDocumentError, match="password"):
        read_bytes(buf.getvalue(), "beveiligd.pdf")


@pytest.mark.integration
def test_pdf_with_only_an_owner_password_opens(pdf_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(pdf_path))
    writer.encrypt(user_password="", owner_password="eigenaar", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    assert by_page(read_bytes(buf.getvalue(), "alleen-eigenaar.pdf"))[2] == BODY[1]


@pytest.mark.integration
def test_pdf_over_max_pages(pdf_path: Path) -> None:
    with pytest.raises(DocumentTooLargeError, match="3 pages"):
        read_path(pdf_path, max_pages=2)


@pytest.mark.integration
def test_pdf_reader_is_safe_from_threads(pdf_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    data = pdf_path.read_bytes()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: read_bytes(data, f"{i}.pdf"), range(32)))
    assert all(by_page(r)[2] == BODY[1] for r in results)


@pytest.mark.unit
def test_pdf_page_lines_normalise_minimally() -> None:
    from corpus.readers.pdf import page_lines

    raw = "  Coo\u0308rdinatie  \r\n\r\nproce\ufffedures\x07 \u00a0€ 8,6\r\n"
    assert page_lines(raw) == ["Coördinatie", "proce-", "dures \u00a0€ 8,6"]
