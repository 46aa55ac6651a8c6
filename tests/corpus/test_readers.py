"""Readers: real PDF/DOCX/HTML/txt files made in fixtures, read through ``read_bytes``."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
    NoTextLayerError,
    TextEncodingError,
    UnsupportedFormatError,
)
from corpus.model import ExtractedText
from corpus.readers import read_bytes, read_path

PAGES = [
    [
        "Gemeente Zuidhaven – Nota Wonen",
        "1. Inleiding",
        "In 2023 stonden 6.143 woningzoekenden ingeschreven.",
        "Pagina 1 van 3",
    ],
    [
        "Gemeente Zuidhaven – Nota Wonen",
        "2. Analyse",
        "De coördinatie van ideeën ligt bij het team Wonen; ’s-Hertogenbosch doet mee.",
        "Een stijging van 21,29% en een budget van € 8,6 miljoen.",
        "Pagina 2 van 3",
    ],
    ["Gemeente Zuidhaven – Nota Wonen", "3. Reïntegratie en café-overleg", "Pagina 3 van 3"],
]


def make_pdf(pages: list[list[str]]) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for lines in pages:
        y = 800
        for text in lines:
            c.setFont("Helvetica", 11)
            c.drawString(72, y, text)
            y -= 20
        c.showPage()
    c.save()
    return buf.getvalue()


def by_page(extracted: ExtractedText) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for sl in extracted.lines:
        assert sl.page is not None
        out.setdefault(sl.page, []).append(sl.text)
    return out


@pytest.fixture
def pdf_path(tmp_path: Path) -> Path:
    path = tmp_path / "nota.pdf"
    path.write_bytes(make_pdf(PAGES))
    return path


# --- PDF -------------------------------------------------------------------------------------


@pytest.mark.integration
def test_pdf_lines_come_back_on_their_page_exactly(pdf_path: Path) -> None:
    got = read_path(pdf_path)
    assert got.format == "pdf"
    assert got.pages == 3
    assert by_page(got) == {i: lines for i, lines in enumerate(PAGES, start=1)}
    line = next(sl for sl in got.lines if "21,29%" in sl.text)
    assert (line.page, line.line) == (2, 4)
    assert line.text == "Een stijging van 21,29% en een budget van € 8,6 miljoen."


@pytest.mark.integration
def test_pdf_blank_page_in_the_middle_is_fine() -> None:
    got = read_bytes(make_pdf([PAGES[0], [], PAGES[2]]), "met-lege-pagina.pdf")
    assert got.pages == 3
    assert sorted(by_page(got)) == [1, 3]
    assert [sl.line for sl in got.lines if sl.page == 3] == [1, 2, 3]


@pytest.mark.integration
def test_pdf_keeps_the_hyphen_at_a_line_end() -> None:
    lines = ["De doorlooptijd van ruimtelijke proce-", "dures blijft een knelpunt."]
    got = read_bytes(make_pdf([lines]), "afbreken.pdf")
    assert [sl.text for sl in got.lines] == lines


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
    assert by_page(read_bytes(buf.getvalue(), "alleen-eigenaar.pdf"))[2] == PAGES[1]


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
    assert all(by_page(r)[2] == PAGES[1] for r in results)


@pytest.mark.unit
def test_pdf_page_lines_normalise_minimally() -> None:
    from corpus.readers.pdf import page_lines

    raw = "  Coo\u0308rdinatie  \r\n\r\nproce\ufffedures\x07 \u00a0€ 8,6\r\n"
    assert page_lines(raw) == ["Coördinatie", "proce-", "dures \u00a0€ 8,6"]


# --- DOCX ------------------------------------------------------------------------------------


def make_docx() -> bytes:
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    d.add_heading("Nota Wonen 2024", level=1)
    d.add_paragraph("Het college legt vast hoe de gemeente werkt aan betaalbare woningen.")
    d.add_paragraph("")  # an empty paragraph gives no line
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate([["Wijk", "Woningen", "Aandeel"], ["Noord", "2.087", "33,97%"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("Laatste alinea van pagina 1.").add_run().add_break(WD_BREAK.PAGE)
    d.add_heading("Financiën", level=2)
    d.add_paragraph("Het budget bedraagt € 8,6 miljoen.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.integration
def test_docx_paragraphs_table_rows_and_page_break(tmp_path: Path) -> None:
    path = tmp_path / "nota.docx"
    path.write_bytes(make_docx())
    got = read_path(path)
    assert got.format == "docx"
    assert [(sl.line, sl.page, sl.text) for sl in got.lines] == [
        (1, 1, "Nota Wonen 2024"),
        (2, 1, "Het college legt vast hoe de gemeente werkt aan betaalbare woningen."),
        (3, 1, "Wijk | Woningen | Aandeel"),
        (4, 1, "Noord | 2.087 | 33,97%"),
        (5, 1, "Laatste alinea van pagina 1."),
        (6, 2, "Financiën"),
        (7, 2, "Het budget bedraagt € 8,6 miljoen."),
    ]
    assert got.pages == 2


def _with_document_xml(data: bytes, edit: Callable[[str], str]) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/document.xml":
                body = edit(body.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, body)
    return out.getvalue()


@pytest.mark.integration
def test_docx_rendered_page_breaks_count_once_after_an_explicit_break() -> None:
    rendered = "<w:r><w:lastRenderedPageBreak/><w:t>"

    def edit(xml: str) -> str:
        # Word marks where it broke the page: after the explicit break (same break) and in
        # the middle of the last paragraph (a new page by flow).
        xml = xml.replace("<w:r><w:t>Financiën", rendered + "Financiën", 1)
        xml = xml.replace("<w:r><w:t>Het budget", rendered + "Het budget", 1)
        assert xml.count("lastRenderedPageBreak") == 2
        return xml

    got = read_bytes(_with_document_xml(make_docx(), edit), "word.docx")
    pages = {sl.text: sl.page for sl in got.lines}
    assert pages["Financiën"] == 2
    assert pages["Het budget bedraagt € 8,6 miljoen."] == 3


@pytest.mark.integration
def test_docx_skips_deleted_and_hidden_text() -> None:
    def edit(xml: str) -> str:
        deleted = (
            '<w:del w:id="1" w:author="a"><w:r><w:delText>geschrapt </w:delText></w:r></w:del>'
        )
        hidden = "<w:r><w:rPr><w:vanish/></w:rPr><w:t>verborgen </w:t></w:r>"
        return xml.replace("<w:r><w:t>Het budget", deleted + hidden + "<w:r><w:t>Het budget", 1)

    got = read_bytes(_with_document_xml(make_docx(), edit), "wijzigingen.docx")
    assert got.lines[-1].text == "Het budget bedraagt € 8,6 miljoen."


@pytest.mark.integration
def test_docx_over_max_pages() -> None:
    with pytest.raises(DocumentTooLargeError, match="pages"):
        read_bytes(make_docx(), "nota.docx", max_pages=1)


@pytest.mark.integration
def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bom.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b" " * (50 * 1024 * 1024))  # ~50 KB packed
    assert path.stat().st_size < 200_000
    with pytest.raises(DocumentTooLargeError, match="zip bomb"):
        read_path(path)


@pytest.mark.unit
def test_docx_total_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import corpus.readers.docx as reader

    monkeypatch.setattr(reader, "MAX_UNCOMPRESSED", 1000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("word/document.xml", "x" * 2000)
    with pytest.raises(DocumentTooLargeError, match="unpacks to"):
        read_bytes(buf.getvalue(), "groot.docx")


def _zip(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, text in members.items():
            zf.writestr(member, text)
    return buf.getvalue()


@pytest.mark.unit
def test_zip_that_is_not_a_docx() -> None:
    data = _zip({"kaart.csv": "wijk;woningen\nNoord;2.087\n"})
    with pytest.raises(UnsupportedFormatError, match="not a DOCX"):
        read_bytes(data, "bijlagen.zip")
    with pytest.raises(CorruptDocumentError, match=r"no word/document\.xml"):
        read_bytes(data, "vermomd.docx")


@pytest.mark.unit
def test_broken_zip_and_broken_docx_are_corrupt() -> None:
    with pytest.raises(CorruptDocumentError, match="not a valid DOCX"):
        read_bytes(b"PK\x03\x04word/" + b"\x00" * 100, "kapot.docx")
    with pytest.raises(CorruptDocumentError, match="cannot be read"):
        read_bytes(_zip({"word/document.xml": "<w:document"}), "half.docx")


# --- HTML ------------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html lang="nl">
<head><meta charset="utf-8"><title>Nota</title>
<script>alert(1)</script><style>p { color: red }</style></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li>Menu item</li></ul></nav>
<main>
<article><header><h1>Nota   Wonen</h1></header>
<p>Het budget is
   <b>€ 8,6 miljoen</b>.</p>
<ul>
  <li>Versnellen van de bouw</li>
  <li>Verduurzamen</li>
</ul>
<table><tr><th>Wijk</th><th>Woningen</th></tr>
<tr><td>Noord</td><td>2.087</td></tr></table></article>
</main>
<footer>Copyright gemeente</footer>
</body></html>
"""
HTML_LINES = [
    (8, "Nota Wonen"),
    (9, "Het budget is € 8,6 miljoen."),
    (12, "- Versnellen van de bouw"),
    (13, "- Verduurzamen"),
    (15, "Wijk | Woningen"),
    (16, "Noord | 2.087"),
]


