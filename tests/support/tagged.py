"""A tagged PDF's structure tree, written into a PDF whose pages mark their content (PDF/UA).

:func:`tag_pdf` adds what Word's and LibreOffice's "save as PDF" with accessibility tags write
(``tests/corpus/fixtures/make_libreoffice_tagged.py`` keeps one of LibreOffice's): a
``Document`` element holding one element per paragraph (``P``, ``H1``...), in reading order,
each linked to the marked content (``/P <</MCID n>> BDC ... EMC``) it was drawn in; a paragraph
that runs over a page break is one element with content on both pages (an MCID on the page it
starts on, a marked-content reference with its page on the next); an empty paragraph is an
element without content, as LibreOffice writes one. The page furniture is drawn as an
``/Artifact``, outside the tree. The ``ParentTree`` maps every page's MCIDs back to their
elements, and the catalog says the document is tagged (``/MarkInfo /Marked true``).

The pages are drawn first (``tests/support/renderings.py`` with ``tagged=True`` writes the
marked content with reportlab), then the tree is added with pypdf: reportlab has no API for
a structure tree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field


@dataclass(slots=True)
class Element:
    """One structure element: its type and its content, (page index, MCID) in reading order."""

    kind: str
    content: list[tuple[int, int]] = field(default_factory=list)


def tag_pdf(data: bytes, elements: list[Element], lang: str = "nl-NL") -> bytes:
    """``data`` (pages with marked content) with the structure tree of ``elements``."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    pages = [page.indirect_reference for page in writer.pages]

    def add(entries: dict[str, object]) -> IndirectObject:
        made = DictionaryObject({NameObject(k): v for k, v in entries.items()})  # type: ignore[misc]
        return writer._add_object(made)

    root = add({"/Type": NameObject("/StructTreeRoot")})
    document = add({"/Type": NameObject("/StructElem"), "/S": NameObject("/Document"), "/P": root})
    parents: dict[int, dict[int, IndirectObject]] = {}  # page -> MCID -> its element
    kids = ArrayObject()
    for element in elements:
        ref = add(
            {
                "/Type": NameObject("/StructElem"),
                "/S": NameObject(f"/{element.kind}"),
                "/P": document,
            }
        )
        kids.append(ref)
        if not element.content:  # an empty paragraph: an element without content
            continue
        first_page = element.content[0][0]
        ref.get_object()[NameObject("/Pg")] = pages[first_page]
        content = ArrayObject()
        for page, mcid in element.content:
            parents.setdefault(page, {})[mcid] = ref
            if page == first_page:
                content.append(NumberObject(mcid))
            else:
                mcr = {"/Type": NameObject("/MCR"), "/Pg": pages[page], "/MCID": NumberObject(mcid)}
                content.append(DictionaryObject({NameObject(k): v for k, v in mcr.items()}))
        ref.get_object()[NameObject("/K")] = content
    document.get_object()[NameObject("/K")] = kids
    numbers = ArrayObject()
    for page in range(len(pages)):
        writer.pages[page][NameObject("/StructParents")] = NumberObject(page)
        mcids = parents.get(page, {})
        numbers += [NumberObject(page), ArrayObject(mcids[m] for m in sorted(mcids))]
    tree = root.get_object()
    tree[NameObject("/K")] = ArrayObject([document])
    tree[NameObject("/ParentTree")] = add({"/Nums": numbers})
    tree[NameObject("/ParentTreeNextKey")] = NumberObject(len(pages))
    catalog = writer.root_object
    catalog[NameObject("/StructTreeRoot")] = root
    catalog[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)}
    )
    catalog[NameObject("/Lang")] = TextStringObject(lang)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
