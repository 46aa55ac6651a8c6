"""extract_figures: periods from context, kinds, scopes, provenance and the table schema."""

from __future__ import annotations

import pytest

from metrics.extract import extract_figures
from metrics.schema import COLUMNS, KINDS, UNITS, figures_frame
from tests.metrics.documents import by_value, make_doc

pytestmark = pytest.mark.unit


LKS = [
    "RESULTATEN",
    "",
    "De indicator is aangepast naar het aantal ingezette LKS contracten. In de eerste drie",
    "kwartalen van 2024 zien we voor LKS onderstaand resultaat:",
    "",
    "- Totaal LKS contracten: 671",
    "- Aantal lopende contracten: 451",
    "- Gestarte contracten: 220",
    "",
    "12",
]


def test_label_value_list_takes_the_period_of_the_intro_sentence() -> None:
    rows = extract_figures(make_doc(LKS))
    assert [(r["line"], r["value"]) for r in rows] == [(6, 671.0), (7, 451.0), (8, 220.0)]
    for row in rows:
        assert row["period"] == "2024-Q1..Q3"
        assert row["cumulative"] is True
        assert row["period_inferred"] is False
        assert row["kind"] == "result"
        assert row["unit"] == "count"
        assert row["municipality"] == "Enschede"
    assert by_value(rows)[220.0]["measure"] == "gestarte contracten"


def test_page_number_line_is_not_a_figure() -> None:
    rows = extract_figures(make_doc(LKS))
    assert 12.0 not in by_value(rows)


def test_peildatum_heading_applies_to_rows_beneath() -> None:
    doc = make_doc(
        [
            "Aantallen op peildatum 1 oktober 2024",
            "",
            "Jongeren: 340",
            "Statushouders: 300",
        ]
    )
    rows = extract_figures(doc)
    assert {r["value"]: r["period"] for r in rows} == {340.0: "2024-10-01", 300.0: "2024-10-01"}
    assert not any(r["period_inferred"] for r in rows)


def test_period_in_the_sentence_wins_and_fallback_is_marked_inferred() -> None:
    doc = make_doc(
        [
            "Eind september 2024 is 21,29% van ons bestand actief in een traject.",
            "",
            "Er zijn 907 inwoners uit de bijstand gestroomd.",
        ]
    )
    rows = by_value(extract_figures(doc))
    assert rows[21.29]["period"] == "2024-09-30"
    assert rows[21.29]["unit"] == "percent"
    assert rows[21.29]["period_inferred"] is False
    assert rows[907.0]["period"] == "2024-Q1..Q3"
    assert rows[907.0]["period_inferred"] is True


def test_comparison_base_is_not_the_figures_period() -> None:
    rows = extract_figures(make_doc(["Instroom: 1.137 (daling t.o.v. 2022 en 2023)."]))
    assert rows[0]["value"] == 1137.0
    assert rows[0]["period"] not in ("2022", "2023")


def test_kinds_target_result_budget_forecast() -> None:
    doc = make_doc(
        [
            "Daarmee is het doel van 22% voor 2024 bijna behaald.",
            "",
            "In 2024 zijn 220 contracten gestart.",
            "",
            "Voor 2024 is een budget van € 8,6 miljoen beschikbaar.",
            "",
            "Naar verwachting groeit het aantal banen met 0,8% in 2025.",
            "",
            "Daarmee denken we eind 2024 uit te komen op 5.648 uitkeringen.",
        ]
    )
    rows = by_value(extract_figures(doc))
    assert rows[5648.0]["kind"] == "forecast" and rows[5648.0]["period"] == "2024-12-31"
    assert rows[22.0]["kind"] == "target"
    assert rows[220.0]["kind"] == "result"
    assert rows[8_600_000.0]["kind"] == "budget"
    assert rows[8_600_000.0]["unit"] == "euro"
    assert rows[0.8]["kind"] == "forecast"
    assert rows[0.8]["period"] == "2025"


def test_national_and_regional_scope() -> None:
    doc = make_doc(
        [
            "Landelijk zien we een stijging van 0,49% en in Enschede is de stijging 1,14%.",
            "",
            "In Twente groeit de werkgelegenheid met 1,1% in 2025.",
        ]
    )
    rows = by_value(extract_figures(doc))
    assert rows[0.49]["municipality"] == "Nederland"
    assert rows[0.49]["kind"] == "context"
    assert rows[1.14]["municipality"] == "Enschede"
    assert rows[1.1]["municipality"] == "Twente"


