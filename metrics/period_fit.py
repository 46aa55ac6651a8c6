"""How a figure row's period fits the period a question asks ("2024-Q1..Q3" for "in Q3").

Used by ``metrics.answer_figures`` and by the assistant's figure picking: an exact fit, a near
one (a cumulative figure for one of its quarters, part of an asked year, a reference date) or
another period, each with the reason a ``partial`` answer gives.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metrics.query import FigureQuery


def _period_years(period: str) -> tuple[int, int] | None:
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", period)]
    return (min(years), max(years)) if years else None


def _quarter_span(period: str) -> tuple[int, int] | None:
    m = re.search(r"Q([1-4])(?:\.\.Q([1-4]))?$", period)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or m.group(1))


def period_fit(query: FigureQuery, period: str) -> tuple[str, str | None]:
    """How a row's period fits the asked one: ('exact' | 'near' | 'other', partial reason)."""
    if query.period is None and query.quarter is None:
        return "exact", None
    years = _period_years(period)
    span = _quarter_span(period)
    if (
        query.quarter is not None
        and span is not None
        and (query.year is None or (years and years[0] == query.year))
    ):
        if span == (query.quarter, query.quarter):
            return "exact", None
        if span[0] <= query.quarter <= span[1]:
            return (
                "near",
                f"cumulative: only a figure over Q{span[0]}..Q{span[1]} ({period}) exists, not Q{query.quarter} alone",
            )
    if query.period is not None and period == query.period:
        return "exact", None
    if (
        query.period is not None
        and re.fullmatch(r"\d{4}-\d\d(?:-\d\d)?", query.period)
        and period.startswith(query.period)
    ):
        return "exact", None  # a reference date in the asked month ("eind september 2024")
    if query.year is not None and years is not None:
        plain_year = query.period is not None and re.fullmatch(r"\d{4}", query.period)
        if plain_year and query.quarter is None and years[0] == query.year == years[1]:
            if span is not None and span != (1, 4):  # a part of the year asked as the year
                return (
                    "near",
                    f"period: the figure covers {period}, not the whole year {query.year}",
                )
            if re.fullmatch(r"\d{4}-\d\d(?:-\d\d)?", period):  # a reference date or month
                return "near", f"period: taken on {period}, not over the whole year {query.year}"
            return "exact", None
        if years[0] <= query.year <= years[1]:
            return "near", f"period: the figure covers {period}, not exactly {query.period}"
        return "other", f"period: no figure for {query.period}; nearest is {period}"
    return (
        "other",
        f"period: no figure for {query.period or 'Q' + str(query.quarter)}; nearest is {period}",
    )
