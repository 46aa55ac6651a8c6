"""Page furniture: running headers, footers and page numbers left out of a PDF's text.

The PDFs are laid out in the test (``tests/support/renderings.py``) from a bundled text file,
in every header and footer style; every line of the text must come back on its page, and
nothing else.
"""

from __future__ import annotations

import pytest

from corpus.furniture import LaidOutPage, PlacedLine, find_furniture, page_number_value
from corpus.readers import read_bytes
from tests.conftest import SEEDS
from tests.support.renderings import (
    HELD_OUT_STYLES,
    STYLES,
    Rendering,
    render_pdf,
    renderable,
)

TEXT = SEEDS[1].read_text(encoding="utf-8").split("\n")[:420]  # 001: six pages
LONG_TEXT = SEEDS[2].read_text(encoding="utf-8").split("\n")[:2000]  # 002: 27 pages


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("- 3 -", 3),
        ("– 12 –", 12),
        ("Pagina 3 van 54", 3),
        ("pagina 3/54", 3),
        ("3/54", 3),
        ("3 van 54", 3),
        ("blz. 7", 7),
        ("p. 7", 7),
        ("[4]", 4),
        ("iv", 4),
        ("XII", 12),
        ("Ambitie", None),
        ("3.2 Meer passend werk", None),
        ("2024", 2024),  # a value: only its steady rise with the page makes it a page number
        ("", None),
    ],
)
def test_page_number_forms(text: str, value: int | None) -> None:
    assert page_number_value(text) == value


def _check(rendering: Rendering, text: list[str] = TEXT) -> None:
    got = read_bytes(rendering.data, "nota.pdf")
    body = [sl for sl in got.lines if sl.text]
    assert len(body) == len(rendering.places)
    for sl in body:
        number = rendering.text_line(int(sl.page or 0), int(sl.ref or 0))
        assert number is not None, (sl.page, sl.ref, sl.text)
        assert " ".join(sl.text.split()) == " ".join(renderable(text[number - 1]).split())
    drawn = sorted(rendering.furniture)
    assert sorted((sl.page or 0, sl.text) for sl in got.furniture) == drawn


@pytest.mark.integration
@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("first", [True, False], ids=["furniture-first", "furniture-last"])
def test_every_style_leaves_exactly_the_furniture_out(style: str, first: bool) -> None:
    rendering = render_pdf(TEXT, "Uitvoeringsprogramma EAA 2025", style, furniture_first=first)
    assert rendering.pages >= 5
    _check(rendering)


@pytest.mark.integration
@pytest.mark.parametrize("style", sorted(HELD_OUT_STYLES))
def test_held_out_styles_are_left_out_too(style: str) -> None:
    # styles left out while the reader was built: a page number as "3/27", roman numerals on
    # the front pages, a two-line header with "blz. 3", a header whose chapter title changes
    # every four pages (found: a fixed part around a changing one) with a dated footer
    rendering = render_pdf(LONG_TEXT, "Werk maken van werk", style, furniture_first=False)
    assert rendering.pages >= 20
    _check(rendering, LONG_TEXT)


@pytest.mark.integration
def test_a_sentence_runs_on_over_the_page_break() -> None:
    rendering = render_pdf(TEXT, "Uitvoeringsprogramma EAA 2025", "title-number")
    got = read_bytes(rendering.data, "nota.pdf")
    # wherever the text file goes on without a blank line, so does the PDF across the break
    lines = got.lines
    breaks = [i for i in range(1, len(lines)) if lines[i].ref == 1]
    assert breaks
    continued = 0
    for i in breaks:
        before = next(j for j in range(i - 1, -1, -1) if lines[j].text)
        a = rendering.text_line(int(lines[before].page or 0), int(lines[before].ref or 0))
        b = rendering.text_line(int(lines[i].page or 0), 1)
        assert a is not None and b is not None
        text_goes_on = not any(not TEXT[n - 1].strip() for n in range(a + 1, b))
        if text_goes_on and not TEXT[a - 1].rstrip().endswith((".", ":", "!", "?")):
            assert i - before == 1, (TEXT[a - 1], TEXT[b - 1])  # no blank line put in
            continued += 1
    assert continued >= 1


def _page(texts: list[tuple[str, float]], size: float = 10.0) -> LaidOutPage:
    lines = [PlacedLine(t, 72, 72 + 5 * len(t), y, y + size, size, y + 2) for t, y in texts]
    return LaidOutPage(595, 842, lines)


@pytest.mark.unit
def test_body_lines_that_repeat_at_the_top_are_not_furniture() -> None:
    # every page opens with the same table head right under the text's top edge, but not set
    # apart from the text: it stays; the header above it, set apart, goes
    pages = [
        _page(
            [
                ("Nota Wonen 2024", 800),
                ("Wijk | Woningen | Aandeel", 760),
                (f"Noord | {n}.087 | 33,97%", 748),
                ("Zuid | 1.100 | 12%", 736),
            ]
        )
        for n in range(1, 5)
    ]
    found = find_furniture(pages)
    assert all(indices == {0} for indices in found)


@pytest.mark.unit
def test_a_single_page_keeps_everything_but_its_page_number() -> None:
    page = _page([("Raadsbrief", 800), ("Het college besluit.", 760), ("1", 40)])
    assert find_furniture([page]) == [{2}]
    no_number = _page([("Raadsbrief", 800), ("Het college besluit.", 760)])
    assert find_furniture([no_number]) == [set()]


@pytest.mark.unit
def test_numbers_that_do_not_follow_the_pages_stay() -> None:
    # a figure at the foot of every page is no page number when it does not rise with them
    texts = ("Eerste pagina.", "Een andere tekst hier.", "Nog iets anders.", "Het slot.")
    pages = [
        _page([(t, 700), (str(v), 40)]) for t, v in zip(texts, (250, 7, 1200, 31), strict=True)
    ]
    assert find_furniture(pages) == [set(), set(), set(), set()]
