import pytest

from corpus import find_periods, find_quarters, without_periods

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "period", "cumulative"),
    [
        ("betreft de periode 1e t/m 3e kwartaal 20191.", "2019-Q1..Q3", True),
        ("over de eerste drie kwartalen van 2024", "2024-Q1..Q3", True),
        ("tot en met het derde kwartaal van 2024", "2024-Q1..Q3", True),
        ("in het derde kwartaal van 2024", "2024-Q3", False),
        ("in Q3 2024", "2024-Q3", False),
        ("2024-Q2", "2024-Q2", False),
        ("Aantallen op peildatum 1 oktober 2024:", "2024-10-01", False),
        ("eind september 2024", "2024-09-30", False),
        ("per 1-10-2017", "2017-10-01", False),
        ("373 personen (peildatum 25/10/19)", "2019-10-25", False),
        ("op 1/10/2019 waren er", "2019-10-01", False),
        ("re-integratiebeleid 2016-2020", "2016..2020", False),
        ("the first three quarters of 2024", "2024-Q1..Q3", True),
        ("in 2018 was dat 63.1%", "2018", False),
    ],
)
def test_period_phrases(text: str, period: str, cumulative: bool) -> None:
    found = find_periods(text, reference_year=2023)
    assert found and found[0].period == period and found[0].cumulative is cumulative


def test_relative_year_uses_the_document_year() -> None:
    found = find_periods("de eerste drie kwartalen van het afgelopen jaar", reference_year=2023)
    assert found[0].period == "2022-Q1..Q3"
    assert find_periods("de eerste drie kwartalen van het afgelopen jaar") == []


def test_the_end_of_the_year_is_the_last_day_of_the_year_the_text_is_about() -> None:
    for text in ("what is expected for the end of the year?", "en eind van het jaar?"):
        assert [p.period for p in find_periods(text, default_year=2024)] == ["2024-12-31"]
        assert find_periods(text) == []  # no year to take it from


def test_invalid_dates_are_not_periods() -> None:
    assert all(p.kind != "date" for p in find_periods("31 februari 2024"))
    assert find_periods("zie 12/34/56 en pagina 3/4") == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Hoeveel zijn er in Q3 gestart?", [("Q3", "Q3")]),
        ("in het derde kwartaal", [("het derde kwartaal", "Q3")]),
        (
            "in the second quarter and in quarter 4",
            [("the second quarter", "Q2"), ("quarter 4", "Q4")],
        ),
        ("in Q3 2024", []),  # a quarter with its year is find_periods' full period
        ("het 1e kwartaal van 2023", []),
        ("in 2024", []),
    ],
)
def test_bare_quarters(text: str, found: list[tuple[str, str]]) -> None:
    matches = find_quarters(text)
    assert [(m.text, m.period) for m in matches] == found
    assert all(m.kind == "quarter" and text[m.start : m.end] == m.text for m in matches)


def test_without_periods_blanks_every_period_phrase_in_place() -> None:
    question = "Hoeveel mensen stroomden eind 2016 en in de eerste drie kwartalen van 2024 uit?"
    blanked = without_periods(question)
    assert len(blanked) == len(question)  # offsets stay valid
    assert "2016" not in blanked and "kwartalen" not in blanked and "2024" not in blanked
    assert blanked.split() == ["Hoeveel", "mensen", "stroomden", "en", "in", "uit?"]
