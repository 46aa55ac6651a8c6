"""Sample files made in the test (nothing binary is committed): a small Dutch PDF."""

from __future__ import annotations

import io

from corpus.model import ExtractedText

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
# every page opens with a running header and closes with its page number: the reader leaves
# both out of the text
BODY = [page[1:-1] for page in PAGES]


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
    """The text lines of every page (the blank lines the layout gave left out)."""
    out: dict[int, list[str]] = {}
    for sl in extracted.lines:
        assert sl.page is not None
        if sl.text:
            out.setdefault(sl.page, []).append(sl.text)
    return out