@pytest.mark.unit
@pytest.mark.parametrize("parser", ["lxml", "html.parser"])
def test_html_blocks_with_source_lines(parser: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if parser == "html.parser":  # the path for files longer than lxml can number
        monkeypatch.setattr("corpus.readers.html.LXML_MAX_LINE", 0)
    got = read_bytes(HTML.encode("utf-8"), "nota.html")
    assert got.format == "html"
    assert [(sl.line, sl.text) for sl in got.lines] == HTML_LINES
    text = " ".join(sl.text for sl in got.lines)
    for absent in ("alert", "color", "Menu item", "Copyright", "Nota\n"):
        assert absent not in text
    assert all(sl.page is None for sl in got.lines)


@pytest.mark.unit
def test_html_lists_pre_and_header_inside_article() -> None:
    html = (
        "<html><body><header>Sitekop</header>\n<article><header><h2>Titel</h2></header>\n"
        "<ol><li><p>Stap één</p></li>\n<li>Stap twee<ul><li>Detail</li></ul></li></ol>\n"
        "<pre>\nregel 1\n  regel   2</pre>\n<div>Tekst<p>Alinea</p>staart</div></article>"
    )
    got = read_bytes(html.encode(), "lijst.html")
    assert [(sl.line, sl.text) for sl in got.lines] == [
        (2, "Titel"),
        (3, "- Stap één"),
        (4, "- Stap twee"),
        (4, "- Detail"),
        (6, "regel 1"),
        (7, "regel 2"),
        (8, "Tekst staart"),
        (8, "Alinea"),
    ]


@pytest.mark.unit
def test_html_line_numbers_beyond_lxml_limit() -> None:
    html = "<html><body>\n<p>x</p>" + "\n" * 70_000 + "<p>Laatste alinea</p></body></html>"
    got = read_bytes(html.encode(), "lang.html")
    assert got.lines[-1].line == 70_002
    assert got.lines[-1].text == "Laatste alinea"


@pytest.mark.unit
@pytest.mark.parametrize("declared", ['<meta charset="windows-1252">', ""])
def test_html_in_cp1252(declared: str) -> None:
    html = f"<html><head>{declared}</head><body>\n<p>Coördinatie: € 8,6 miljoen ’s avonds</p>"
    got = read_bytes(html.encode("cp1252"), "oud.html")
    assert got.encoding == "cp1252"
    assert got.lines[0].text == "Coördinatie: € 8,6 miljoen ’s avonds"
    assert got.lines[0].line == 2


@pytest.mark.unit
def test_html_declared_latin1_is_read_as_windows_1252() -> None:
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    got = read_bytes((html + "<p>Prijs: € 5</p>").encode("cp1252"), "latin.html")
    assert got.lines[0].text == "Prijs: € 5"


# --- plain text and sniffing -----------------------------------------------------------------


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


@pytest.mark.unit
def test_html_without_suffix_is_sniffed() -> None:
    got = read_bytes(HTML.encode("utf-8"), "download")
    assert got.format == "html"
