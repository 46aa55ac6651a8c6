"""Charts of figures over periods (PNG or SVG) that draw only what the documents say.

- One axis per unit: counts, euros and percentages never share a scale.
- One series per measure, kind, municipality and kind of period: a figure over a plain period
  (a year, a quarter), a cumulative figure (``2024-Q1..Q3``) and a figure at a reference date
  (``2024-10-01``) are never joined, and neither are two values the documents give for one
  period (the series is then drawn as markers only).
- Targets and forecasts are markers only, never joined to anything.
- The legend names each series with the titles of the documents it comes from.

``chart_series`` builds the typed series (testable without drawing), ``chart_figure`` draws
them with matplotlib, and ``render_chart`` returns the picture's bytes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from corpus import InvalidRequestError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MARKER_KINDS = frozenset({"target", "forecast"})  # what a document wants, not what happened
MAX_SERIES_PER_AXIS = 8
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WORDS = {
    "nl": {
        "count": "aantal",
        "percent": "procent",
        "euro": "euro",
        "ratio": "verhouding",
        "score": "score",
        "other": "overig",
        "result": "resultaat",
        "target": "doel",
        "budget": "budget",
        "forecast": "prognose",
        "context": "context",
        "cumulative": "cumulatief",
        "date": "peildatum",
        "more": "{n} reeks(en) niet getoond",
    },
    "en": {
        "count": "count",
        "percent": "percent",
        "euro": "euro",
        "ratio": "ratio",
        "score": "score",
        "other": "other",
        "result": "result",
        "target": "target",
        "budget": "budget",
        "forecast": "forecast",
        "context": "context",
        "cumulative": "cumulative",
        "date": "reference date",
        "more": "{n} more series not shown",
    },
}


@dataclass(frozen=True, slots=True)
class Series:
    """One line (or set of markers) on one axis."""

    unit: str
    measure: str
    kind: str
    municipality: str
    period_type: str  # period | cumulative | date
    titles: tuple[str, ...]  # the documents the values come from
    points: tuple[tuple[str, float], ...]  # (period, value), in time order

    @property
    def joined(self) -> bool:
        """Drawn as a line: a result, budget or context over distinct periods."""
        periods = [p for p, _ in self.points]
        return (
            self.kind not in MARKER_KINDS and len(periods) > 1 and len(set(periods)) == len(periods)
        )

    def label(self, lang: str = "nl") -> str:
        words = _WORDS.get(lang, _WORDS["nl"])
        what = [words.get(self.kind, self.kind), self.municipality]
        if self.period_type != "period":
            what.append(words[self.period_type])
        titles = "; ".join(_short(t) for t in self.titles)
        return f"{self.measure} ({', '.join(what)})\n{titles}"


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def period_type(period: str, cumulative: bool) -> str:
    if cumulative:
        return "cumulative"
    return "date" if _DATE.match(period) else "period"


def period_position(period: str) -> tuple[float, str]:
    """Where a period ends on a time line: ``2024-Q3`` and ``2024-Q1..Q3`` at the end of Q3,
    ``2024-10-01`` on its day, ``2024`` at the year's end; the text breaks ties."""
    years = re.findall(r"(?:19|20)\d\d", period)
    if not years:
        return (9999.0, period)
    end = period.split("..")[-1] or period
    if date := _DATE.match(end):
        fraction = (int(date[2]) - 1) / 12 + int(date[3]) / 366
    elif quarter := re.search(r"Q([1-4])$", end):
        fraction = int(quarter[1]) / 4
    elif half := re.search(r"H([12])$", end):
        fraction = int(half[1]) / 2
    elif month := re.search(r"\d{4}-(\d{2})$", end):
        fraction = int(month[1]) / 12
    else:
        fraction = 1.0
    return (int(years[-1]) + fraction, period)


def chart_series(rows: pd.DataFrame) -> list[Series]:
    """The series of the rows with a known period (see the module docstring)."""
    known = rows[rows["period"] != "unknown"]
    titles = known["title"] if "title" in known else known["source"]
    frame = known.assign(
        _title=titles.fillna(known["source"]),
        _type=[
            period_type(p, bool(c))
            for p, c in zip(known["period"], known["cumulative"], strict=True)
        ],
    )
    keys = ["unit", "measure", "kind", "municipality", "_type"]
    out = []
    for (unit, measure, kind, municipality, ptype), group in frame.groupby(keys, sort=True):
        pairs = sorted(
            {(str(p), float(v)) for p, v in zip(group["period"], group["value"], strict=True)},
            key=lambda pv: (period_position(pv[0]), pv[1]),
        )
        out.append(
            Series(
                unit=str(unit),
                measure=str(measure),
                kind=str(kind),
                municipality=str(municipality),
                period_type=str(ptype),
                titles=tuple(dict.fromkeys(str(t) for t in group["_title"])),
                points=tuple(pairs),
            )
        )
    return out


