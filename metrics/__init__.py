"""The metrics layer: every figure in the corpus as a typed table with provenance.

Extraction (``extract_figures``), the Parquet store inside each index version
(``FigureStep``, ``PandasMetricsStore``), question parsing and ranking (``answer_figures``) and
charts (``render_chart``). Numbers are never computed by a language model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from metrics.context import scope_levels
from metrics.period_fit import period_fit
from metrics.query import (
    FigureQuery,
    FigureResult,
    FigureRows,
    answer_figures,
    flag_conflicts,
    parse_question,
)
from metrics.schema import COLUMNS, KINDS, UNITS, empty_frame, figures_frame
from metrics.store import FIGURES_FILE, FigureStep, MetricsStore, PandasMetricsStore
from metrics.vocabulary import municipality_words

if TYPE_CHECKING:
    from corpus import Document


def extract_figures(doc: Document) -> list[dict[str, Any]]:
    """Every figure of a document as a row dict (see ``metrics.extract``)."""
    from metrics.extract import extract_figures as _extract

    return _extract(doc)


def share_parts(text: str, value: float) -> tuple[float, float] | None:
    """The two numbers of a share stated as "negen van de tien" (see ``metrics.numbers``)."""
    from metrics.numbers import share_parts as _parts

    return _parts(text, value)


def stated_units(text: str) -> list[tuple[float, str]]:
    """Every number a text states, with its value and unit (count, percent, euro, ...;
    see ``metrics.numbers.find_numbers``: no years, dates or list numbers)."""
    from metrics.numbers import find_numbers as _find

    return [(m.value, str(m.unit)) for m in _find(text)]


def spelled_figures(text: str) -> list[tuple[str, float]]:
    """The counts a text states in words, with their values (see ``metrics.numbers``)."""
    from metrics.numbers import spelled_figures as _spelled

    return _spelled(text)


def render_chart(rows: Any, title: str, fmt: str = "png", lang: str = "nl") -> bytes:
    """Figures over periods as PNG or SVG: one axis per unit, targets as markers (``metrics.chart``)."""
    from metrics.chart import render_chart as _render

    return _render(rows, title, fmt, lang)


__all__ = [
    "COLUMNS",
    "FIGURES_FILE",
    "KINDS",
    "UNITS",
    "FigureQuery",
    "FigureResult",
    "FigureRows",
    "FigureStep",
    "MetricsStore",
    "PandasMetricsStore",
    "answer_figures",
    "empty_frame",
    "extract_figures",
    "figures_frame",
    "flag_conflicts",
    "municipality_words",
    "parse_question",
    "period_fit",
    "render_chart",
    "scope_levels",
    "share_parts",
    "spelled_figures",
    "stated_units",
]
