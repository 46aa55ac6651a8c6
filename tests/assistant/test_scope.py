"""Stage 5: the scope checks of a passage against the question (plain rules, typed fields)."""

from __future__ import annotations

import pytest

from assistant.figure_text import describe_scope
from assistant.pipeline import Evidence, understand
from assistant.pipeline.scope import check

pytestmark = pytest.mark.unit

DOCS = {
    "eval": {"municipality": "Enschede", "period": "2019-Q1..Q3"},
    "kader": {"municipality": "Enschede", "period": "2019.."},
    "nota": {"municipality": "Hengelo", "period": "2016..2020"},
    "prog": {"municipality": "Enschede", "period": "2024-Q1..Q3"},
}


def _ev(doc: str, quote: str = "Er zijn 429 mensen uitgestroomd.") -> Evidence:
    return Evidence(doc, None, 10, 12, quote, 1.0)


def _row(**fields: object) -> dict:
    base = {
        "figure_id": "x",
        "value": 429.0,
        "unit": "count",
        "period": "2019-Q1..Q3",
        "cumulative": True,
        "kind": "result",
        "municipality": "Enschede",
        "line": 11,
    }
    return {**base, **fields}


def q(text: str):
    return understand(text, DOCS, set())


def test_nothing_asked_beyond_the_words_holds() -> None:
    assert check(q("Wat doet het RAP-team?"), _ev("eval"), DOCS).holds


def test_another_municipality_is_missing_unless_the_passage_names_it() -> None:
    asked = q("Hoeveel mensen stroomden in Hengelo uit?")
    scope = check(asked, _ev("eval"), DOCS)
    assert scope.missing == ("municipality",) and scope.found["municipality"] == "Enschede"
    assert check(asked, _ev("nota"), DOCS).holds
    assert check(asked, _ev("eval", "In Hengelo stroomden 20 mensen uit."), DOCS).holds


def test_a_whole_year_asked_of_a_three_quarter_report_is_missing_the_year() -> None:
    asked = q("Hoeveel mensen zijn er in heel 2019 uitgestroomd?")
    scope = check(asked, _ev("eval"), DOCS, [_row()])
    assert "whole_year" in scope.missing
    assert check(asked, _ev("nota"), DOCS).holds  # a document over whole years


def test_a_target_for_the_year_does_not_make_a_reference_date_a_whole_year() -> None:
    # "in heel 2019" of a passage holding a target for 2019 and a result on 1 October 2019
    asked = q("Hoeveel uitkeringen zijn er in heel 2019 beëindigd?")
    rows = [_row(kind="target", period="2019"), _row(period="2019-10-01", cumulative=False)]
    scope = check(asked, _ev("kader"), DOCS, rows)
    assert scope.missing == ("whole_year",) and scope.found["whole_year"] == "2019-10-01"
    assert check(asked, _ev("kader"), DOCS, [_row(period="2019")]).holds  # a result for 2019
    target = q("Welk doel gold er voor heel 2019?")
    assert check(target, _ev("kader"), DOCS, rows).holds  # the target is what is asked


def test_a_bare_year_in_a_three_quarter_report_is_that_part_of_the_year() -> None:
    asked = q("Hoeveel mensen zijn er in heel 2019 uitgestroomd?")
    scope = check(asked, _ev("eval"), DOCS, [_row(period="2019", cumulative=False)])
    assert scope.missing == ("whole_year",) and scope.found["whole_year"] == "2019-Q1..Q3"
    assert check(asked, _ev("kader"), DOCS, [_row(period="2019")]).holds


def test_a_year_no_quote_names_and_no_period_covers_is_missing() -> None:
    asked = q("Hoeveel uitkeringen waren er in 2022?")
    assert check(asked, _ev("prog"), DOCS).missing == ("period",)
    assert check(asked, _ev("prog", "In 2022 waren er 5.719 uitkeringen."), DOCS).holds
    assert check(asked, _ev("kader"), DOCS).holds  # an open period from 2019 covers 2022


def test_a_cumulative_figure_for_one_quarter_and_a_target_for_a_result() -> None:
    quarter = q("Hoeveel mensen stroomden in het derde kwartaal van 2019 uit?")
    assert "quarter" in check(quarter, _ev("eval"), DOCS, [_row()]).missing
    result = q("Hoeveel mensen zijn er in 2019 daadwerkelijk uitgestroomd naar werk?")
    scope = check(result, _ev("eval"), DOCS, [_row(kind="target", cumulative=False, period="2019")])
    assert scope.missing == ("kind",) and scope.found["kind"] == "target"
    target = q("Wat was het doel voor de uitstroom naar werk in 2019?")
    assert check(target, _ev("eval"), DOCS, [_row(kind="target", period="2019")]).holds


def test_a_plain_figure_question_asks_a_result_not_a_target_or_a_forecast() -> None:
    # "hoeveel ...?" in no words of kind asks what happened: a passage whose figures are all
    # targets or forecasts holds only the nearest kind, and the answer says which
    plain = q("Hoeveel mensen stroomden in 2019 uit naar werk?")
    for kind in ("target", "forecast"):
        scope = check(plain, _ev("eval"), DOCS, [_row(kind=kind, period="2019")])
        assert scope.missing == ("kind",) and scope.found["kind"] == kind
    rows = [_row(kind="target", period="2019"), _row(period="2019")]
    assert check(plain, _ev("eval"), DOCS, rows).holds  # a result beside the target
    assert check(q("Wat doet het RAP-team?"), _ev("eval"), DOCS, [_row(kind="target")]).holds


def test_a_regional_figure_is_not_the_municipalitys_own() -> None:
    asked = q("Hoeveel plaatsingen realiseerde Enschede in 2019?")  # a municipality named
    scope = check(asked, _ev("eval"), DOCS, [_row(municipality="Twente")])
    assert scope.missing == ("level",) and scope.found["level"] == "Twente"
    regional = q("Hoeveel plaatsingen realiseerde de regio Twente in 2019?")
    assert check(regional, _ev("eval"), DOCS, [_row(municipality="Twente")]).holds


def test_every_missing_scope_is_said_in_plain_words_without_numerals() -> None:
    asked = q("Hoeveel doelen voor Hengelo werden in heel 2019 gehaald?")
    scope = check(asked, _ev("eval"), DOCS, [_row(kind="target")])
    notes = describe_scope(scope.missing, scope.found, "nl")
    assert len(notes) == len(scope.missing) >= 2
    assert all(n.text.startswith("Let op") for n in notes)
    # the lead says it briefly, in a short sentence of its own
    assert all(n.short.endswith(".") and len(n.short.split()) <= 12 for n in notes)
    english_scope = check(q("How many in the whole of 2019?"), _ev("eval"), DOCS, [_row()])
    english = describe_scope(english_scope.missing, english_scope.found, "en")
    assert english and english[0].text.startswith("Note")
