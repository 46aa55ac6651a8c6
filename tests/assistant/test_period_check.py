"""Figure questions answered from passages: the period check that makes them ``partial``."""

from __future__ import annotations

import pytest

from assistant.language import whole_year_asked
from assistant.period_check import period_notes

pytestmark = pytest.mark.unit

DOCS = {
    "eval": {"period": "2019-Q1..Q3"},
    "kader": {"period": "2019.."},
    "nota": {"period": "2016..2020"},
    "prog": {"period": "2024-Q1..Q3"},
}


def _cite(doc: str, quote: str = "Er zijn 429 mensen uitgestroomd.", cid: str = "c1") -> dict:
    return {"id": cid, "doc_id": doc, "quote": quote}


@pytest.mark.parametrize(
    ("question", "year"),
    [
        ("Hoeveel mensen zijn er in heel 2019 uitgestroomd?", "2019"),
        ("How many trajectories did DCW run in the whole of 2024?", "2024"),
        ("How many benefits were there at the end of December 2022?", "2022"),
        ("Hoeveel mensen hebben in 2019 een Doen!Beurs bezocht?", None),
    ],
)
def test_whole_year_cues(question: str, year: str | None) -> None:
    assert whole_year_asked(question) == year


def test_a_whole_year_asked_of_a_three_quarter_report_is_partial() -> None:
    notes = period_notes("Hoeveel in heel 2019?", [_cite("eval")], DOCS, "nl")
    assert len(notes) == 1 and "[c1]" in notes[0] and "deel van het gevraagde jaar" in notes[0]
    assert not any(ch.isdigit() for ch in notes[0].replace("[c1]", ""))  # nothing to ground


def test_a_whole_year_report_among_the_quotes_answers_it() -> None:
    citations = [_cite("eval"), _cite("nota", cid="c2")]
    assert period_notes("How many in the whole of 2019?", citations, DOCS, "en") == []


def test_a_year_no_quote_names_and_no_document_covers_is_partial() -> None:
    notes = period_notes("How many in 2022?", [_cite("prog")], DOCS, "en")
    assert notes == ["Note: the quoted passages give no figure for the year you asked about."]


@pytest.mark.parametrize(
    ("citation", "expected"),
    [
        (_cite("prog", "In 2022 waren er 5.719 uitkeringen."), []),  # the quote names the year
        (_cite("kader"), []),  # an open period from 2019 covers 2022
        (_cite("eval"), ["missing"]),
    ],
)
def test_the_year_is_met_by_a_quote_or_a_covering_period(
    citation: dict, expected: list[str]
) -> None:
    notes = period_notes("Hoeveel uitkeringen in 2022?", [citation], DOCS, "nl")
    assert len(notes) == len(expected)


def test_a_question_without_a_year_needs_no_note() -> None:
    assert period_notes("Hoeveel uitkeringen?", [_cite("eval")], DOCS, "nl") == []
