"""Documents as they arrive in practice, made in the test run (nothing binary is committed).

:func:`render_pdf` lays text lines out on A4 pages with reportlab, the way a word processor
exports them: one PDF line per text line, an empty line's height for a blank line (none at the
top of a page), and page furniture in one of several :data:`STYLES` (a running header, a
footer, the page number in its usual forms, headers that alternate between even and odd pages,
furniture drawn before or after the text in the content stream). It returns where every text
line landed (page and line on the page), so a test can compare a PDF's citations with the text
file's. :func:`render_docx` writes one paragraph per text line (a PDF converted to Word), and
:func:`structured_docx` a Word document with headings, numbered lists, a table and page breaks.

The five bundled documents render with :func:`bundled_renderings`, one style each, untagged
or tagged (the same pages with a structure tree: ``tests/support/tagged.py``).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PAGE_W, PAGE_H = 595.27, 841.89  # A4 in points
LEFT, RIGHT = 48.0, 48.0
BODY_TOP, BODY_BOTTOM = 780.0, 64.0  # the text's first and lowest baseline
HEADER_Y, FOOTER_Y = 808.0, 34.0
FONT = "Vera"  # Bitstream Vera, shipped with reportlab: Dutch accents, €, quotes and dashes

# (page, pages, title) -> the furniture of that page: (text, "left" | "centre" | "right", y)
Dress = Callable[[int, int, str], list[tuple[str, str, float]]]


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out


def _title_number(page: int, pages: int, title: str) -> list[tuple[str, str, float]]:
    return [(title, "left", HEADER_Y), (str(page), "centre", FOOTER_Y)]


def _dash_number(page: int, pages: int, title: str) -> list[tuple[str, str, float]]:
    return [(title, "centre", HEADER_Y), (f"- {page} -", "centre", FOOTER_Y)]


def _pagina_van(page: int, pages: int, title: str) -> list[tuple[str, str, float]]:
    return [
        (f"Gemeente · {title}", "left", HEADER_Y),
        (f"Pagina {page} van {pages}", "right", FOOTER_Y),
    ]


def _alternating(page: int, pages: int, title: str) -> list[tuple[str, str, float]]:
    if page % 2 == 0:
        return [(title, "left", HEADER_Y), (str(page), "left", FOOTER_Y)]
    return [
        ("Werk en inkomen – beleid en uitvoering", "right", HEADER_Y),
        (str(page), "right", FOOTER_Y),
    ]


def _number_in_header(page: int, pages: int, title: str) -> list[tuple[str, str, float]]:
    return [(f"{title} | {page}", "right", HEADER_Y)]


# held out while the reader was built: checked only at the end (tests/corpus/test_furniture.py)
def _slash(page: int, pages: int, title: str) -> list[tuple[str, str, float]]:
    return [(title, "right", HEADER_Y), (f"{page}/{pages}", "right", FOOTER_Y)]


def _roman_front(page: int, pages: int, title: str) -> list[tuple[str, str, float]]:
    number = _roman(page) if page <= 2 else str(page - 2)
    return [(title, "left", HEADER_Y), (number, "centre", FOOTER_Y)]


def _two_line_blz(page: int, pages: int, title: str) -> list[tuple[str, str, float]]:
    return [
        (title, "left", HEADER_Y + 10),
        ("Afdeling Werk en Inkomen", "left", HEADER_Y),
        (f"blz. {page}", "right", FOOTER_Y),
    ]


def _chapters(page: int, pages: int, title: str) -> list[tuple[str, str, float]]:
    chapter = ("Inleiding", "Analyse", "Uitvoering", "Financiën", "Bijlagen")[min(4, page // 4)]
    return [
        (f"Hoofdstuk {1 + page // 4} – {chapter}", "left", HEADER_Y),
        (f"12 december 2024 · {page}", "right", FOOTER_Y),
    ]


STYLES: dict[str, Dress] = {
    "title-number": _title_number,
    "dash-number": _dash_number,
    "pagina-van": _pagina_van,
    "alternating": _alternating,
    "number-in-header": _number_in_header,
}
HELD_OUT_STYLES: dict[str, Dress] = {
    "slash": _slash,
    "roman-front": _roman_front,
    "two-line-blz": _two_line_blz,
    "chapters": _chapters,
}
EVERY_STYLE = {**STYLES, **HELD_OUT_STYLES}


@dataclass(slots=True)
class Rendering:
    data: bytes
    pages: int
    # text line number (1-based) -> (page, line on the page) for every non-blank line
    places: dict[int, tuple[int, int]] = field(default_factory=dict)
    furniture: list[tuple[int, str]] = field(default_factory=list)  # (page, text) drawn

    def text_line(self, page: int, ref: int) -> int | None:
        """The text line that landed at ``ref`` on ``page``."""
        return self._back().get((page, ref))

    def _back(self) -> dict[tuple[int, int], int]:
        return {place: n for n, place in self.places.items()}


def _font() -> Any:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
    return pdfmetrics.getFont(FONT)


def renderable(text: str) -> str:
    """``text`` without the characters the font has no glyph for (a PDF drawn with it shows
    and holds nothing there: "�", a private-use bullet), tabs as spaces."""
    glyphs = _font().face.charToGlyph
    return "".join(c for c in text.replace("\t", " ") if c == " " or ord(c) in glyphs)


def paragraphs(lines: list[str]) -> dict[int, int]:
    """The paragraph (0, 1, ...) of every text line, as a word processor holds the text: a run
    of drawn lines between blank ones is one paragraph, and every blank line between two runs
    (a line the font draws nothing of is blank) an empty paragraph of its own."""
    out: dict[int, int] = {}
    paragraph, blank = -1, True
    for number, raw in enumerate(lines, start=1):
        drawn = bool(renderable(raw).strip())
        if drawn or paragraph >= 0:  # (no empty paragraph before the text)
            paragraph += blank or not drawn
            out[number] = paragraph
        blank = not drawn
    return out


def _layout(lines: list[str], per_page: int) -> list[list[tuple[int, int, str]]]:
    """Pages of (text line number, slot, text); no blank slot opens a page."""
    pages: list[list[tuple[int, int, str]]] = [[]]
    slot = 0
    for number, raw in enumerate(lines, start=1):
        text = renderable(raw).rstrip()
        if slot >= per_page:
            pages.append([])
            slot = 0
        if not text.strip():
            if slot:
                slot += 1
            continue
        pages[-1].append((number, slot, text))
        slot += 1
    return [page for page in pages if page] or [[]]


def render_pdf(
    lines: list[str],
    title: str,
    style: str = "title-number",
    *,
    size: float = 8.0,
    furniture_first: bool = True,
    tagged: bool = False,
) -> Rendering:
    """Lay ``lines`` out on A4 pages dressed in ``style`` (one of :data:`EVERY_STYLE`);
    ``tagged``: the same pages with a structure tree (``tests/support/tagged.py``), a ``P``
    for every paragraph of the text (:func:`paragraphs`) and the furniture as an artifact."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    from tests.support.tagged import Element, tag_pdf

    _font()
    dress = EVERY_STYLE[style]
    pitch = 1.2 * size
    per_page = int((BODY_TOP - BODY_BOTTOM) / pitch) + 1
    laid = _layout(lines, per_page)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1)
    out = Rendering(b"", len(laid))
    width = PAGE_W - LEFT - RIGHT
    paragraph_of = paragraphs(lines)
    drawn = [p for n, p in paragraph_of.items() if renderable(lines[n - 1]).strip()]
    elements = [Element("P") for _ in range(max(drawn, default=-1) + 1)]  # (none at the end)

    def mark(literal: str) -> None:
        if tagged:
            c.addLiteral(literal)

    for page_no, page in enumerate(laid, start=1):
        extras = dress(page_no, len(laid), title)

        def furniture(
            extras: list[tuple[str, str, float]] = extras, page_no: int = page_no
        ) -> None:
            c.setFont(FONT, size)
            mark("/Artifact <</Type /Pagination>> BDC")
            for text, align, y in extras:
                if align == "left":
                    c.drawString(LEFT, y, text)
                elif align == "right":
                    c.drawRightString(PAGE_W - RIGHT, y, text)
                else:
                    c.drawCentredString(PAGE_W / 2, y, text)
                out.furniture.append((page_no, text))
            mark("EMC")

        if furniture_first:
            furniture()
        for ref, (number, slot, text) in enumerate(page, start=1):
            fits = min(size, size * width / max(stringWidth(text, FONT, size), 1.0))
            c.setFont(FONT, fits)
            mark(f"/P <</MCID {ref - 1}>> BDC")
            c.drawString(LEFT, BODY_TOP - slot * pitch, text)
            mark("EMC")
            elements[paragraph_of[number]].content.append((page_no - 1, ref - 1))
            out.places[number] = (page_no, ref)
        if not furniture_first:
            furniture()
        c.showPage()
    c.save()
    out.data = tag_pdf(buf.getvalue(), elements) if tagged else buf.getvalue()
    return out


