"""DOCX: body paragraphs and table rows in document order, with their structure and pages.

``SourceLine.ref`` is the running number of the non-empty paragraph or table row (1-based):
what a citation of a DOCX names, with the nearest heading. The text gets a blank line where a
paragraph ends (``corpus.page_layout.paragraph_breaks``, the PDF reader's rule at a page break:
a closed sentence, a heading, a paragraph well shorter than most, before one that starts anew;
or a numbered heading opens, "2.4 Uitstroom naar werk" or "2" above "Ambitie"; never between
table rows), as
a text file would show it: a PDF converted to Word, one paragraph per printed line, keeps its
sentences whole across those paragraphs. A heading
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
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from corpus.errors import CorpusError, CorruptDocumentError
from corpus.model import ExtractedText, SourceLine
from corpus.page_layout import SHORT_LINE, paragraph_breaks, typical
from corpus.readers.docx_pages import Pages, section_breaks
from corpus.readers.docx_structure import Structure
from corpus.readers.docx_zip import MAX_RATIO, MAX_UNCOMPRESSED, check_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
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


def _items(body: etree._Element, pages: Pages, structure: Structure) -> list[_Item]:
    section_ends = section_breaks(body)
    items: list[_Item] = []
    new_section = False
    table_of = {
        row: n
        for n, table in enumerate(body.iter(_w("tbl")), start=1)
        for row in table.iterchildren(_w("tr"))
    }
    for block in _blocks(body):
        if new_section:
            pages.explicit()
        is_row = block.tag == _w("tr")
        level = None if is_row else structure.heading_level(block)
        label = "" if is_row else structure.label(block)
        for n, (text, page) in enumerate(_lines(block, pages)):
            shown = f"{label} {text}" if label and n == 0 else text
            items.append(_Item(shown, page, level, is_row, table_of.get(block, 0)))
        new_section = section_ends.get(block, False)
    return items


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
    lines: list[SourceLine] = []
    previous: _Item | None = None
    for ref, item in enumerate(items, start=1):
        page = item.page if known else None
        following = items[ref].text if ref < len(items) else ""
        if previous is not None and _breaks(previous, item, following, full):
            lines.append(SourceLine(line=len(lines) + 1, text="", page=lines[-1].page))
        lines.append(
            SourceLine(line=len(lines) + 1, text=item.text, page=page, ref=ref, level=item.level)
        )
        previous = item
    return ExtractedText(format="docx", lines=lines, pages=pages.page if known else None)
