"""Stage 5, check scope: does the evidence hold the municipality, level, period and kind asked?

Plain rules over typed fields: the :class:`~assistant.pipeline.question.Question` on one side;
on the other the cited passage's document entry (its municipality and reporting period), the
years its own text names, and the figure rows on its lines (their ``municipality``, ``period``,
``cumulative`` and ``kind`` from the metrics table). A check that is not asked holds.

The status follows: every check holds on the best evidence -> ``answered``; some do not ->
``partial``, and the first line of the answer says which, in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from assistant.language import years_in
from assistant.pipeline.candidates import Evidence
from assistant.pipeline.question import Question
from corpus import period_years
from metrics import scope_levels

OPEN_END = 2100


@dataclass(frozen=True, slots=True)
class Scope:
    """Which of the asked scopes the evidence holds; ``missing`` names those it does not, as
    reason codes (``municipality``, ``level``, ``period``, ``whole_year``, ``quarter``,
    ``kind``), with what the evidence gives instead in ``found``."""

    missing: tuple[str, ...] = ()
    found: Mapping[str, str] = field(default_factory=dict)

    @property
    def holds(self) -> bool:
        return not self.missing


def _covers(period: str | None, year: int) -> bool:
    span = period_years(period or "")
    if span is None:
        return False
    last = OPEN_END if period and period.endswith("..") else span[1]
    return span[0] <= year <= last


def _part_of_year(period: str | None, year: int) -> bool:
    """A period inside one year but not all of it ("2019-Q1..Q3", "2024-H1")."""
    return bool(period) and period_years(period or "") == (year, year) and "-" in str(period)


def _answering_kinds(asked: str | None) -> tuple[str, ...]:
    """The kinds of figure that answer a question asking ``asked`` (None: a result)."""
    if asked in (None, "result"):
        return ("result", "context")
    return (str(asked),)


def _within(period: str, doc_period: str) -> str:
    """A row's period, narrowed to the document's own reporting period when the row names only
    the year and the document reports over part of it (a "2019" result in a report over the
    first three quarters of 2019 is a figure over those quarters)."""
    years = period_years(period)
    if years is None or years[0] != years[1] or period != str(years[0]):
        return period
    return doc_period if _part_of_year(doc_period, years[0]) else period


def rows_on(frame: pd.DataFrame, ev: Evidence) -> list[dict[str, Any]]:
    """The figure rows on a passage's lines (a document's line numbers are unique, so a
    passage that runs on over a page break holds the rows of both pages)."""
    if frame is None or not len(frame):
        return []
    rows = frame[
        (frame["doc_id"] == ev.doc_id)
        & (frame["line"] >= ev.line_start)
        & (frame["line"] <= ev.line_end)
    ]
    return [r for r in rows.to_dict("records")]


def check(
    question: Question,
    ev: Evidence,
    documents: Mapping[str, Mapping[str, Any]],
    rows: Sequence[dict[str, Any]] = (),
) -> Scope:
    """The scope checks of one passage against the question."""
    entry = documents.get(ev.doc_id, {})
    own = str(entry.get("municipality") or "")
    text = f"{ev.context} {ev.quote}"
    low = text.lower()
    missing: list[str] = []
    found: dict[str, str] = {}
    if question.municipality:
        asked = question.municipality.lower()
        if own.lower() != asked and asked not in low:
            missing.append("municipality")
            found["municipality"] = own or "?"
    levels = {str(r.get("municipality")) for r in rows if r.get("municipality")}
    if question.asks_figure and rows:
        if (
            question.municipality
            and question.region is None
            and levels
            and levels <= scope_levels()
        ):
            missing.append("level")
            found["level"] = ", ".join(sorted(levels))
        elif (
            question.region is not None
            and question.region not in levels
            and question.region.lower() not in low
        ):
            missing.append("level")
            found["level"] = ", ".join(sorted(levels)) or own
    asked_years = {int(y) for y in question.period_years}
    doc_period = str(entry.get("period") or "")
    row_periods = [str(r.get("period") or "") for r in rows]
    if question.whole_year:
        year = int(question.whole_year)
        # the whole year must be held by a figure of the kind asked (a target for 2019 is no
        # result over all of 2019); rows of other kinds count only when none is of that kind
        of_kind = [r for r in rows if str(r.get("kind")) in _answering_kinds(question.kind)]
        periods = [_within(str(r.get("period") or ""), doc_period) for r in of_kind or rows] or [
            doc_period
        ]
        if not any(_covers(p, year) and not _part_of_year(p, year) for p in periods):
            missing.append("whole_year")
            found["whole_year"] = next((p for p in periods if _covers(p, year)), doc_period)
    elif asked_years:
        named = {int(y) for y in years_in(ev.quote)}
        periods = row_periods or [doc_period]
        if not (asked_years & named) and not any(
            _covers(p, y) for p in periods for y in asked_years
        ):
            missing.append("period")
            found["period"] = next((p for p in periods if p), "")
    if question.quarter and rows and all(r.get("cumulative") for r in rows):
        missing.append("quarter")
        found["quarter"] = row_periods[0]
    if question.asks_figure and rows:  # a plain "hoeveel ...?" asks a result
        kinds = {str(r.get("kind")) for r in rows}
        if not kinds.intersection(_answering_kinds(question.kind)):
            missing.append("kind")
            found["kind"] = ", ".join(sorted(kinds))
    return Scope(tuple(missing), found)