def render_docx(
    lines: list[str], title: str, *, breaks_every: int | None = None, empty_lines: bool = False
) -> bytes:
    """One Word paragraph per non-blank text line (a PDF converted to Word), with an explicit
    page break every ``breaks_every`` paragraphs when given; ``empty_lines``: an empty
    paragraph for every blank line between two text lines, the empty line Word shows (else
    the blank lines are left out)."""
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    d.core_properties.title = title
    stripped = [raw.replace("\t", " ").strip() for raw in lines]
    texts = [t for t in stripped if t]
    count = 0
    for text in stripped[: max((i for i, t in enumerate(stripped) if t), default=-1) + 1]:
        if not text:
            if empty_lines and count:
                d.add_paragraph()
            continue
        count += 1
        paragraph = d.add_paragraph(text)
        if breaks_every and count % breaks_every == 0 and count < len(texts):
            paragraph.add_run().add_break(WD_BREAK.PAGE)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def structured_docx(chapters: int = 3, *, page_breaks: bool = True) -> bytes:
    """A nota with a title, numbered chapter headings (Heading 1) and sections (Heading 2), a
    numbered list, a bulleted list, a table of figures and (``page_breaks``) a page break
    before every chapter."""
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    d.add_heading("Nota Werk en Inkomen 2025", 0)
    for chapter in range(1, chapters + 1):
        if page_breaks and chapter > 1:
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        d.add_heading(f"{chapter}. Hoofdstuk {chapter}", 1)
        d.add_paragraph(
            f"In hoofdstuk {chapter} beschrijven we wat de gemeente doet. "
            "Het college legt de volgende ambities vast:"
        )
        for item in ("Meer mensen aan het werk", "Minder armoede", "Behoud van werk"):
            d.add_paragraph(f"{item} in hoofdstuk {chapter}.", style="List Number")
        d.add_heading(f"{chapter}.1 Resultaten", 2)
        d.add_paragraph("De resultaten staan in de tabel hieronder.")
        table = d.add_table(rows=3, cols=3)
        rows = [
            ["Jaar", "Instroom", "Uitstroom"],
            ["2023", "1.137", "1.006"],
            ["2024", "1.210", "981"],
        ]
        for r, row in enumerate(rows):
            for col, value in enumerate(row):
                table.cell(r, col).text = value
        d.add_paragraph("Aandachtspunten:")
        for item in ("werkgevers betrekken", "scholing aanbieden"):
            d.add_paragraph(item, style="List Bullet")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


