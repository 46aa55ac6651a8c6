"""Period rules that read the text around a figure beyond its own sentence.

Helpers for :mod:`metrics.extract`:

* a sentence that speaks of "now" (``momenteel``, ``inmiddels``, ``net zoals in 2023``) states
  its figures for the reporting year;
* a heading that names a policy period (``Doelstellingen EAA 2016-2018``) sets that period for
  its section, even though the years are part of a name;
* a table row for the reporting year in a document that reports on part of that year holds
  the figures up to the end of the reporting period (``2024`` in a Q1..Q3 report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from corpus import PeriodMatch
from metrics.context import context_period, kinds_vocab

if TYPE_CHECKING:
    from corpus import Document
    from metrics.layout import Unit


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _current() -> re.Pattern[str]:
    words = kinds_vocab()["current"]["words"]
    also = r"net\s+(?:als|zoals)\s+(?:in\s+)?(?:19|20)\d\d"  # "net zoals in 2023": also now
    return re.compile(rf"(?<![\w])(?:{_alt(words)}|{also})(?![\w])", re.I)


def current_year(sentence: str, reporting_year: int | None) -> str | None:
    """The reporting year when the sentence speaks of the present ("momenteel", "inmiddels")."""
    if reporting_year is None or not _current().search(sentence):
        return None
    return str(reporting_year)


_RANGE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-–—/]\s*((?:19|20)\d\d)(?!\d)")


def named_policy_period(heading: str) -> str | None:
    """A range of years a heading names as a policy period: ``EAA 2016-2018`` -> ``2016..2018``."""
    m = _RANGE.search(heading)
    if not m:
        return None
    first, last = int(m.group(1)), int(m.group(2))
    if not 0 < last - first <= 10:
        return None
    return f"{first}..{last}"


def partial_year(period: str, reporting: str | None) -> str | None:
    """The reporting period when a table row's year is the year the report covers only in part."""
    if reporting and re.fullmatch(r"\d{4}", period) and reporting.startswith(period + "-"):
        return reporting
    return None


_CHAPTER = re.compile(r"\W*\d{1,2}\.\s+[^\W\d][^.:;!?]{0,60}")


def chapter_period(
    text: str, kind: str, year: int | None
) -> tuple[PeriodMatch | None, str | None] | None:
    """A chapter heading (``1. EAA 2016-2018``): None if ``text`` is none, else the period it
    states and the policy period it names; both hold for its subsections (``1 Meer banen``)."""
    if kind not in ("heading", "item") or not _CHAPTER.fullmatch(text.strip()):
        return None
    named = named_policy_period(text)
    return (None, named) if named else (context_period(text, year), None)


_TOTAL = re.compile(r"\W*(?:totaal|total)\b", re.I)


def total_period(text: str, unit_rows: list[dict[str, Any]], block: list[dict[str, Any]]) -> bool:
    """A total closing a chart or table ("Totaal uitstroom ... tussen 1-1-2018 t/m 31-10-2018:
    755") states the period of the values above it that have none of their own."""
    if not _TOTAL.match(text) or not unit_rows or unit_rows[0]["_via"] != "own":
        return False
    first = unit_rows[0]
    for row in block:
        row.update(period=first["period"], cumulative=first["cumulative"], period_inferred=False)
        row["_via"] = "total"
    return True


_STARTED = re.compile(
    r"(?<![\w])(?:gestart|startte|startten|begonnen|begon|ingegaan|ingevoerd|opgericht"
    r"|gelanceerd|started|launched)(?![\w])",
    re.I,
)


def is_event(sentence: str, period: str, *, started: bool = False) -> bool:
    """A month ("In juli 2019 ...") or a date on which something started ("per 1-7-2019 is
    gestart met de pilot"): when something happened, not a reference date for the figures.
    With ``started`` a month also needs a verb of starting."""
    if not started and re.fullmatch(r"\d{4}-\d\d", period):
        return True
    return bool(re.fullmatch(r"\d{4}-\d\d(?:-\d\d)?", period) and _STARTED.search(sentence))


_CHANGE = re.compile(
    r"(?<![\w])(?:stijging|stijgt|steeg|daling|daalt|daalde|groei|groeit|toename|afname|kromp"
    r"|krimp|(?:minder|meer)\s+dan\s+(?:aan\s+)?(?:het\s+)?begin)(?![\w])",
    re.I,
)
_QUARTER_END = {"Q1": ("03", "31"), "Q2": ("06", "30"), "Q3": ("09", "30"), "Q4": ("12", "31")}


def change_period(sentence: str, start: int, period: str, reporting: str | None) -> str | None:
    """A change ("stijging +1,14%", "187 uitkeringen minder dan aan het begin van dat jaar")
    measured at the end of the reporting period is the change over the reporting period; the
    levels it goes from and to ("kromp van 6.352 naar 5.719") keep their dates."""
    m = re.fullmatch(r"(\d{4})-Q1\.\.(Q[1-4])", reporting or "")
    if not m or not _CHANGE.search(sentence):
        return None
    if re.search(r"(?<![\w])(?:van|naar|tot|from|to)\s*$", sentence[:start], re.I):
        return None
    month, day = _QUARTER_END[m.group(2)]
    end = f"{m.group(1)}-{month}"
    return reporting if period in (end, f"{end}-{day}") else None


@dataclass(slots=True)
class Period:
    period: str
    cumulative: bool
    inferred: bool = False
    via: str = "own"


def from_match(p: PeriodMatch, via: str = "own") -> Period:
    whole = re.fullmatch(r"(\d{4})-Q1\.\.Q4", p.period)  # all four quarters: the year
    if whole:
        return Period(whole.group(1), False, False, via)
    return Period(p.period, p.cumulative, False, via)


def fallback_period(doc: Document) -> Period:
    if doc.meta.period and re.match(r"^\d{4}", doc.meta.period):
        cumulative = ".." in doc.meta.period and "Q1" in doc.meta.period
        return Period(doc.meta.period, cumulative, True, "fallback")
    if doc.meta.year:
        return Period(str(doc.meta.year), False, True, "fallback")
    return Period("unknown", False, True, "fallback")


def refine(period: Period, doc: Document) -> Period:
    """A section's plain year that holds the reporting period: the reporting period is meant."""
    reporting = doc.meta.period or ""
    if re.fullmatch(r"\d{4}", period.period) and reporting.startswith(period.period + "-"):
        return Period(reporting, "Q1.." in reporting, False, period.via + "+refined")
    return period


def year_of(period: Period) -> Period:
    if re.fullmatch(r"\d{4}\.\.\d{4}", period.period):
        return period  # a target for a policy period of several years
    m = re.match(r"(\d{4})", period.period)
    return Period(m.group(1), False, period.inferred, period.via) if m else period


def reporting_year(doc: Document) -> int | None:
    """The year the document reports on (its period's first year), else its own year."""
    m = re.match(r"(\d{4})", doc.meta.period or "")
    return int(m.group(1)) if m else doc.meta.year


def partial(period: Period, unit: Unit, doc: Document) -> Period:
    """A table row's reporting year in a report on part of that year: the reporting period."""
    if unit.kind not in ("row", "lone") or period.via not in ("own", "rowgroup"):
        return period
    reporting = partial_year(period.period, doc.meta.period)
    if reporting is None:
        return period
    return Period(reporting, "Q1.." in reporting, False, period.via + "+partial")
