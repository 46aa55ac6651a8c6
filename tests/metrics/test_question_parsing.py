"""Figure questions parsed: kinds, and how a row's period fits the asked one."""

from __future__ import annotations

import pytest

from metrics import parse_question, period_fit

pytestmark = pytest.mark.unit


def test_a_subjects_own_words_are_no_kind_cue() -> None:
    # "wage-cost subsidy" names LKS; it asks no cost (budget)
    english = parse_question("How many new wage-cost subsidy (LKS) contracts were started?")
    assert english.kind is None and "loonkostensubsidie" in english.subjects
    assert (
        parse_question("Hoeveel geld hebben we in 2019 om de EAA uit te voeren?").kind == "budget"
    )
    assert parse_question("Wat was het doel voor 2019?").kind == "target"


@pytest.mark.parametrize(
    ("question", "period", "fit"),
    [
        ("Hoeveel uitkeringen waren er eind september 2024?", "2024-09-30", "exact"),
        ("Hoeveel uitkeringen waren er eind september 2024?", "2024", "near"),
        ("Hoeveel contracten zijn er in Q3 2024 gestart?", "2024-Q1..Q3", "near"),
        ("Hoeveel contracten zijn er in Q3 2024 gestart?", "2024-Q3", "exact"),
        ("Hoeveel contracten zijn er in 2024 gestart?", "2022", "other"),
    ],
)
def test_a_rows_period_fits_the_asked_one(question: str, period: str, fit: str) -> None:
    assert period_fit(parse_question(question), period)[0] == fit