BUNDLED_STYLES = {
    "000_8b61c92ddb7f1bd9.txt": ("title-number", True),
    "001_2e26a5924f710f99.txt": ("dash-number", False),
    "002_9a8395ceee984767.txt": ("alternating", True),
    "003_9d2ec121fa2b4399.txt": ("pagina-van", False),
    "004_ab214aa48ccf99b6.txt": ("number-in-header", True),
}


def renderable_copy(corpus: Path, folder: Path) -> Path:
    """The bundled text files as the PDFs show them (:func:`renderable`: without the few
    characters the font lacks), with the manifest: what a PDF's text is compared with."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in BUNDLED_STYLES:
        text = (corpus / name).read_text(encoding="utf-8").split("\n")
        (folder / name).write_text("\n".join(renderable(t) for t in text), encoding="utf-8")
    (folder / "manifest.toml").write_bytes((corpus / "manifest.toml").read_bytes())
    return folder


def bundled_renderings(corpus: Path, *, tagged: bool = False) -> dict[str, Rendering]:
    """The five bundled documents rendered as PDFs (text file name -> rendering), titled as
    the bundled manifest titles them, each in its own style; ``tagged``: with a structure
    tree (a ``P`` for every paragraph of the text file), as an export with accessibility tags
    writes them."""
    import tomllib

    manifest = tomllib.loads((corpus / "manifest.toml").read_text(encoding="utf-8"))
    out: dict[str, Rendering] = {}
    for name, (style, first) in BUNDLED_STYLES.items():
        lines = (corpus / name).read_text(encoding="utf-8").split("\n")
        title = str(manifest[name]["title"])
        out[name] = render_pdf(lines, title, style, furniture_first=first, tagged=tagged)
    return out


def scanned_pdf(pages: list[list[str]], header: str, *, dpi: int = 150) -> bytes:
    """A PDF of page images only (a scan): ``header`` at the top of every page, the page's
    lines (an empty string leaves an empty line) and its number at the foot, drawn as pixels."""
    import os

    import reportlab
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    vera = os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")
    width, height = int(PAGE_W / 72 * dpi), int(PAGE_H / 72 * dpi)
    text_font = ImageFont.truetype(vera, int(11 / 72 * dpi * 1.3))
    small = ImageFont.truetype(vera, int(9 / 72 * dpi * 1.3))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1)
    for number, lines in enumerate(pages, start=1):
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        draw.text((int(dpi), int(0.5 * dpi)), header, font=small, fill=0)
        y = int(1.5 * dpi)
        for line in lines:
            if line:
                draw.text((int(dpi), y), line, font=text_font, fill=0)
            y += int(0.3 * dpi)
        draw.text((width // 2, height - int(0.6 * dpi)), f"- {number} -", font=small, fill=0)
        c.drawImage(ImageReader(image), 0, 0, PAGE_W, PAGE_H)
        c.showPage()
    c.save()
    return buf.getvalue()
