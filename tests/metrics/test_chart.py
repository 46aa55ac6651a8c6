"""Charts draw only what the documents say: one unit per axis, targets never joined to results,
cumulative and reference-date figures apart, titles (not file names) in the legend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from metrics.chart import chart_figure, chart_series, period_position, render_chart

pytestmark = pytest.mark.unit

PROGRAMME = "Uitvoeringsprogramma Enschedese Arbeidsmarkt Aanpak 2025"
LETTER = "Raadsbrief Uitvoeringsprogramma EAA 2023"


def _row(value: float, period: str, kind: str = "result", **extra: Any) -> dict[str, Any]:
    return {
        "subject": "loonkostensubsidie",
        "measure": extra.pop("measure", "lks contracten"),
        "value": value,
        "unit": extra.pop("unit", "count"),
        "period": period,
        "cumulative": extra.pop("cumulative", False),
        "kind": kind,
        "municipality": extra.pop("municipality", "Enschede"),
        "doc_id": extra.pop("doc_id", "001_2e26a5924f710f99"),
        "source": extra.pop("source", "001_2e26a5924f710f99.txt"),
        "title": extra.pop("title", PROGRAMME),
        **extra,
    }


@pytest.fixture
def figures() -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    import matplotlib.pyplot as plt

    for fig in opened:
        plt.close(fig)


def _lines(fig: Any) -> list[Any]:
    return [line for ax in fig.axes for line in ax.get_lines()]


def test_results_and_a_target_are_drawn_apart(figures: list[Any]) -> None:
    rows = pd.DataFrame(
        [
            _row(120, "2022"),
            _row(140, "2023"),
            _row(151, "2024"),
            _row(50, "2025", kind="target"),
            _row(60, "2026", kind="target"),
        ]
    )
    fig = chart_figure(rows, "loonkostensubsidie")
    figures.append(fig)
    lines = _lines(fig)
    drawn = {tuple(line.get_ydata()): line for line in lines}
    results, targets = drawn[(120.0, 140.0, 151.0)], drawn[(50.0, 60.0)]
    assert results.get_linestyle() == "-"  # the results over distinct years are one line
    assert targets.get_linestyle() == "None" and targets.get_marker() == "D"  # markers only
    for line in lines:  # no line that is drawn as a line holds both a result and a target
        if line.get_linestyle() != "None":
            assert not {50.0, 60.0} & set(line.get_ydata())
    labels = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert any("doel" in label for label in labels) and any(
        "resultaat" in label for label in labels
    )


def test_cumulative_and_reference_date_figures_are_their_own_series() -> None:
    rows = pd.DataFrame(
        [
            _row(671, "2024-Q1..Q3", cumulative=True),
            _row(151, "2024-10-01"),
            _row(50, "2025", kind="target"),
            _row(50, "unknown", kind="target"),  # no period: not drawn
        ]
    )
    series = chart_series(rows)
    assert sorted((s.period_type, s.kind, s.points) for s in series) == [
        ("cumulative", "result", (("2024-Q1..Q3", 671.0),)),
        ("date", "result", (("2024-10-01", 151.0),)),
        ("period", "target", (("2025", 50.0),)),
    ]
    assert not any(s.joined for s in series)  # one point each: nothing joins 671, 151 and 50
    assert "cumulatief" in next(s for s in series if s.period_type == "cumulative").label()
    assert "peildatum" in next(s for s in series if s.period_type == "date").label("nl")
    assert "reference date" in next(s for s in series if s.period_type == "date").label("en")


def test_one_unit_per_axis(figures: list[Any]) -> None:
    rows = pd.DataFrame(
        [
            _row(608, "2019", measure="deelnemers"),
            _row(671, "2024", measure="deelnemers"),
            _row(8_600_000, "2024", kind="budget", unit="euro", measure="budget"),
            _row(9_900_000, "2025", kind="budget", unit="euro", measure="budget"),
            _row(57.4, "2022", unit="percent", measure="uitstroom"),
        ]
    )
    fig = chart_figure(rows, "loonkostensubsidie")
    figures.append(fig)
    assert [ax.get_ylabel() for ax in fig.axes] == ["aantal", "euro", "procent"]
    for ax in fig.axes:
        values = {v for line in ax.get_lines() for v in line.get_ydata()}
        assert values in ({608.0, 671.0}, {8_600_000.0, 9_900_000.0}, {57.4})
    euro_ticks = fig.axes[1].yaxis.get_major_formatter()(9_900_000, 0)
    assert euro_ticks == "€ 9,9 mln"  # no shared 1e7 scale


def test_one_line_per_measure_kind_and_municipality() -> None:
    rows = pd.DataFrame(
        [
            _row(10, "2022"),
            _row(12, "2023"),
            _row(8, "2022", municipality="Hengelo", title=LETTER, doc_id="003", source="003.txt"),
            _row(9, "2023", municipality="Hengelo", title=LETTER, doc_id="003", source="003.txt"),
            _row(30, "2023", measure="gestarte contracten"),
            _row(40, "2023", kind="forecast"),
        ]
    )
    series = chart_series(rows)
    keys = sorted((s.measure, s.kind, s.municipality) for s in series)
    assert keys == [
        ("gestarte contracten", "result", "Enschede"),
        ("lks contracten", "forecast", "Enschede"),
        ("lks contracten", "result", "Enschede"),
        ("lks contracten", "result", "Hengelo"),
    ]
    hengelo = next(s for s in series if s.municipality == "Hengelo")
    assert hengelo.joined and hengelo.titles == (LETTER,)
    assert not next(s for s in series if s.kind == "forecast").joined


def test_two_values_for_one_period_are_never_joined() -> None:
    rows = pd.DataFrame([_row(608, "2019"), _row(317, "2019"), _row(400, "2020")])
    (series,) = chart_series(rows)
    assert len(series.points) == 3 and not series.joined


def test_the_legend_names_titles_not_file_names() -> None:
    rows = pd.DataFrame([_row(120, "2022"), _row(140, "2023"), _row(50, "2025", kind="target")])
    svg = render_chart(rows, "loonkostensubsidie", "svg").decode("utf-8")
    assert PROGRAMME in svg and "001_2e26a5924f710f99" not in svg
    assert "doel" in svg and "resultaat" in svg


def test_periods_sort_on_a_time_line() -> None:
    periods = ["2025", "2024-10-01", "2024-Q1..Q3", "2024", "2024-Q3", "2023-H2", "2016..2018"]
    assert sorted(periods, key=period_position) == [
        "2016..2018",
        "2023-H2",
        "2024-Q1..Q3",
        "2024-Q3",
        "2024-10-01",
        "2024",
        "2025",
    ]
