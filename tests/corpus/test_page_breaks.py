"""A paragraph break that falls on a PDF page break, which the layout hides: a page's text
starts at the top whether or not a paragraph ended on the page before.

A PDF is laid out in the test (``tests/support/renderings.py``): a narrow column (a heading
there is no shorter than the text's usual line, so its length does not say it ends), with a
heading without closing punctuation as the last line of page 1. When page 2 opens with a
numbered heading ("2" above "Ambitie", "2.4 Uitstroom naar werk") a paragraph ends at the
break, as in the text file (``corpus.page_layout.opens_with_heading``); when page 2 goes on
with the sentence (a number that is no section number, or one before a lower-case word), the
sentence runs on over the break.

The layout also shows a paragraph end when a page's text stops two lines or more above where a
page's text usually ends (``corpus.page_layout``: the empty lines at a page's foot); one line
short is what a word processor's widow control does inside a paragraph, and the text runs on.
"""

from __future__ import annotations

import pytest

from corpus.furniture import LaidOutPage, PlacedLine
from corpus.model import SourceLine
from corpus.page_layout import document_lines, opens_with_heading
from corpus.readers import read_bytes
from tests.support.renderings import render_pdf

PER_PAGE = 75  # render_pdf's lines on an A4 page at 8 points
# a narrow column, as document 000's: about 55 characters a line, no sentence closed
COLUMN = [f"de gemeente begeleidt in wijk {n} inwoners naar betaald werk en" for n in range(1, 75)]
FOOT = "Rechtmatige verstrekking van uitkeringen"
AFTER = [
    "De doelstelling voor 2019 is een daling van de bijstand",
    "met twee procent ten opzichte van het jaar daarvoor.",
    *[f"In wijk {n} volgen we de uitstroom naar werk per kwartaal." for n in range(1, 8)],
]


def _read(foot: str, opening: list[str], heading: bool = True) -> list[SourceLine]:
    """The lines read back from a PDF whose page 1 ends with ``foot`` and whose page 2 opens
    with ``opening``: in the text file a ``heading`` stands between blank lines, a sentence
    runs on to the next line."""
    # a heading: 72 lines, a blank, the heading, a blank (page 1's 75 lines); a sentence: 74
    # lines and its first line
    page_1 = [*COLUMN[: PER_PAGE - 3], "", foot, ""] if heading else [*COLUMN[: PER_PAGE - 1], foot]
    lines = [*page_1, *opening, *AFTER]
    rendering = render_pdf(lines, "Uitvoeringsprogramma EAA 2020", "title-number")
    # the test's premise: ``foot`` is the last line of page 1, ``opening`` starts page 2
    assert rendering.places[lines.index(foot) + 1] == (1, PER_PAGE - int(heading) * 2)
    assert rendering.places[len(page_1) + 1] == (2, 1)
    return read_bytes(rendering.data, "uitvoeringsprogramma.pdf").lines


def _blank_at_the_break(lines: list[SourceLine]) -> bool:
    first = next(i for i, sl in enumerate(lines) if sl.page == 2 and sl.text)
    return not lines[first - 1].text


@pytest.mark.integration
@pytest.mark.parametrize(
    "opening",
    [
        ["2", "Ambitie"],  # the section number on a line of its own above its title
        ["2.4 Uitstroom naar werk"],
        ["3. Rechtmatigheid"],
    ],
    ids=["number-above-title", "numbered-section", "numbered-with-dot"],
)
def test_a_heading_at_the_foot_of_a_page_ends_before_a_numbered_heading(
    opening: list[str],
) -> None:
    lines = _read(FOOT, opening)
    assert _blank_at_the_break(lines), "the heading is joined to the next page's section"
    last = next(sl for sl in reversed(lines) if sl.page == 1 and sl.text)
    assert last.text == FOOT


@pytest.mark.integration
@pytest.mark.parametrize(
    "opening",
    [
        ["141 een diploma haalden, zo blijkt uit de cijfers."],  # a count, not a section
        ["14 gemeenten in de regio deden daaraan mee."],  # a number before a lower-case word
        ["2", "procent van de inwoners had een uitkering."],  # a number on its own line
        ["2019 was het aantal uitkeringen lager."],  # a year is no section number
    ],
    ids=["count", "small-number", "lone-number", "year"],
)
def test_a_sentence_runs_on_over_the_page_break(opening: list[str]) -> None:
    # the last line of page 1 is a sentence that goes on, with no blank line in the text file
    foot = "In 2023 begonnen 388 inwoners aan een leerwerktraject, van wie er"
    lines = _read(foot, opening, heading=False)
    assert not _blank_at_the_break(lines), "a false paragraph break at the page break"


