"""Period phrases in Dutch and English, normalised.

Normal forms: ``2024``, ``2024-Q3``, ``2024-Q1..Q3`` (cumulative over quarters), a reference
date ``2024-10-01`` and a range of years ``2016..2018``. The vocabulary is ``vocab/periods.toml``.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_VOCAB = Path(__file__).with_name("vocab") / "periods.toml"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d\d)\d?"  # a footnote digit glued to a year is ignored


@dataclass(frozen=True, slots=True)
class PeriodMatch:
    start: int
    end: int
    text: str
    period: str
    cumulative: bool = False
    kind: str = "period"  # period | date | range


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, dict[str, object]]:
    with _VOCAB.open("rb") as handle:
        return tomllib.load(handle)


def _alt(words: object) -> str:
    assert isinstance(words, dict | list)
    keys = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(str(k)) for k in keys)


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    v = vocabulary()
    ordn, cnt, mon = _alt(v["ordinals"]), _alt(v["counts"]), _alt(v["months"])
    rel = _alt(v["relative_years"])
    thru = r"(?:t/m|tot en met|tm|through|to|[-–])"
    year_or_rel = rf"(?:{_YEAR}|(?P<rel>{rel}))"
    quarter = r"(?:kwartaal|kwartalen|quarter|quarters)"
    flags = re.IGNORECASE
    return [
        (
            "qrange",
            re.compile(
                rf"\b(?P<a>{ordn})\s*{thru}\s*(?:het\s+|the\s+)?(?P<b>{ordn})\s+{quarter}"
                rf"(?:\s+(?:van|of|in))?\s+{year_or_rel}",
                flags,
            ),
        ),
        (
            "qfirst",
            re.compile(
                rf"\b(?:de\s+|the\s+)?(?:eerste|first)\s+(?P<n>{cnt})\s+{quarter}"
                rf"(?:\s+(?:van|of|in))?\s+{year_or_rel}",
                flags,
            ),
        ),
        (
            "qthrough",
            re.compile(
                rf"\b(?:tot\s+en\s+met|t/m|up\s+to(?:\s+and\s+including)?)\s+(?:het\s+|the\s+)?"
                rf"(?P<b>{ordn})\s+{quarter}(?:\s+(?:van|of|in))?\s+{year_or_rel}",
                flags,
            ),
        ),
        (
            "qsingle",
            re.compile(
                rf"\b(?:(?:het\s+|the\s+)?(?P<a>{ordn})\s+{quarter}|Q(?P<q>[1-4]))"
                rf"(?:\s+(?:van|of|in))?\s+{year_or_rel}",
                flags,
            ),
        ),
        ("qcode", re.compile(rf"\b{_YEAR}[-\s]?Q(?P<q>[1-4])\b", flags)),
        ("date", re.compile(rf"\b(?P<d>[0-3]?\d)\s+(?P<m>{mon})\.?\s+{_YEAR}", flags)),
        ("numdate", re.compile(r"\b(?P<d>[0-3]?\d)-(?P<m>[01]?\d)-(?P<year>(?:19|20)\d\d)\b")),
        ("monthend", re.compile(rf"\b(?:eind|einde|end\s+of)\s+(?P<m>{mon})\s+{_YEAR}", flags)),
        (
            "yrange",
            re.compile(
                rf"\b(?P<y1>(?:19|20)\d\d)\s*(?:{thru}|tot)\s*(?P<y2>(?:19|20)\d\d)(?!\d)", flags
            ),
        ),
        ("year", re.compile(rf"\b{_YEAR}\b")),
    ]


def _year(match: re.Match[str], reference_year: int | None) -> int | None:
    if match.groupdict().get("year"):
        return int(match.group("year"))
    rel = match.groupdict().get("rel")
    if rel and reference_year is not None:
        offset = vocabulary()["relative_years"][rel.lower()]
        assert isinstance(offset, int)
        return reference_year + offset
    return None


def _ordinal(word: str) -> int:
    value = vocabulary()["ordinals"][word.lower()]
    assert isinstance(value, int)
    return value


def _build(name: str, m: re.Match[str], ref: int | None) -> tuple[str, bool, str] | None:
    """Return (period, cumulative, kind) for one regex match."""
    g = m.groupdict()
    months = vocabulary()["months"]
    if name == "yrange":
        y1, y2 = int(g["y1"]), int(g["y2"])
        return (f"{y1}..{y2}", False, "range") if y1 < y2 <= y1 + 30 else None
    year = _year(m, ref)
    if year is None:
        return None
    if name == "qrange":
        a, b = _ordinal(g["a"]), _ordinal(g["b"])
        return (f"{year}-Q{a}..Q{b}", True, "period") if a < b else None
    if name == "qfirst":
        n = vocabulary()["counts"][g["n"].lower()]
        return (f"{year}-Q1..Q{n}", True, "period")
    if name == "qthrough":
        b = _ordinal(g["b"])
        return (f"{year}-Q1..Q{b}", True, "period") if b > 1 else (f"{year}-Q1", False, "period")
    if name in ("qsingle", "qcode"):
        q = int(g["q"]) if g.get("q") else _ordinal(g["a"])
        return (f"{year}-Q{q}", False, "period")
    if name in ("date", "numdate", "monthend"):
        month_raw = g["m"]
        month = int(month_raw) if month_raw.isdigit() else int(str(months[month_raw.lower()]))
        if not 1 <= month <= 12:
            return None
        day = int(g["d"]) if g.get("d") else calendar.monthrange(year, month)[1]
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
        return (f"{year:04d}-{month:02d}-{day:02d}", False, "date")
    return (str(year), False, "period")


def find_periods(text: str, *, reference_year: int | None = None) -> list[PeriodMatch]:
    """Every period phrase in ``text``, most specific first where phrases overlap."""
    taken: list[tuple[int, int]] = []
    found: list[PeriodMatch] = []
    for name, pattern in _patterns():
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            built = _build(name, m, reference_year)
            if built is None:
                continue
            period, cumulative, kind = built
            taken.append((m.start(), m.end()))
            found.append(PeriodMatch(m.start(), m.end(), m.group(0), period, cumulative, kind))
    return sorted(found, key=lambda p: p.start)


def period_years(period: str) -> tuple[int, int] | None:
    """First and last calendar year a normalised period touches."""
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", period)]
    if not years:
        return None
    return min(years), max(years)
