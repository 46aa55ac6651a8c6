"""Generated Dutch policy PDFs with known ground truth, for ``bench/pdf_readers.py``.

:func:`make_docs` draws the same four pages with reportlab three ways (Helvetica; an embedded
TrueType font; that font with the content stream out of reading order) plus a 60-page PDF for
speed. Each :class:`Doc` carries its ground-truth lines per page in reading order.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

W, H = A4
Op = tuple[float, float, str, str, float, str]  # x, y, text, font, size, align (l/r)


@dataclass
class Line:
    text: str
    ops: list[Op]


@dataclass
class Item:
    kind: str  # header, footer, body, left, right, table
    lines: list[Line]


@dataclass
class Doc:
    name: str
    pdf: bytes
    truth: list[list[str]]  # ground-truth lines per page, reading order
    two_col: list[list[str]]  # the two-column lines per page (reading order), may be empty


INTRO = (
    "Het college van burgemeester en wethouders legt met dit uitvoeringsprogramma vast hoe de "
    "gemeente de komende vier jaar werkt aan voldoende en betaalbare woningen. In 2023 stonden "
    "6.143 woningzoekenden ingeschreven, een stijging van 21,29% ten opzichte van het jaar "
    "ervoor. Voor de aanpak is in totaal € 8,6 miljoen gereserveerd."
)
COORD = (
    "De coördinatie ligt bij het team Wonen. Samen met corporaties, zorgaanbieders en "
    "bewonersorganisaties worden ideeën uitgewerkt tot concrete projecten. Bij de reïntegratie "
    "van kwetsbare inwoners werken we samen met het sociaal team en met partners uit België."
)
BULLETS = [
    "Versnellen van de bouw van 1.250 sociale huurwoningen vóór 2027;",
    "Verduurzamen van 3.400 bestaande woningen, met een subsidie van € 2.500 per woning en "
    "een extra bijdrage voor huishoudens met een laag inkomen;",
    "Extra aandacht voor jongeren, starters en ouderen (55+).",
]
LEFT = [
    "Vraag en aanbod. De vraag naar woningen groeit sneller dan het aanbod. Het woningtekort "
    "bedraagt 4,2% van de woningvoorraad; landelijk is dat 3,9%. Vooral éénpersoonshuishoudens "
    "zoeken een betaalbare woning in of nabij het centrum.",
    "De gemiddelde wachttijd voor een sociale huurwoning is opgelopen tot 7,5 jaar. Voor "
    "urgent woningzoekenden is dat 14 maanden.",
]
RIGHT = [
    "Betaalbaarheid. De gemiddelde WOZ-waarde steeg naar € 312.000. De huurquote van "
    "huurders met een laag inkomen bedraagt 27,4%. Financiële problemen nemen toe, zo "
    "blijkt uit de monitor van ’s-Hertogenbosch en omliggende gemeenten.",
    "Het café-overleg met geïnteresseerde bewoners leverde 86 reacties op; 62% daarvan ging "
    "over de leefbaarheid van de wijk.",
]
TABLE = [
    ["Wijk", "Woningen", "Aandeel", "Budget"],
    ["Centrum", "1.204", "19,60%", "€ 1,7 miljoen"],
    ["Noord", "2.087", "33,97%", "€ 2,9 miljoen"],
    ["Oost", "1.611", "26,22%", "€ 2,3 miljoen"],
    ["Zuid", "1.241", "20,20%", "€ 1,7 miljoen"],
    ["Totaal", "6.143", "100,00%", "€ 8,6 miljoen"],
]
EVAL = (
    "Het programma wordt jaarlijks geëvalueerd. De raad ontvangt in het tweede kwartaal een "
    "voortgangsrapportage met de realisatie per wijk, de uitgaven ten opzichte van de begroting "
    "en een toelichting op afwijkingen groter dan 10%. Bij de evaluatie in 2025 bleek dat "
    "72,5% van de geplande woningen in aanbouw was; het resterende budget van € 3,1 miljoen is "
    "doorgeschoven naar 2026. Wethouder De Vries: ‘We houden vast aan de ambitie.’"
)

HYPHENATED = [
    "Wij willen de woningbouw versnellen, maar de doorlooptijd van ruimtelijke proce-",
    "dures en de beschikbaarheid van bouwgrond blijven knelpunten.",
]
SPACED = "Letterspatiëring: 21,29% van € 8,6 miljoen"
GLYPHS = "Glyph voor glyph: 6.143 woningzoekenden in 2023"


def paragraph(
    text: str,
    x: float,
    y: float,
    width: float,
    font: str,
    justify: bool = False,
    size: float = 10,
    lead: float = 13,
) -> tuple[list[Line], float]:
    lines: list[Line] = []
    wrapped = simpleSplit(text, font, size, width)
    for i, t in enumerate(wrapped):
        words = t.split()
        if justify and i < len(wrapped) - 1 and len(words) > 1:
            widths = [pdfmetrics.stringWidth(w_, font, size) for w_ in words]
            gap = (width - sum(widths)) / (len(words) - 1)
            ops, cx = [], x
            for word, ww in zip(words, widths, strict=True):
                ops.append((cx, y, word, font, size, "l"))
                cx += ww + gap
            lines.append(Line(" ".join(words), ops))
        else:
            lines.append(Line(t, [(x, y, t, font, size, "l")]))
        y -= lead
    return lines, y - 6


def build_pages(font: str, bold: str) -> list[list[Item]]:
    m, fw = 60.0, W - 120.0
    pages: list[list[Item]] = []

    def head(title: str) -> tuple[Item, float]:
        return Item("body", [Line(title, [(m, 760, title, bold, 14, "l")])]), 735.0

    h, y = head("1. Inleiding")
    a, y = paragraph(INTRO, m, y, fw, font)
    b, y = paragraph(COORD, m, y, fw, font)
    bl: list[Line] = []
    for text in BULLETS:
        for j, t in enumerate(simpleSplit(text, font, 10, fw - 14)):
            ops: list[Op] = [(m + 14, y, t, font, 10, "l")]
            if j == 0:
                ops.insert(0, (m, y, "•", font, 10, "l"))
            bl.append(Line(("• " if j == 0 else "") + t, ops))
            y -= 13
    pages.append([h, Item("body", a + b), Item("body", bl)])

    h, y0 = head("2. Analyse van de woningmarkt")
    cw = (fw - 24) / 2
    cols = []
    for x, paras in ((m, LEFT), (m + cw + 24, RIGHT)):
        y, col = y0, []
        for p in paras:
            ls, y = paragraph(p, x, y, cw, font)
            col += ls
        cols.append(col)
    pages.append([h, Item("left", cols[0]), Item("right", cols[1])])

    h, y = head("3. Middelen per wijk")
    a, y = paragraph("De middelen worden als volgt over de wijken verdeeld:", m, y, fw, font)
    xs, rows = [m, m + 200, m + 300, m + 430], []
    for r, row in enumerate(TABLE):
        f = bold if r in (0, len(TABLE) - 1) else font
        ops = [(xs[0], y, row[0], f, 10, "l")]
        ops += [(xs[c] + 80 if c < 3 else xs[c] + 100, y, row[c], f, 10, "r") for c in (1, 2, 3)]
        rows.append(Line(" ".join(row), ops))
        y -= 18
    pages.append([h, Item("body", a), Item("table", rows)])

    h, y = head("4. Evaluatie en monitoring")
    a, y = paragraph(EVAL, m, y, fw, font, justify=True)
    b, y = paragraph(COORD, m, y, fw, font, justify=True)
    odd: list[Line] = []
    for t in HYPHENATED:  # a visible hyphen at the end of a line
        odd.append(Line(t, [(m, y, t, font, 10, "l")]))
        y -= 13
    odd.append(Line(SPACED, [(m, y - 6, SPACED, font, 10, "s")]))  # letter-spaced (Tc)
    x, ops = m, []
    for ch in GLYPHS:  # one text object per glyph, as some producers write
        ops.append((x, y - 25, ch, font, 10, "l"))
        x += pdfmetrics.stringWidth(ch, font, 10)
    odd.append(Line(GLYPHS, ops))
    pages.append([h, Item("body", a + b + odd)])
    n = len(pages)
    for i, items in enumerate(pages, start=1):
        hdr = Line(
            "Gemeente Zuidhaven – Uitvoeringsprogramma Wonen 2024–2027 Versie 1.2",
            [
                (m, 805, "Gemeente Zuidhaven – Uitvoeringsprogramma Wonen 2024–2027", font, 8, "l"),
                (W - m, 805, "Versie 1.2", font, 8, "r"),
            ],
        )
        ftr = Line(f"Pagina {i} van {n}", [(W / 2 - 25, 30, f"Pagina {i} van {n}", font, 8, "l")])
        items.insert(0, Item("header", [hdr]))
        items.append(Item("footer", [ftr]))
    return pages


def render(pages: list[list[Item]], shuffled: bool) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    rank = {"footer": 0, "right": 1, "left": 2, "body": 3, "table": 4, "header": 5}
    for items in pages:
        order = sorted(items, key=lambda it: rank[it.kind]) if shuffled else items
        for it in order:
            ops = [op for ln in it.lines for op in ln.ops]
            if shuffled and it.kind == "table":  # draw the table column by column
                ops.sort(key=lambda op: (op[0], -op[1]))
            for x, y, text, font, size, align in ops:
                c.setFont(font, size)
                if align == "s":
                    t = c.beginText(x, y)
                    t.setFont(font, size)
                    t.setCharSpace(1.2)
                    t.textLine(text)
                    c.drawText(t)
                else:
                    (c.drawRightString if align == "r" else c.drawString)(x, y, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def make_docs() -> tuple[list[Doc], Doc]:
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))  # TrueType fonts shipped with reportlab
    pdfmetrics.registerFont(TTFont("Vera-Bold", "VeraBd.ttf"))
    docs = []
    for name, font, bold, shuffled in (
        ("helvetica-stream-order", "Helvetica", "Helvetica-Bold", False),
        ("ttf-stream-order", "Vera", "Vera-Bold", False),
        ("ttf-shuffled-stream", "Vera", "Vera-Bold", True),
    ):
        pages = build_pages(font, bold)
        truth = [[ln.text for it in p for ln in it.lines] for p in pages]
        two = [
            [ln.text for it in p if it.kind in ("left", "right") for ln in it.lines] for p in pages
        ]
        docs.append(Doc(name, render(pages, shuffled), truth, two))
    big = build_pages("Vera", "Vera-Bold") * 15
    speed = Doc("speed-60-pages", render(big, False), [], [])
    return docs, speed
