"""How a figure row fits a figure question: period, kind, unit and place.

Used by ``assistant.pipeline.figures``; the rules are in its docstring.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

from assistant.pipeline.candidates import Evidence
from corpus import period_years
from metrics import FigureQuery, municipality_words, period_fit, scope_levels, stated_units

KIND_MISMATCH = -1.0  # a budget or forecast where a result was asked (or the other way round)
UNIT_MISMATCH = -1.0  # a count where a percentage was asked, ...
_MONEY_UNITS = ("euro",)
AMOUNT_MIN = 10_000  # a bare number this large in a money question may be an amount
_SHARE_UNITS = ("percent", "ratio")


def part_of_year(query: FigureQuery, period: str) -> bool:
    """A row over part of the plain year asked ("2019-Q1..Q3", "2019-10-01" for "in 2019")."""
    if query.quarter is not None or not re.fullmatch(r"\d{4}", query.period or ""):
        return False
    return period != query.period and period_years(period) == (query.year, query.year)


def other_period(whys: Sequence[str | None]) -> bool:
    return any(w is not None and w.startswith("period: no figure") for w in whys)


def named_year(years: set[int], period: str) -> bool:
    """A one-year row of a year the question names, when it names several."""
    return len(years) > 1 and re.fullmatch(r"\d{4}", period) is not None and int(period) in years


def allowed_kinds(query: FigureQuery) -> tuple[str, ...]:
    if query.kind == "target":  # "... en halen we het doel?" asks the result too
        return ("target", "result", "context")
    if query.kind in ("budget", "forecast"):
        return (query.kind, "result", "context")
    return ("result", "context", "budget", "forecast")


def asks_money(query: FigureQuery) -> bool:
    """A budget asked ("welk bedrag is begroot?"), or money as the subject ("hoeveel budget
    krijgt ...?", "hoeveel BUIG-geld ...?")."""
    return query.kind == "budget" or "budget" in query.subjects


def unit_fit(query: FigureQuery, unit: str, kind: str) -> float:
    if query.wants_percent:
        return 0.0 if unit in _SHARE_UNITS else UNIT_MISMATCH
    if asks_money(query):  # a budget table often gives its amounts without "€"
        return 0.0 if unit in _MONEY_UNITS or kind == "budget" else UNIT_MISMATCH
    if query.wants_count:
        return 0.0 if unit == "count" else UNIT_MISMATCH
    return 0.0


def wrong_unit(query: FigureQuery, unit: str, kind: str, value: float = 0.0) -> bool:
    """A percentage asked and no percentage, a number of things asked ("hoeveel contracten")
    and a percentage or an amount, or money asked and a share, is no answer. Money asked and a
    bare number answers from a budget, or when the number is large enough to be an amount (a
    budget table often gives amounts without "€"), not from a small count of something else
    ("vier netwerkorganisaties")."""
    if query.wants_percent:
        return unit not in _SHARE_UNITS
    if asks_money(query):  # a small bare number outside a budget counts things
        small_count = unit not in _MONEY_UNITS and kind != "budget" and value < AMOUNT_MIN
        return unit in _SHARE_UNITS or small_count
    return query.wants_count and unit in (*_SHARE_UNITS, *_MONEY_UNITS)


def states_unit_asked(query: FigureQuery, text: str, rows: Sequence[dict[str, Any]] = ()) -> bool:
    """Whether ``text`` states a figure of the kind the question asks: a share, an amount or a
    number of things (``wrong_unit``); any figure when it asks none of these. ``rows``, the
    figure rows on the text's lines, count too: they carry what the text does not show (a
    budget table's amounts under "x 1 mln. euro")."""
    return any(not wrong_unit(query, unit, "", value) for value, unit in stated_units(text)) or any(
        not wrong_unit(query, str(r["unit"]), str(r["kind"]), float(r["value"])) for r in rows
    )


def kind_fit(query: FigureQuery, kind: str) -> float:
    wanted = query.kind or "result"
    if wanted == "target" and kind in ("result", "context"):
        return KIND_MISMATCH / 2
    if kind == wanted or (wanted == "result" and kind == "context"):
        return 0.0
    return KIND_MISMATCH


def period_of(
    query: FigureQuery, period: str, years: set[int], whole_year: bool
) -> tuple[str, str | None]:
    """``metrics.period_fit``, but a one-year row of one of several named years ("in 2017 en
    in 2018") and, unless the whole year is asked ("heel 2019"), a row over part of the asked
    year ("in 2019" from a report over its first three quarters) are exact: the row's
    sentence states its period."""
    fit, why = period_fit(query, period)
    if fit != "exact" and named_year(years, period):
        return "exact", None
    if fit == "near" and not whole_year and part_of_year(query, period):
        return "exact", None
    return fit, why


def place_fit(query: FigureQuery, record: dict[str, Any], ev: Evidence | None) -> bool:
    """Whether a row is of the asked place: its municipality, or its passage names the place
    ("het regi- onale project" answers a regional question)."""
    if not query.municipality:
        return True
    own = str(record.get("municipality") or "")
    if own.lower() == query.municipality.lower():
        return True
    if own in scope_levels():  # the sentence itself says whose figure it is: no passage
        return False  # around it makes a national or regional figure the municipality's own
    text = f"{record.get('quote') or ''} {ev.quote if ev is not None else ''}"
    text = re.sub(r"(\w)- (\w)", r"\1\2", text.lower())
    words = municipality_words().get(query.municipality, [query.municipality.lower()])
    return any(re.search(rf"\b{re.escape(w)}", text) for w in words)


def answering(scores: Sequence[Sequence[float]], parts: int, top: int) -> dict[int, int]:
    """Row -> the part of the question it answers, from each row's score per part (-inf: no
    answer to it): each part its own row, so that together they answer the most parts with
    the highest total score ("hoeveel eind september, en wat wordt eind van het jaar
    verwacht?" takes two rows even when one row fits both parts). The ``top`` best rows of
    each part are tried."""
    options = [
        [
            *sorted(
                (i for i, row in enumerate(scores) if row[p] > float("-inf")),
                key=lambda i: -scores[i][p],
            )[:top],
            None,
        ]
        for p in range(parts)
    ]
    best: tuple[int, float] = (0, float("-inf"))
    answers: dict[int, int] = {}
    for rows in itertools.product(*options):
        taken = [i for i in rows if i is not None]
        if len(set(taken)) < len(taken):
            continue
        fit = (len(taken), sum(scores[i][p] for p, i in enumerate(rows) if i is not None))
        if fit > best:
            best, answers = fit, {i: p for p, i in enumerate(rows) if i is not None}
    return answers
