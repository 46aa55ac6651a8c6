"""The vocabularies as data: subject and measure synonyms and period phrases, Dutch and English."""

from __future__ import annotations

import pytest

from corpus import find_periods
from metrics.query import parse_question

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("question", "subjects", "measures"),
    [
        ("Hoeveel LKS-contracten zijn gestart?", {"loonkostensubsidie"}, {"gestart", "contracten"}),
        (
            "How many wage cost subsidy contracts started?",
            {"loonkostensubsidie"},
            {"gestart", "contracten"},
        ),
        ("Hoeveel nieuwe loonkostensubsidies?", {"loonkostensubsidie"}, {"gestart"}),
        ("Hoeveel bijstandsuitkeringen liepen er?", {"bijstand"}, {"lopend"}),
        ("How many social assistance benefits were running?", {"bijstand"}, {"lopend"}),
        ("Hoeveel uitkeringen zijn beëindigd?", {"bijstand"}, {"beeindigd"}),
        ("How many benefits ended?", {"bijstand"}, {"beeindigd"}),
        ("What was the outflow to work?", {"uitstroom"}, set()),
        ("Hoeveel mensen zijn uitgestroomd?", {"uitstroom"}, set()),
        ("What was the net participation rate?", {"participatiegraad"}, {"netto"}),
    ],
)
def test_subject_and_measure_synonyms(
    question: str, subjects: set[str], measures: set[str]
) -> None:
    parsed = parse_question(question)
    assert set(parsed.subjects) == subjects
    assert measures <= set(parsed.measures)


@pytest.mark.parametrize(
    ("question", "period", "quarter"),
    [
        ("Hoeveel LKS-contracten zijn er in Q3 gestart?", None, 3),
        ("Hoeveel zijn er in het derde kwartaal van 2024 gestart?", "2024-Q3", 3),
        ("How many started in the third quarter of 2024?", "2024-Q3", 3),
        ("How many in Q3 2024?", "2024-Q3", 3),
        ("Hoeveel uitkeringen waren er in 2018?", "2018", None),
    ],
)
def test_period_in_a_question(question: str, period: str | None, quarter: int | None) -> None:
    parsed = parse_question(question)
    assert parsed.period == period and parsed.quarter == quarter


@pytest.mark.parametrize(
    ("text", "period", "cumulative"),
    [
        ("In de eerste drie kwartalen van 2024 zien we", "2024-Q1..Q3", True),
        ("1e t/m 3e kwartaal 2019", "2019-Q1..Q3", True),
        ("Aantallen op peildatum 1 oktober 2024:", "2024-10-01", False),
        ("in the third quarter of 2024", "2024-Q3", False),
        ("de periode 2016-2018", "2016..2018", False),
    ],
)
def test_period_phrases(text: str, period: str, cumulative: bool) -> None:
    (found,) = find_periods(text)
    assert (found.period, found.cumulative) == (period, cumulative)