def _number(value: float, unit: str) -> str:
    """Dutch figures for the axis and the point labels: 6.143, 21,3%, € 8,6 mln."""
    if unit == "euro" and abs(value) >= 1e6:
        text = f"{value / 1e6:,.2f}".rstrip("0").rstrip(".")
        return "€ " + text.replace(",", "_").replace(".", ",").replace("_", ".") + " mln"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return {"euro": f"€ {text}", "percent": f"{text}%"}.get(unit, text)


def _shown(series: list[Series]) -> list[Series]:
    """The series drawn on one axis: those with the most points, at most MAX_SERIES_PER_AXIS."""
    return sorted(series, key=lambda s: -len(s.points))[:MAX_SERIES_PER_AXIS]


def _draw_axis(ax: Any, series: list[Series], hidden: int, x_of: dict[str, int], lang: str) -> None:
    from matplotlib.ticker import FuncFormatter

    words = _WORDS.get(lang, _WORDS["nl"])
    unit = series[0].unit
    for s in series:
        xs = [x_of[p] for p, _ in s.points]
        ys = [v for _, v in s.points]
        marker = {"cumulative": "s", "date": "^"}.get(s.period_type, "o")
        if s.kind in MARKER_KINDS:
            marker = "D" if s.kind == "target" else "P"
        ax.plot(
            xs,
            ys,
            linestyle=("-" if s.period_type == "period" else "--") if s.joined else "none",
            marker=marker,
            markersize=8 if s.kind in MARKER_KINDS else 6,
            fillstyle="none" if s.kind in MARKER_KINDS else "full",
            label=s.label(lang),
        )
        for x, y in zip(xs, ys, strict=True):
            ax.annotate(
                _number(y, unit),
                (x, y),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=8,
            )
    ax.set_ylabel(words.get(unit, unit))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _number(v, unit)))
    ax.grid(alpha=0.3)
    ax.margins(x=0.08, y=0.2)
    legend = ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if hidden:
        legend.set_title(words["more"].format(n=hidden), prop={"size": 7})


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no display: draw to files only
    import matplotlib.pyplot as plt

    return plt


def chart_figure(rows: pd.DataFrame, title: str, lang: str = "nl") -> Figure:
    """A matplotlib figure with one axis per unit, sharing the time axis."""
    series = chart_series(rows)
    if not series:
        raise InvalidRequestError("no figures with a known period to draw", code="nothing_to_draw")
    plt = _pyplot()
    per_unit: dict[str, list[Series]] = {}
    for s in series:
        per_unit.setdefault(s.unit, []).append(s)
    units = sorted(per_unit, key=lambda u: -sum(len(s.points) for s in per_unit[u]))
    shown = {u: _shown(per_unit[u]) for u in units}
    periods = sorted({p for u in units for s in shown[u] for p, _ in s.points}, key=period_position)
    x_of = {p: i for i, p in enumerate(periods)}
    fig, axes = plt.subplots(
        len(units),
        1,
        figsize=(10, 1.0 + 2.8 * len(units)),
        dpi=110,
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    for ax, unit in zip(axes[:, 0], units, strict=True):
        _draw_axis(ax, shown[unit], len(per_unit[unit]) - len(shown[unit]), x_of, lang)
    axes[-1, 0].set_xticks(range(len(periods)), periods, rotation=30, ha="right")
    fig.suptitle(title[:90])
    return fig


def render_chart(rows: pd.DataFrame, title: str, fmt: str = "png", lang: str = "nl") -> bytes:
    """The chart as PNG or SVG bytes (SVG text stays text, for screen readers and search)."""
    if fmt not in ("png", "svg"):
        raise InvalidRequestError("format must be png or svg", code="invalid_format")
    plt = _pyplot()
    fig = chart_figure(rows, title, lang)
    buffer = io.BytesIO()
    with plt.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format=fmt, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