@pytest.mark.integration
@pytest.mark.parametrize(
    ("foot", "opening"),
    [
        ("Samengevat:", ["Het college vindt de aanpak in de wijken geslaagd."]),  # a lead
        ("12.", ["In het werkplan staat hoeveel trajecten we inzetten."]),  # a section number
    ],
    ids=["colon", "section-number"],
)
def test_a_short_line_that_goes_on_runs_on_over_the_page_break(
    foot: str, opening: list[str]
) -> None:
    # the last line of page 1 stops well short of the column, but it is a lead (a colon) or a
    # bare section number: the text file goes on without a blank line
    lines = _read(foot, opening, heading=False)
    assert not _blank_at_the_break(lines), "a false paragraph break at the page break"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("first", "second", "opens"),
    [
        ("2", "Ambitie", True),
        ("2.4 Uitstroom naar werk", "", True),
        ("3. Rechtmatigheid", "De gemeente", True),
        ("2", "procent van de inwoners", False),
        ("141 een diploma haalden.", "", False),
        ("14 gemeenten in de regio", "", False),
        ("2019 was het aantal lager.", "", False),
        ("Ambitie", "", False),
        ("2", "", False),
    ],
)
def test_opens_with_heading(first: str, second: str, opens: bool) -> None:
    assert opens_with_heading(first, second) is opens


# a line that closes no sentence and fills the column, and one that goes on in lower case: only
# the layout can tell a paragraph end between them
RUNS_ON = "de gemeente begeleidt in de wijken inwoners naar betaald werk en"
GOES_ON = "naar een leerwerktraject bij een werkgever in de regio Twente."


@pytest.mark.integration
def test_empty_lines_at_the_foot_of_a_page_end_the_paragraph() -> None:
    # page 1 full, page 2 ends with RUNS_ON and two empty lines (a table below it did not fit:
    # "… beperkt worden." | "jan feb mrt …" in document 002), page 3 opens in lower case
    page_2 = [*COLUMN[: PER_PAGE - 3], RUNS_ON, "", ""]
    lines = [*COLUMN, "en scholing.", *page_2, GOES_ON, *AFTER, *COLUMN]
    rendering = render_pdf(lines, "Uitvoeringsprogramma EAA 2020", "title-number")
    assert rendering.places[PER_PAGE + len(page_2) + 1] == (3, 1)  # the test's premise
    read = read_bytes(rendering.data, "uitvoeringsprogramma.pdf").lines
    first = next(i for i, sl in enumerate(read) if sl.page == 3 and sl.text)
    assert read[first - 1].text == "", "the paragraph runs on over the empty foot of page 2"
    assert read[first - 2].text == "" and read[first - 3].text == RUNS_ON  # both empty lines


def _pages(short: int) -> list[LaidOutPage]:
    """Three pages of 70 lines at 8 points (a pitch of 9.6 points), page 2 ending ``short``
    lines early with RUNS_ON, page 3 opening with GOES_ON; no line repeats on every page."""
    words = [
        "werk",
        "inkomen",
        "bijstand",
        "uitstroom",
        "participatie",
        "wijk",
        "begeleiding",
        "traject",
        "scholing",
    ]
    pages = []
    for p in range(3):
        texts = [" ".join(words[(p * 7 + i + k) % 9] for k in range(9)) for i in range(70)]
        if p == 1:
            texts = [*texts[: 69 - short], RUNS_ON]
        if p == 2:
            texts[0] = GOES_ON
        placed = [
            PlacedLine(
                t, 48.0, 540.0, 780.0 - i * 9.6 - 2, 780.0 - i * 9.6 + 6, 8.0, 780.0 - i * 9.6
            )
            for i, t in enumerate(texts)
        ]
        pages.append(LaidOutPage(595.0, 842.0, placed))
    return pages


@pytest.mark.unit
@pytest.mark.parametrize(("short", "blanks"), [(0, 0), (1, 0), (2, 2), (4, 3)])
def test_a_page_that_ends_early_ends_a_paragraph_from_two_lines_on(short: int, blanks: int) -> None:
    # as many blank lines as empty lines at the page's foot (at most three), none for one line
    lines, furniture = document_lines(_pages(short))
    assert not furniture
    first = next(i for i, sl in enumerate(lines) if sl.page == 3)
    assert lines[first].text == GOES_ON
    between = lines[first - 1 - blanks : first]
    assert [sl.text for sl in between] == [RUNS_ON] + [""] * blanks
