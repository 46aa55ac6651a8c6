"""DOCX: body paragraphs and table rows in document order, with their structure and pages.

``SourceLine.ref`` is the running number of the non-empty paragraph or table row (1-based):
what a citation of a DOCX names, with the nearest heading. The text gets a blank line where a
paragraph ends (``corpus.page_layout.paragraph_breaks``, the PDF reader's rule at a page break:
a closed sentence, a heading, a paragraph well shorter than most, before one that starts anew;
or a numbered heading opens, "2.4 Uitstroom naar werk" or "2" above "Ambitie"; never between
table rows), as
a text file would show it: a PDF converted to Word, one paragraph per printed line, keeps its
sentences whole across those paragraphs. An empty paragraph is the empty line Word shows:
a blank line, as in a text file (at most ``MAX_BLANKS`` for a run of them). A document that
sets its paragraphs apart that way (``MARKED_SHARE`` of the places between two paragraphs hold
an empty one: a PDF converted to Word, one paragraph per line and an empty one where the text
leaves an empty line) has its paragraph ends there, at a heading and a table only, as the text
reader has them; the text rule above is for a document that does not. A heading
style gives the line its ``level``; a numbered or bulleted paragraph starts with the label Word
shows ("1.", "a)", "•"; ``corpus.readers.docx_structure``); table rows join their cells with
`` | ``. Text boxes, headers, footers, footnotes and comments are not read. The zip is checked
before anything is parsed.

Pages count explicit page breaks (``w:br w:type="page"``, ``pageBreakBefore``, section breaks
that start a new page) and the breaks Word recorded when it last laid the document out
(``w:lastRenderedPageBreak``); a rendered break that directly follows an explicit one is the
same break and is counted once (``corpus.readers.docx_pages``). A DOCX does not know where its
text flows onto the next page, so the pages are kept only when Word recorded its layout, or
when every stretch between two explicit breaks fits on one page; else ``page`` is None and the
document is cited by heading and paragraph, never by a page it cannot know.
"""

from __future__ import annotations

import io
import itertools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from corpus.errors import CorpusError, CorruptDocumentError
from corpus.model import ExtractedText, SourceLine
from corpus.page_layout import MAX_BLANKS, SHORT_LINE, paragraph_breaks, typical
from corpus.readers.docx_pages import Pages, section_breaks
from corpus.readers.docx_structure import Structure
from corpus.readers.docx_zip import MAX_RATIO, MAX_UNCOMPRESSED, check_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# a document marks its paragraphs with empty paragraphs when this share of the places between
# two paragraphs holds one (a PDF converted to Word: one paragraph per line, an empty one
# where the text leaves an empty line)
MARKED_SHARE = 0.1
_SKIP = {
    f"{{{W}}}txbxContent",
    f"{{{MC}}}Fallback",
    f"{{{W}}}del",
    f"{{{W}}}moveFrom",
    f"{{{W}}}instrText",
    f"{{{W}}}delText",
    f"{{{W}}}pPr",
    f"{{{W}}}rPr",
}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _events(el: etree._Element) -> Iterator[tuple[str, str]]:
    """Walk a paragraph or row in document order: ("text", s), ("explicit"|"rendered", "")."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP or (tag == _w("r") and _hidden(child)):
            continue
        if tag == _w("t"):
            yield "text", child.text or ""
        elif tag in (_w("tab"), _w("ptab")):
            yield "text", "\t"
        elif tag == _w("br"):
            if child.get(_w("type")) == "page":
                yield "explicit", ""
            elif child.get(_w("type")) != "column":
                yield "text", "\n"
        elif tag == _w("cr"):
            yield "text", "\n"
        elif tag == _w("noBreakHyphen"):
            yield "text", "-"
        elif tag == _w("lastRenderedPageBreak"):
            yield "rendered", ""
        elif tag == _w("p") and el.tag == _w("tc"):
            yield "text", " "  # paragraphs inside one table cell
            yield from _events(child)
        else:
            yield from _events(child)


def _hidden(run: etree._Element) -> bool:
    flag = run.find(f"{_w('rPr')}/{_w('vanish')}")
    return flag is not None and flag.get(_w("val"), "true") not in ("0", "false", "off")


def _starts_page(p: etree._Element) -> bool:
    flag = p.find(f"{_w('pPr')}/{_w('pageBreakBefore')}")
    return flag is not None and flag.get(_w("val"), "true") not in ("0", "false", "off")


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\n", " ").replace("\t", " ")).strip()


def _lines(el: etree._Element, pages: Pages) -> list[tuple[str, int]]:
    """The visible text of a paragraph or row with the page it starts on.

    A paragraph with an explicit page break inside it is split there: the text after the
    break stands on the next page.
    """
    if el.tag == _w("p") and _starts_page(el):
        pages.explicit()
    if el.tag == _w("tr"):
        cells, start = [], 0
        for tc in el.iterchildren(_w("tc")):
            parts = []
            for kind, value in _events(tc):
                start = _track(kind, value, pages, start)
                parts.append(value)
            cells.append(_clean("".join(parts)))
        return [(" | ".join(cells), start)] if any(cells) else []
    out: list[tuple[str, int]] = []
    parts, start = [], 0
    for kind, value in _events(el):
        if kind == "explicit" and _clean("".join(parts)):
            out.append((_clean("".join(parts)), start))
            parts, start = [], 0
        start = _track(kind, value, pages, start)
        parts.append(value)
    if _clean("".join(parts)):
        out.append((_clean("".join(parts)), start))
    return out


def _track(kind: str, value: str, pages: Pages, start: int) -> int:
    """Advance the page counter; return the page the text so far started on (0: none yet)."""
    if kind == "explicit":
        pages.explicit()
    elif kind == "rendered":
        pages.rendered()
    elif value.strip():
        pages.text()
        return start or pages.page
    return start


def _blocks(parent: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and table rows of the body in document order (content controls unwrapped)."""
    for child in parent:
        if child.tag == _w("p"):
            yield child
        elif child.tag == _w("tbl"):
            yield from child.iterchildren(_w("tr"))
        elif child.tag in (_w("sdt"), _w("customXml"), _w("sdtContent")):
            yield from _blocks(child.find(_w("sdtContent")) if child.tag == _w("sdt") else child)


