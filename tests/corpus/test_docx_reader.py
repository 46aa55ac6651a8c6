"""The DOCX reader: real DOCX files made with python-docx, read through ``read_bytes``."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    UnsupportedFormatError,
)
from corpus.readers import read_bytes, read_path


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
    # every paragraph and table row is cited by its number (``ref``), on its page (the stretch
    # before the explicit break fits on a page), headings carry their level
    assert [(sl.ref, sl.page, sl.text, sl.level) for sl in got.lines if sl.text] == [
        (1, 1, "Nota Wonen 2024", 1),
        (2, 1, "Het college legt vast hoe de gemeente werkt aan betaalbare woningen.", None),
        (3, 1, "Wijk | Woningen | Aandeel", None),
        (4, 1, "Noord | 2.087 | 33,97%", None),
        (5, 1, "Laatste alinea van pagina 1.", None),
        (6, 2, "Financiën", 2),
        (7, 2, "Het budget bedraagt € 8,6 miljoen.", None),
    ]
    # a blank line between paragraphs, none between the rows of the table
    texts = [sl.text for sl in got.lines]
    assert texts[texts.index("Wijk | Woningen | Aandeel") + 1] == "Noord | 2.087 | 33,97%"
    assert texts[1] == "" and texts.count("") == 5
    assert [sl.line for sl in got.lines] == list(range(1, len(got.lines) + 1))
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


# ----- structure: headings, list labels, tables, pages ------------------------------------------
@pytest.mark.integration
def test_docx_structure_headings_lists_table_and_known_pages() -> None:
    from tests.support.renderings import structured_docx

    got = read_bytes(structured_docx(chapters=2), "nota.docx")
    text = [sl for sl in got.lines if sl.text]
    by_text = {sl.text: sl for sl in text}
    assert by_text["Nota Werk en Inkomen 2025"].level == 1  # the Title style
    assert by_text["1. Hoofdstuk 1"].level == 1 and by_text["1.1 Resultaten"].level == 2
    # Word's numbers and bullets are part of what the reader sees
    assert "1. Meer mensen aan het werk in hoofdstuk 1." in by_text
    assert "3. Behoud van werk in hoofdstuk 1." in by_text
    assert "4. Meer mensen aan het werk in hoofdstuk 2." in by_text  # one list, continued
    assert "• werkgevers betrekken" in by_text
    rows = [i for i, sl in enumerate(got.lines) if " | " in sl.text]
    assert got.lines[rows[0]].text == "Jaar | Instroom | Uitstroom"
    assert rows[1] == rows[0] + 1 and rows[2] == rows[0] + 2  # no blank line inside a table
    assert got.pages == 2 and by_text["1. Hoofdstuk 1"].page == 1
    assert by_text["2. Hoofdstuk 2"].page == 2
    assert [sl.ref for sl in text] == list(range(1, len(text) + 1))  # paragraph numbers


@pytest.mark.integration
def test_docx_pages_are_unknown_without_breaks_or_when_a_stretch_overflows() -> None:
    from tests.support.renderings import render_docx

    lines = [
        f"Regel {n} van een lange nota over werk en inkomen in de gemeente." for n in range(390)
    ]
    none = read_bytes(render_docx(lines, "Nota"), "geen-breaks.docx")
    assert none.pages is None and {sl.page for sl in none.lines} == {None}
    # a break every 200 paragraphs: Word would flow each stretch over several pages
    overflow = read_bytes(render_docx(lines, "Nota", breaks_every=200), "lang.docx")
    assert overflow.pages is None and {sl.page for sl in overflow.lines} == {None}
    fits = read_bytes(render_docx(lines, "Nota", breaks_every=40), "kort.docx")
    assert fits.pages == 10 and fits.lines[-1].page == 10


@pytest.mark.unit
def test_docx_list_labels_follow_numbering_formats_and_levels() -> None:
    from lxml import etree

    from corpus.readers.docx_structure import Structure, W

    numbering = etree.fromstring(
        f"""<w:numbering xmlns:w="{W}">
        <w:abstractNum w:abstractNumId="7">
          <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>
            <w:lvlText w:val="%1."/></w:lvl>
          <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>
            <w:lvlText w:val="%1.%2)"/></w:lvl>
        </w:abstractNum>
        <w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
        </w:numbering>"""
    )
    structure = Structure()
    structure._read_numbering(numbering)

    def item(level: int) -> etree._Element:
        return etree.fromstring(
            f'<w:p xmlns:w="{W}"><w:pPr><w:numPr><w:ilvl w:val="{level}"/>'
            '<w:numId w:val="3"/></w:numPr></w:pPr></w:p>'
        )

    labels = [structure.label(item(level)) for level in (0, 1, 1, 0, 1)]
    assert labels == ["I.", "I.a)", "I.b)", "II.", "II.a)"]


# one Word paragraph per printed line (a PDF converted to Word): a narrow column of about 53
# characters, so a 40-character heading without closing punctuation is not "short"
_COLUMN = [f"de gemeente begeleidt in wijk {w} inwoners naar werk en" for w in "abcdef"]
_HEADING = "Rechtmatige verstrekking van uitkeringen"
_SECTION = ["De doelstelling voor 2019 is een daling van de bijstand", "met twee procent."]


@pytest.mark.integration
@pytest.mark.parametrize(
    "opening",
    [["2", "Ambitie"], ["2.4 Uitstroom naar werk"], ["3. Rechtmatigheid"]],
    ids=["number-above-title", "numbered-section", "numbered-with-dot"],
)
def test_docx_paragraph_ends_before_a_numbered_heading(opening: list[str]) -> None:
    # the PDF reader's rule at a page break (corpus.page_layout.paragraph_breaks), at every
    # paragraph of a DOCX: the heading of the section before is not joined to the next one
    from tests.support.renderings import render_docx

    lines = [*_COLUMN, _HEADING, *opening, *_SECTION]
    texts = [sl.text for sl in read_bytes(render_docx(lines, "Evaluatie"), "e.docx").lines]
    at = texts.index(opening[0])
    assert texts[at - 1] == "" and texts[at - 2] == _HEADING


@pytest.mark.integration
@pytest.mark.parametrize(
    "opening",
    [["2", "procent van de inwoners had een uitkering."], ["14 gemeenten in de regio deden mee."]],
    ids=["lone-number", "small-number"],
)
def test_docx_sentence_runs_on_over_a_number(opening: list[str]) -> None:
    from tests.support.renderings import render_docx

    foot = "In 2023 begonnen 388 inwoners aan een leerwerktraject, van wie er"
    lines = [*_COLUMN, foot, *opening, *_SECTION]
    texts = [sl.text for sl in read_bytes(render_docx(lines, "Evaluatie"), "e.docx").lines]
    assert texts[texts.index(opening[0]) - 1] == foot


# a PDF converted to Word: one paragraph per printed line, an empty paragraph where the text
# leaves an empty line; the same text as a .txt file
_PRINTED = [
    "Conclusies",
    "De werkgelegenheidspositie van Enschede in de regio",
    "is de afgelopen jaren vrij stabiel. In totaal is zo'n 28",
    "procent van de Twentse werkgelegenheid te vinden in",
    "Enschede.",
    "Het werkloosheidspercentage in Enschede is gedaald.",
    "Tot en met september 2019 is aan 267 personen een",
    "opleidingssubsidie toegewezen in de",
    "14 Twentse gemeenten, waarvan 53 in Enschede.",
    "",
    "Goede voorbeelden hiervan zijn:",
    "In de zorgsector is door samenwerking een opleiding gestart.",
    "",
    "",
    "Evaluatie",
    "De acties, die ingezet zijn om de doelstelling te realiseren,",
    "zijn effectief gebleken.",
]


@pytest.mark.integration
def test_docx_of_printed_lines_reads_as_the_same_text_file() -> None:
    import docx

    from assistant.sentences import split_sentences
    from corpus.chunking import chunk_document
    from corpus.documents import document_from_bytes

    d = docx.Document()
    for line in _PRINTED:
        d.add_paragraph(line)  # "" is an empty paragraph
    buf = io.BytesIO()
    d.save(buf)
    text = "\n".join(_PRINTED).encode("utf-8")
    txt = document_from_bytes(text, "evaluatie.txt")
    word = document_from_bytes(buf.getvalue(), "evaluatie.docx")
    # cited by paragraph number (the non-empty paragraphs), never by a page it cannot know
    printed = [n for n, line in enumerate(_PRINTED, start=1) if line]
    assert [sl.ref for sl in word.lines if sl.text] == list(range(1, len(printed) + 1))
    assert all(sl.page is None for sl in word.lines)
    to_txt = {sl.line: printed[sl.ref - 1] for sl in word.lines if sl.ref}

    def sentences(doc: object) -> list[tuple[str, int, int]]:
        lines = [(sl.line, sl.text) for sl in doc.lines]  # type: ignore[attr-defined]
        return [(s.text, s.line_start, s.line_end) for s in split_sentences(lines)]

    assert [(t, to_txt[a], to_txt[b]) for t, a, b in sentences(word)] == sentences(txt)
    # the blank lines of the text file, and only those: the same paragraphs
    assert [sl.text for sl in word.lines] == [sl.text for sl in txt.lines]
    assert (
        "Conclusies De werkgelegenheidspositie van Enschede in de regio is de afgelopen "
        "jaren vrij stabiel." in [t for t, _, _ in sentences(txt)]
    )
    chunks = [(c.quote, to_txt[c.line_start], to_txt[c.line_end]) for c in chunk_document(word)]
    assert chunks == [(c.quote, c.line_start, c.line_end) for c in chunk_document(txt)]