def test_a_sentence_referring_back_keeps_the_scope_of_the_one_before() -> None:
    doc = make_doc(
        [
            "In Nederland kregen eind maart 2024 403.000 personen een bijstandsuitkering. Van die",
            "groep zijn er 39.000 personen tussen de 18 en 27 jaar. Begin 2023 waren dit er nog",
            "400.000. In 2024 begeleidden we 250 jongeren naar werk.",
            "",
            "Dit jaar zijn door het Werkplein in onze arbeidsmarktregio 1.193 plaatsingen gerealiseerd.",
        ]
    )
    rows = by_value(extract_figures(doc))
    assert rows[403_000.0]["municipality"] == "Nederland"
    assert rows[39_000.0]["municipality"] == "Nederland"  # "Van die groep ..."
    assert rows[400_000.0]["municipality"] == "Nederland"  # "... waren dit er nog ..."
    assert rows[39_000.0]["kind"] == "context"
    assert rows[250.0]["municipality"] == "Enschede"  # refers back to nothing: its own
    assert rows[1193.0]["municipality"] == "Twente"  # the labour market region


def test_quote_is_verbatim_and_line_is_where_the_number_stands() -> None:
    texts = [
        "Het bijstandsbestand kromp van 6.352 in 2018 naar",
        "5.719 in september 2022. Dat  is   een   mooi resultaat.",
    ]
    doc = make_doc(texts)
    rows = by_value(extract_figures(doc))
    assert rows[6352.0]["line"] == 1
    assert rows[6352.0]["period"] == "2018"
    assert rows[5719.0]["line"] == 2
    assert rows[5719.0]["period"] == "2022-09"
    for row in rows.values():
        source = texts[row["line"] - 1]
        assert row["quote"] and row["quote"] in source
        assert len(row["quote"]) <= 160


def test_table_with_year_columns_and_amount_scale() -> None:
    doc = make_doc(
        [
            "Tabel 13 Aantal deelnames leerroutes, 2022 tot en met 2024",
            "",
            "B1-route 45 165 347",
            "Eindtotaal 62 254 444",
            "",
            "x 1 mln. euro",
            "",
            "Beschikbaar voor arbeidsmarktparticipatie 15,3",
        ]
    )
    rows = extract_figures(doc)
    first = [(r["value"], r["period"]) for r in rows if r["line"] == 3]
    assert first == [(45.0, "2022"), (165.0, "2023"), (347.0, "2024")]
    scaled = [r for r in rows if r["line"] == 8]
    assert [(r["value"], r["unit"]) for r in scaled] == [(15_300_000.0, "euro")]


def test_general_statement_has_no_period() -> None:
    rows = extract_figures(make_doc(["We hebben drie leidende principes geformuleerd."]))
    assert [(r["value"], r["period"], r["kind"]) for r in rows] == [(3.0, "unknown", "context")]


def test_rows_validate_through_the_figures_frame() -> None:
    texts = [*LKS, "", "Landelijk zien we een stijging van 0,49% en in Enschede 1,14%."]
    rows = extract_figures(make_doc(texts))
    for row in rows:
        assert set(row) == set(COLUMNS) - {"figure_id"}
        assert row["unit"] in UNITS and row["kind"] in KINDS
    # the store adds figure_id as doc:line:n, so two figures on one line stay distinct
    with_ids = [
        {**row, "figure_id": f"{row['doc_id']}:{row['line']}:{n}"} for n, row in enumerate(rows)
    ]
    frame = figures_frame(with_ids)
    assert len(frame) == len(rows) == 5
    assert frame["period"].str.match(r"^(unknown|\d{4}.*)$").all()
    assert frame["line"].tolist() == [6, 7, 8, 12, 12]


def test_fallback_without_reporting_period_uses_the_year() -> None:
    rows = extract_figures(make_doc(["Er zijn 907 inwoners uitgestroomd."], period=None))
    assert rows[0]["period"] == "2025"
    assert rows[0]["period_inferred"] is True


def test_an_anaphor_takes_the_subject_of_the_sentence_before() -> None:
    doc = make_doc(
        [
            "De netto participatiegraad moet omhoog.",
            "",
            "In 2018 was dat 63,1%.",
        ]
    )
    (row,) = extract_figures(doc)
    assert row["value"] == 63.1 and row["unit"] == "percent" and row["period"] == "2018"
    assert row["subject"] == "participatiegraad" and row["measure"] == "netto participatiegraad"


def test_a_part_after_the_labelled_total_gets_its_own_measure() -> None:
    doc = make_doc(["Uitstroom: 200 (waarvan onder andere 71 naar werk en 20 naar studie)"])
    rows = by_value(extract_figures(doc))
    assert rows[200.0]["measure"] == "uitstroom"
    assert rows[71.0]["measure"] == "uitstroom naar werk"
    assert rows[20.0]["measure"] == "uitstroom naar studie"


def test_a_numbered_heading_gives_a_subject_without_its_numerals() -> None:
    doc = make_doc(
        [
            "3 Beleidslijnen EAA",
            "",
            "Enschede heeft relatief veel inwoners met een langere afstand tot de arbeidsmarkt",
            "(circa 4100).",
        ]
    )
    (row,) = extract_figures(doc)
    assert row["value"] == 4100.0
    assert row["subject"] == "beleidslijnen eaa"