@dataclass(slots=True)
class _Item:
    text: str
    page: int
    level: int | None
    row: bool  # a table row (no blank line between two rows of one table)
    table: int  # which table it belongs to (0: none)
    empty: int = 0  # the empty paragraphs right before it


def _items(body: etree._Element, pages: Pages, structure: Structure) -> list[_Item]:
    section_ends = section_breaks(body)
    items: list[_Item] = []
    new_section = False
    table_of = {
        row: n
        for n, table in enumerate(body.iter(_w("tbl")), start=1)
        for row in table.iterchildren(_w("tr"))
    }
    empty = 0  # empty paragraphs since the last item
    for block in _blocks(body):
        if new_section:
            pages.explicit()
        is_row = block.tag == _w("tr")
        level = None if is_row else structure.heading_level(block)
        label = "" if is_row else structure.label(block)
        read = _lines(block, pages)
        if not read and not is_row and _empty_line(block, section_ends.get(block, False)):
            empty += 1
        for n, (text, page) in enumerate(read):
            shown = f"{label} {text}" if label and n == 0 else text
            items.append(_Item(shown, page, level, is_row, table_of.get(block, 0), empty))
            empty = 0
        new_section = section_ends.get(block, False)
    return items


def _empty_line(p: etree._Element, ends_section: bool) -> bool:
    """An empty paragraph that Word shows as an empty line (not one that only holds a page or
    section break)."""
    if ends_section or _starts_page(p):
        return False
    return not any(br.get(_w("type")) == "page" for br in p.iter(_w("br")))


def _marks_paragraphs(items: list[_Item]) -> bool:
    """Whether the document sets its paragraphs apart with empty paragraphs, as a text file
    does with blank lines (``MARKED_SHARE`` of the places between two paragraphs hold one)."""
    pairs = [(a, b) for a, b in itertools.pairwise(items) if not (a.row or b.row)]
    return bool(pairs) and sum(b.empty > 0 for _, b in pairs) >= MARKED_SHARE * len(pairs)


def _blank_lines(before: _Item, item: _Item, following: str, full: float, marked: bool) -> int:
    """The blank lines between two DOCX paragraphs (or before and after a table): one for
    every empty paragraph between them (at most ``MAX_BLANKS``), as a text file shows them;
    else one where a paragraph ends (``_breaks``). In a document that ``marks`` its
    paragraphs with empty paragraphs, a paragraph ends only there, at a heading or a table:
    the paragraphs between are the lines of one text paragraph."""
    if before.row and item.row and before.table == item.table:
        return 0
    if item.empty:
        return min(item.empty, MAX_BLANKS)
    if marked:
        return int(before.row or item.row or item.level is not None or before.level is not None)
    return int(_breaks(before, item, following, full))


def _breaks(before: _Item, item: _Item, following: str, full: float) -> bool:
    """A paragraph ends between two DOCX paragraphs (or before and after a table);
    ``following``: the text of the paragraph after ``item``."""
    if before.row or item.row:
        return not (before.row and item.row and before.table == item.table)
    if item.level is not None or before.level is not None:
        return True
    short = len(before.text) < SHORT_LINE * full
    return paragraph_breaks(before.text, item.text, following, short)


def read_docx(
    data: bytes,
    name: str,
    *,
    max_pages: int,
    max_unpacked: int | None = None,
    max_ratio: int | None = None,
) -> ExtractedText:
    """Read a DOCX body. Raises a typed :class:`~corpus.errors.CorpusError`."""
    check_zip(data, name, max_unpacked or MAX_UNCOMPRESSED, max_ratio or MAX_RATIO)
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        structure = Structure.of(document)
    except CorpusError:
        raise
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors, ...
        raise CorruptDocumentError(
            f"{name}: the DOCX cannot be read, it is damaged ({type(exc).__name__}: {exc})"
        ) from None
    pages = Pages(name, max_pages)
    items = _items(body, pages, structure)
    known = pages.known([(item.text, item.page) for item in items])
    full = typical([float(len(item.text)) for item in items if not item.row], 0.9)
    marked = _marks_paragraphs(items)
    lines: list[SourceLine] = []
    previous: _Item | None = None
    for ref, item in enumerate(items, start=1):
        page = item.page if known else None
        following = items[ref].text if ref < len(items) else ""
        blanks = 0 if previous is None else _blank_lines(previous, item, following, full, marked)
        for _ in range(blanks):
            lines.append(SourceLine(line=len(lines) + 1, text="", page=lines[-1].page))
        lines.append(
            SourceLine(line=len(lines) + 1, text=item.text, page=page, ref=ref, level=item.level)
        )
        previous = item
    return ExtractedText(format="docx", lines=lines, pages=pages.page if known else None)
