"""Year columns: a table header of years, led by the table's label or not, gives each value of
the rows beneath it its column's year; a prose line naming years sets no columns."""

from __future__ import annotations

from typing import Any

import pytest

from metrics.extract import extract_figures
from tests.metrics.documents import by_value, make_doc

pytestmark = pytest.mark.unit

YEARS = ["2012", "2013", "2014", "2015", "2016", "2017"]
BESTAND = [
    "Ontwikkeling bijstandsbestand",
    "",
    "TOTAAL 2012 2013 2014 2015 2016 2017",
    "Beginstand 1.707 1.963 2.118 2.226 2.268 2.376",
    "Eindstand 1.963 2.118 2.226 2.269 2.388 2.377",
]


def _on_line(rows: list[dict[str, Any]], line: int) -> list[dict[str, Any]]:
    return [r for r in rows if r["line"] == line]


def test_a_header_led_by_a_label_gives_each_value_its_columns_year() -> None:
    rows = extract_figures(make_doc(BESTAND, period="2017", doc_type="evaluatie"))
    begin, end = _on_line(rows, 4), _on_line(rows, 5)
    assert [r["value"] for r in begin] == [1707.0, 1963.0, 2118.0, 2226.0, 2268.0, 2376.0]
    assert [r["period"] for r in begin] == YEARS
    assert [r["period"] for r in end] == YEARS
    assert not any(r["period_inferred"] for r in begin + end)
    # 1.963 stands on both rows, in a different column
    assert begin[1]["value"] == 1963.0 and begin[1]["period"] == "2013"
    assert end[0]["value"] == 1963.0 and end[0]["period"] == "2012"
    assert by_value(end)[2388.0]["period"] == "2016"


def test_column_years_well_before_the_reporting_year_are_context() -> None:
    rows = extract_figures(make_doc(BESTAND, period="2017", doc_type="evaluatie"))
    kinds = {r["period"]: r["kind"] for r in _on_line(rows, 5)}
    assert {kinds[y] for y in ("2012", "2013", "2014", "2015")} == {"context"}
    assert kinds["2016"] == "result"
    assert kinds["2017"] == "result"


def test_a_hyphenated_budget_label_leads_a_header_of_years() -> None:
    doc = make_doc(
        ["Re-integratiebudget 2017 2018 2019", "Totaal 3.700.445 3.695.772 3.813.336"],
        period="2019",
        doc_type="raadsbrief",
    )
    rows = by_value(extract_figures(doc))
    assert rows[3700445.0]["period"] == "2017"
    assert rows[3695772.0]["period"] == "2018"
    assert rows[3813336.0]["period"] == "2019"
    assert rows[3700445.0]["kind"] == "context"  # two years before the reporting year
    assert rows[3813336.0]["kind"] == "result"


def test_an_unlabelled_header_of_years_still_sets_columns() -> None:
    doc = make_doc(["2018 2019 2020", "Totaal 410 425 440"], period="2020", doc_type="evaluatie")
    rows = by_value(extract_figures(doc))
    assert [rows[v]["period"] for v in (410.0, 425.0, 440.0)] == ["2018", "2019", "2020"]


@pytest.mark.parametrize(
    "row",
    ["Totaal 1.707 1.963", "Totaal 1.707 1.963 2.118"],
    ids=["as-many-numbers-as-years", "more-numbers-than-years"],
)
def test_a_prose_line_with_years_sets_no_columns(row: str) -> None:
    doc = make_doc(["In 2012 en 2013 groeide het aantal", row], period="2017", doc_type="evaluatie")
    rows = _on_line(extract_figures(doc), 2)
    periods = [r["period"] for r in rows]
    assert len(rows) == len(row.split()) - 1
    assert periods[:2] != ["2012", "2013"]
    # one period for the whole row, not one per column
    assert len(set(periods)) == 1


BUDGET_APPENDIX = [
    "Het programma gaat over de eerste drie kwartalen van 2024 en over de plannen voor 2025.",
    "",
    " BIJLAGE 1. BEGROTING",
    "",
    "Budget:",
    "",
    "Direct Apparaatskosten Totaal",
    "",
    "Bijdrage SW/Beschut werk 2.849 2.849",
    "Totaal Budget: 14.867 13.601 28.467",
    "",
    "OPMAAT",
    "",
    "In 2024 zijn er zeven bijeenkomsten georganiseerd met in totaal 40 deelnemers.",
]


def test_a_programmes_budget_appendix_is_the_programme_years_budget() -> None:
    # a 2025 programme (make_doc: year 2025) reporting over the first quarters of 2024
    rows = by_value(extract_figures(make_doc(BUDGET_APPENDIX, doc_type="uitvoeringsprogramma")))
    total = rows[28467.0]
    # the column header under the appendix heading keeps the heading's kind
    assert total["kind"] == "budget"
    assert total["period"] == "2025"
    assert rows[2849.0]["kind"] == "budget"
    # a heading after the table is a section of its own: its figures are no budget
    assert rows[40.0]["kind"] != "budget"
    assert rows[40.0]["period"] == "2024"


def test_a_number_in_a_rows_label_is_no_figure_and_the_values_keep_their_years() -> None:
    table = [*BESTAND[:3], "Instroom >1 maand 1.006 981 997 911 549 444"]
    rows = _on_line(extract_figures(make_doc(table, period="2017", doc_type="evaluatie")), 4)
    assert [r["value"] for r in rows] == [1006.0, 981.0, 997.0, 911.0, 549.0, 444.0]
    assert [r["period"] for r in rows] == YEARS
