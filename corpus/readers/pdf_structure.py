"""Tagged PDF: which paragraph, heading, list or table of the structure tree a line belongs to.

A PDF saved from Word or LibreOffice with accessibility tags (PDF/UA) carries a structure tree:
``Document`` holding ``P``, ``H1``, ``L`` (``LI``, ``Lbl``, ``LBody``), ``Table`` (``TR``,
``TD``) elements, linked to the drawn text by marked-content ids (MCIDs) on each page. A
paragraph that runs over a page break is one element with content on both pages, and a
paragraph that ends at the foot of a page is a different element from the next page's first
one: what the drawn page cannot show.

A :data:`Block` names one element by its path of child positions from the tree's root, the same
on every page (PDFium loads the tree per page, and keeps the position of the kids that stand on
other pages), so a page break can be read by comparing the blocks of the two lines around it.
An element shown on no page is an empty paragraph (LibreOffice keeps every empty paragraph as
an element without content): the empty lines between two paragraphs (:func:`empty_before`).
Lines of one list (its items and their labels) or one table (its rows and cells) share the
outermost list's or table's block, as a text file writes them on consecutive lines; otherwise a
line's block is its nearest element above the inline ones (``Span``, ``Link``, ``Lbl``...).

Every call here is made under the PDF reader's PDFium lock.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any

Block = tuple[int, ...]  # child positions from the structure tree's root down to one element

# grouping elements as a whole: their lines follow each other without a paragraph between them
WHOLE = frozenset({"L", "Table"})
# inline elements (PDF 32000-1, 14.8.4.4) and the parts of a list item or table: a line in them
# belongs to the element around them
INLINE = frozenset(
    {
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Lbl",
        "LBody",
        "Form",
        "Formula",
        "Figure",
    }
)
_MAX_DEPTH = 64  # a deeper tree is read down to here (a damaged or hostile file)


def is_tagged(pdf_raw: Any) -> bool:
    """Whether the document says it is tagged (``/MarkInfo /Marked true`` in its catalog)."""
    import pypdfium2.raw as pdfium_c

    return bool(pdfium_c.FPDFCatalog_IsTagged(pdf_raw))


def _element_type(element: Any) -> str:
    """The element's standard type (``/S``, through the document's role map)."""
    import pypdfium2.raw as pdfium_c

    size = pdfium_c.FPDF_StructElement_GetType(element, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDF_StructElement_GetType(element, buffer, size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace")


@dataclass(slots=True)
class PageTree:
    """What a page's part of the structure tree says: the block of every marked-content id
    drawn on it, and the elements shown on it (with content on the page, and their parents)."""

    blocks: dict[int, Block] = field(default_factory=dict)
    shown: set[Block] = field(default_factory=set)


def page_tree(page_raw: Any) -> PageTree:
    """The page's part of the structure tree (empty for a page without tags)."""
    import pypdfium2.raw as pdfium_c

    out = PageTree()
    tree = pdfium_c.FPDF_StructTree_GetForPage(page_raw)
    if not tree:
        return out

    def walk(element: Any, path: Block, block: Block | None, whole: bool) -> None:
        out.shown.add(path)
        if not whole:  # inside a list or table, its outermost element stays the block
            kind = _element_type(element)
            whole = kind in WHOLE
            if whole or kind not in INLINE:
                block = path
        for k in range(pdfium_c.FPDF_StructElement_CountChildren(element)):
            child = pdfium_c.FPDF_StructElement_GetChildAtIndex(element, k)
            if child:
                if len(path) < _MAX_DEPTH:
                    walk(child, (*path, k), block, whole)
                continue
            # marked content on this page (-1: on another page, or an object reference)
            mcid = pdfium_c.FPDF_StructElement_GetChildMarkedContentID(element, k)
            if mcid >= 0:
                out.blocks[mcid] = block or path
                out.shown.add((*path, k))

    try:
        for k in range(pdfium_c.FPDF_StructTree_CountChildren(tree)):
            root = pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, k)
            if root:
                walk(root, (k,), None, False)
    finally:
        pdfium_c.FPDF_StructTree_Close(tree)
    return out


def empty_before(block: Block, shown: set[Block]) -> int:
    """The empty elements right before ``block`` among its siblings (``shown``: the elements
    shown on any page): the empty paragraphs a writer leaves as empty lines, which Word and
    LibreOffice keep in the tree without content."""
    parent, index = block[:-1], block[-1]
    count = 0
    while index - count > 0 and (*parent, index - count - 1) not in shown:
        count += 1
    return count
