"""General period rules from the text around a figure (metrics.periods_context)."""

from __future__ import annotations

import pytest

from metrics.extract import extract_figures
from metrics.periods_context import change_period, current_year, is_event, named_policy_period
from tests.metrics.documents import by_value, make_doc

pytestmark = pytest.mark.unit


def test_present_tense_gives_the_reporting_year() -> None:
    assert current_year("In Twente werkt momenteel 7 op de 10 inwoners.", 2024) == "2024"
    assert current_year("Net zoals in 2023 heeft ongeveer 60% een lange afstand.", 2024) == "2024"
    assert current_year("Inmiddels zijn 18 plaatsingen gerealiseerd.", 2024) is None
    rows = by_value(
        extract_figures(
            make_doc(
                [
                    "Net zoals in 2023 heeft in Enschede ongeveer 60% van het bestand een lange",
                    "afstand tot de arbeidsmarkt. Meer dan de helft daarvan is ouder dan 55 jaar.",
                ]
            )
        )
    )
    assert rows[60.0]["period"] == "2024"
    assert rows[0.5]["period"] == "2024"  # the next sentence goes on about the present
    assert rows[60.0]["period_inferred"] is False


def test_chapter_naming_a_policy_period_sets_it_for_its_subsections() -> None:
    assert named_policy_period("1. EAA 2016-2018") == "2016..2018"
    assert named_policy_period("Wet inburgering 2021") is None
    rows = by_value(
        extract_figures(
            make_doc(
                [
                    "1. EAA 2016-2018",
                    "",
                    "1 Meer banen creëren",
                    "",
                    "Doelstelling: in drie jaar tijd minimaal vijf nieuwe vestigingen van bedrijven",
                    "van buiten de regio, met additioneel ten minste 150 arbeidsplaatsen.",
                ],
                period="2019..",
                doc_type="beleidskader",
            )
        )
    )
    assert rows[5.0]["period"] == "2016..2018"
    assert rows[150.0]["period"] == "2016..2018"  # a target for the whole policy period
    assert rows[150.0]["kind"] == "target"


def test_table_row_of_the_reporting_year_holds_the_reporting_period() -> None:
    rows = extract_figures(
        make_doc(
            [
                "In- en uitstroom Instroom Uitstroom",
                "",
                "2023 Totaal 1275 1270",
                "",
                "2024 Totaal 1091 945",
            ]
        )
    )
    by = by_value(rows)
    assert by[1275.0]["period"] == "2023"
    assert by[1091.0]["period"] == "2024-Q1..Q3"
    assert by[945.0]["cumulative"] is True


def test_closing_total_states_the_period_of_the_chart_above() -> None:
    rows = by_value(
        extract_figures(
            make_doc(
                [
                    "Uitstroom naar werk",
                    "",
                    "85,43%",
                    "",
                    "14,57%",
                    "",
                    "Totaal uitstroom aantal cliënten naar werk tussen 1-1-2018 t/m 31-10-2018: 755",
                ],
                period="2019-Q1..Q3",
            )
        )
    )
    assert rows[755.0]["period"] == "2018-01-01..2018-10-31"
    assert rows[85.43]["period"] == "2018-01-01..2018-10-31"
    assert rows[14.57]["period_inferred"] is False


def test_parenthesised_date_belongs_to_the_figure_before_it() -> None:
    rows = by_value(
        extract_figures(
            make_doc(
                [
                    "Er is partiële uitstroom, 826 personen (peildatum september 2019) en gemiddeld",
                    "815 personen over de periode 1-1-2019 t/m 30-9-2019.",
                ],
                period="2019-Q1..Q3",
            )
        )
    )
    assert rows[826.0]["period"] == "2019-09"
    assert rows[815.0]["period"] == "2019-Q1..Q3"


def test_a_start_date_is_an_event_not_a_reference_date() -> None:
    assert is_event("per 1-7-2019 is gestart met de pilot", "2019-07-01")
    assert not is_event("Op peildatum 30 september 2024 zijn er 5.687", "2024-09-30")
    assert not is_event("5.719 in september 2022", "2022-09", started=True)
    rows = by_value(
        extract_figures(
            make_doc(
                [
                    "Per 1-7-2019 is gestart met de pilot in de wijk Noord. De pilot wordt",
                    "bemenst door 3 consulenten en heeft de regie over ruim 700 klanten.",
                ],
                period="2019-Q1..Q3",
            )
        )
    )
    assert rows[700.0]["period"] == "2019"


def test_a_change_up_to_the_end_of_the_reporting_period_covers_the_period() -> None:
    assert change_period("In Enschede is de stijging +1,14%", 25, "2024-09-30", "2024-Q1..Q3") == (
        "2024-Q1..Q3"
    )
    level = "Het bestand kromp van 6.352 in 2018 naar 5.719 in september 2022."
    assert change_period(level, level.index("5.719"), "2022-09", "2022-Q1..Q3") is None
    rows = by_value(
        extract_figures(
            make_doc(
                [
                    "Op peildatum 30 september 2024 zijn er 5.687 uitkeringen. In Enschede is de",
                    "stijging +1,14%, landelijk is deze +0,49%.",
                ]
            )
        )
    )
    assert rows[5687.0]["period"] == "2024-09-30"
    assert rows[1.14]["period"] == "2024-Q1..Q3"
    assert rows[0.49]["cumulative"] is True


def test_a_year_in_a_clause_of_cause_is_not_the_figures_period() -> None:
    rows = by_value(
        extract_figures(
            make_doc(
                [
                    "Begin 2019 was er geen aanleiding voor grote wijzigingen. Wel voor een",
                    "verschuiving bij drie van de vier doelstellingen, met name doordat we in 2018",
                    "constateerden dat het bestand veranderde. Verder formuleerden we één nieuwe",
                    "doelstelling.",
                ],
                period="2019..",
                doc_type="beleidskader",
            )
        )
    )
    assert rows[3.0]["period"].startswith("2019")
    assert rows[1.0]["period"].startswith("2019")


def test_an_approximate_amount_of_money_keeps_its_period_and_expected_result_is_forecast() -> None:
    rows = by_value(
        extract_figures(
            make_doc(
                [
                    "BUIG",
                    "",
                    "We verwachten 1,90 miljoen euro over te houden op het BUIG-budget voor 2024.",
                    "Inclusief eigen middelen is het verwachte resultaat bijna 2,25 miljoen euro.",
                ]
            )
        )
    )
    assert rows[2250000.0]["period"] == "2024"
    assert rows[2250000.0]["kind"] == "forecast"
