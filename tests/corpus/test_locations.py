"""Where a passage stands as a citation names it (``corpus.locate``) and back (``resolve``)."""

from __future__ import annotations

import pytest

from corpus import (
    CitedLines,
    Document,
    DocumentMeta,
    InvalidRequestError,
    Location,
    SourceLine,
    line_places,
    locate,
    resolve,
)

pytestmark = pytest.mark.unit


def _doc(fmt: str, rows: list[tuple[str, int | None, int | None, int | None]]) -> Document:
    meta = DocumentMeta("d", f"d.{fmt}", "D", None, "nota", None, None, "x", fmt)  # type: ignore[arg-type]
    lines = [
        SourceLine(n, text, page, ref, level)
        for n, (text, page, ref, level) in enumerate(rows, start=1)
    ]
    return Document(meta, lines)


PDF = _doc(
    "pdf",
    [
        ("Het college besluit dat de", 1, 1, None),
        ("regeling doorloopt.", 1, 2, None),
        ("", 1, None, None),
        ("Een nieuwe alinea die verder", 1, 3, None),
        ("gaat op de volgende pagina.", 2, 1, None),
        ("", 2, None, None),
        ("Slot.", 2, 2, None),
    ],
)
DOCX = _doc(
    "docx",
    [
        ("2.4 Uitstroom naar werk", None, 1, 2),
        ("", None, None, None),
        ("In 2024 stroomden 429 mensen uit.", None, 2, None),
        ("", None, None, None),
        ("Dat is meer dan in 2023.", None, 3, None),
    ],
)


def test_a_pdf_place_is_its_page_and_the_line_on_it() -> None:
    assert locate(PDF, 4, 5) == Location(1, 3, 1, page_end=2)
    assert locate(PDF, 7, 7) == Location(2, 2, 2)
    assert locate(PDF, 3, 4) == Location(1, 3, 3)  # a blank line is no line of the page


def test_a_pdf_place_reads_back_only_with_its_page() -> None:
    with pytest.raises(InvalidRequestError) as err:
        resolve(PDF, 1, 2)
    assert err.value.code == "page_required"
    assert resolve(PDF, 3, 1, page=1, page_end=2) == (3, 4)
    assert (
        PDF.text_between(3, 1, 1, 2) == "Een nieuwe alinea die verder\ngaat op de volgende pagina."
    )
    assert PDF.text_between(1, 2, 2) == "gaat op de volgende pagina.\n\nSlot."
    with pytest.raises(InvalidRequestError) as err:
        resolve(PDF, 9, 9, page=1)
    assert err.value.code == "invalid_range"


def test_a_docx_place_is_its_paragraphs_under_the_nearest_heading() -> None:
    where = locate(DOCX, 3, 5)
    assert where == Location(None, 2, 3, unit="paragraph", heading="2.4 Uitstroom naar werk")
    assert (
        DOCX.text_between(2, 3) == "In 2024 stroomden 429 mensen uit.\n\nDat is meer dan in 2023."
    )
    assert line_places(DOCX)[5] == Location(
        None, 3, 3, unit="paragraph", heading="2.4 Uitstroom naar werk"
    )


def test_a_text_file_place_is_its_lines() -> None:
    txt = _doc(
        "txt",
        [("Eerste regel.", None, None, None), ("", None, None, None), ("Derde.", None, None, None)],
    )
    assert locate(txt, 1, 3) == Location(None, 1, 3)
    assert txt.text_between(1, 3) == "Eerste regel.\n\nDerde."


def _resolved(doc: Document, *place: int | None) -> tuple[int, int] | tuple[str, str]:
    try:
        return resolve(doc, *place)  # type: ignore[arg-type]
    except InvalidRequestError as exc:
        return exc.code, exc.message


def _cited(lines: CitedLines, *place: int | None) -> tuple[int, int] | tuple[str, str]:
    try:
        return lines.resolve(*place)  # type: ignore[arg-type]
    except InvalidRequestError as exc:
        return exc.code, exc.message


def test_cited_lines_read_every_place_back_as_resolve_does() -> None:
    """``CitedLines`` (a document's lines by their cited numbers, found by bisection) gives
    ``resolve``'s positions and errors: every range of a PDF, a DOCX, a text file and the
    bundled corpus's files, with and without pages, also ranges that are not there, and a
    document whose cited numbers do not stand in order."""
    import random

    from corpus import BUNDLED_CORPUS_DIR

    texts = [
        _doc("txt", [(t, None, None, None) for t in p.read_text(encoding="utf-8").splitlines()])
        for p in sorted(BUNDLED_CORPUS_DIR.glob("*.txt"))[:3]
    ]
    unordered = _doc(
        "pdf", [("a", 1, 2, None), ("b", 1, 1, None), ("c", 2, 1, None), ("", 2, None, None)]
    )
    rng = random.Random(5)
    for doc in [PDF, DOCX, unordered, *texts]:
        lines = CitedLines(doc)
        top = max(sl.cited for sl in doc.lines) + 2
        places = [(a, b) for a in range(0, 9) for b in range(0, 9)]
        places += [(a, a + rng.randint(-2, 30)) for a in rng.sample(range(top), min(top, 200))]
        for start, end in places:
            for page, page_end in ((None, None), (1, None), (1, 2), (2, None), (2, 1), (0, 3)):
                expected = _resolved(doc, start, end, page, page_end)
                assert _cited(lines, start, end, page, page_end) == expected
