"""The HTML reader: pages made in the test, read through ``read_bytes``."""

from __future__ import annotations

import pytest

from corpus.readers import read_bytes

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


@pytest.mark.unit
def test_html_without_suffix_is_sniffed() -> None:
    got = read_bytes(HTML.encode("utf-8"), "download")
    assert got.format == "html"
