"""Period phrases in Dutch and English, normalised.

Normal forms: ``2024``, ``2024-Q3``, ``2024-Q1..Q3`` (cumulative over quarters), ``2024-H1``
(a half year), ``2024-09`` (a month), a reference date ``2024-10-01``, a range of years
``2016..2018``, a range of dates or months (``2018-01-01..2018-10-31``; ranges that line up with
quarters or a whole year are written as quarters or the year) and an open period ``2020..``.
The vocabulary is ``vocab/periods.toml``.

Match kinds: ``period``, ``date``, ``range`` (years only), ``daterange``, ``monthrange``, ``open``.
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
    rel, half = _alt(v["relative_years"]), _alt(v["halves"])
    edge, open_from = _alt(v["year_edges"]), _alt(v["open_from"])
    thru = r"(?:t/m|tot en met|tm|through|to|[-–])"
    year_or_rel = rf"(?:{_YEAR}|(?P<rel>{rel}))"
    quarter = r"(?:kwartaal|kwartalen|quarter|quarters)"
    qword = r"(?:kwartaal|quarter|Q)\s*"
    flags = re.IGNORECASE
    return [
        (
            "qnumrange",
            re.compile(
                rf"\b{qword}(?P<a>[1-4])\s*{thru}\s*(?:{qword})?(?P<b>[1-4])"
                rf"(?:\s+(?:van|of|in))?\s+{year_or_rel}",
                flags,
            ),
        ),
        (
            "qthroughnum",
            re.compile(
                rf"\b(?:tot\s+en\s+met|t/m|up\s+to(?:\s+and\s+including)?)\s+{qword}"
                rf"(?P<b>[1-4])(?:\s+(?:van|of|in))?\s+{year_or_rel}",
                flags,
            ),
        ),
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
                rf"\b(?:(?:het\s+|the\s+)?(?P<a>{ordn})\s+{quarter}|Q(?P<q>[1-4])"
                rf"|(?:kwartaal|quarter)\s+(?P<q2>[1-4]))"
                rf"(?:\s+(?:van|of|in))?\s+{year_or_rel}",
                flags,
            ),
        ),
        ("qcode", re.compile(rf"\b{_YEAR}[-\s]?Q(?P<q>[1-4])\b", flags)),
        (
            "half",
            re.compile(
                rf"\b(?:de\s+|the\s+)?(?P<h>{half})\s+(?:helft|halfjaar|half\s+jaar|half)"
                rf"(?:\s+(?:van|of|in))?\s+{year_or_rel}",
                flags,
            ),
        ),
        ("hcode", re.compile(rf"\bH(?P<h1>[12])\s+{_YEAR}\b", flags)),
        ("hcode", re.compile(rf"\b{_YEAR}-H(?P<h2>[12])\b", flags)),
        ("date", re.compile(rf"\b(?P<d>[0-3]?\d)\s+(?P<m>{mon})\.?\s+{_YEAR}", flags)),
        (
            "numdate",
            re.compile(r"\b(?P<d>[0-3]?\d)-(?P<m>[01]?\d)-\s?(?P<year>(?:19|20)\d\d)(?!\d)"),
        ),
        (  # "peildatum 25/10/19", "25/10/2019"
            "numdate",
            re.compile(r"\b(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/(?P<year>(?:19|20)\d\d|\d\d)(?![\d/])"),
        ),
        ("monthend", re.compile(rf"\b(?:eind|einde|end\s+of)\s+(?P<m>{mon})\s+{_YEAR}", flags)),
        (
            "monthend",
            re.compile(
                rf"\b(?:tot\s+en\s+met|t/m|up\s+to\s+and\s+including|through)\s+(?P<m>{mon})"
                rf"\s+{_YEAR}",
                flags,
            ),
        ),
        ("month", re.compile(rf"\b(?P<m>{mon})\.?\s+{_YEAR}(?!\s*[-–]\s*\d)", flags)),
        (
            "monthend_noyear",
            re.compile(rf"\b(?:eind|einde|end\s+of)\s+(?P<m>{mon})\b(?!\.?\s+\d)", flags),
        ),
        (
            "date_noyear",
            re.compile(rf"\b(?P<d>[0-3]?\d)\s+(?P<m>{mon})\b(?!\.?\s+\d)", flags),
        ),
        ("yearedge", re.compile(rf"\b(?P<edge>{edge})\s+{_YEAR}\b", flags)),
        (  # "eind van het jaar", "the end of the year": the year the text is about
            "yearedge_noyear",
            re.compile(
                rf"\b(?P<edge>{edge})\s+(?:van\s+)?(?:het|dit|the|this)\s+(?:jaar|year)\b", flags
            ),
        ),
        (
            "openfrom",
            re.compile(rf"\b(?P<from>{open_from})\s+{_YEAR}\b(?!\s*(?:{thru}|tot))", flags),
        ),
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
        year = int(match.group("year"))
        return 2000 + year if year < 100 else year  # "25/10/19"
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


def _month(raw: str) -> int:
    return int(raw) if raw.isdigit() else int(str(vocabulary()["months"][raw.lower()]))


def _date(year: int, month: int, day: int | None) -> str | None:
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    day = last if day is None else day
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= day <= last else None


def _build(
    name: str, m: re.Match[str], ref: int | None, default_year: int | None = None
) -> tuple[str, bool, str] | None:
    """Return (period, cumulative, kind) for one regex match."""
    g = m.groupdict()
    if name == "yrange":
        y1, y2 = int(g["y1"]), int(g["y2"])
        return (f"{y1}..{y2}", False, "range") if y1 < y2 <= y1 + 30 else None
    if name == "yearedge_noyear":
        if default_year is None:
            return None
        edge = str(vocabulary()["year_edges"][" ".join(g["edge"].lower().split())])
        first_or_last = "01-01" if edge == "start" else "12-31"
        return (f"{default_year}-{first_or_last}", False, "date")
    if name in ("monthend_noyear", "date_noyear"):
        if default_year is None:
            return None
        day = int(g["d"]) if g.get("d") else None
        date = _date(default_year, _month(g["m"]), day)
        return (date, False, "date") if date else None
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
    if name == "qnumrange":
        a, b = int(g["a"]), int(g["b"])
        return (f"{year}-Q{a}..Q{b}", a == 1, "period") if a < b else None
    if name == "qthroughnum":
        b = int(g["b"])
        return (f"{year}-Q1..Q{b}", True, "period") if b > 1 else (f"{year}-Q1", False, "period")
    if name in ("qsingle", "qcode"):
        q = int(g.get("q") or g.get("q2") or 0) or _ordinal(g["a"])
        return (f"{year}-Q{q}", False, "period")
    if name in ("half", "hcode"):
        h = int(g.get("h1") or g.get("h2") or 0) or int(str(vocabulary()["halves"][g["h"].lower()]))
        return (f"{year}-H{h}", False, "period")
    if name == "month":
        month = _month(g["m"])
        return (f"{year:04d}-{month:02d}", False, "period") if 1 <= month <= 12 else None
    if name in ("date", "numdate", "monthend"):
        date = _date(year, _month(g["m"]), int(g["d"]) if g.get("d") else None)
        return (date, False, "date") if date else None
    if name == "yearedge":
        edge = str(vocabulary()["year_edges"][" ".join(g["edge"].lower().split())])
        return (f"{year}-01-01" if edge == "start" else f"{year}-12-31", False, "date")
    if name == "openfrom":
        offset = vocabulary()["open_from"][g["from"].lower()]
        assert isinstance(offset, int)
        return (f"{year + offset}..", False, "open")
    return (str(year), False, "period")


_THROUGH = re.compile(r"^\s*(?:t/m|tot\s+en\s+met|tot|tm|through|to|until|[-–—])\s*$", re.I)
_QUARTER_END = {3: 1, 6: 2, 9: 3, 12: 4}


def _span_name(first: str, last: str) -> tuple[str, bool, str]:
    """A normalised range of two dates or months; quarter-aligned ranges become quarters."""
    if len(first) == 7:  # months: 2019-02..2024-06
        first, last = f"{first}-01", _date(int(last[:4]), int(last[5:7]), None) or last
        if first[:4] != last[:4] or first[5:7] != "01" or int(last[5:7]) not in _QUARTER_END:
            return f"{first[:7]}..{last[:7]}", False, "monthrange"
    y1, m1, d1 = (int(x) for x in first.split("-"))
    y2, m2, d2 = (int(x) for x in last.split("-"))
    quarter_start = d1 == 1 and m1 in (1, 4, 7, 10)
    quarter_end = m2 in _QUARTER_END and d2 == calendar.monthrange(y2, m2)[1]
    if y1 == y2 and quarter_start and quarter_end:
        a, b = (m1 + 2) // 3, _QUARTER_END[m2]
        if a == 1 and b == 4:
            return str(y1), False, "period"
        if a == b:
            return f"{y1}-Q{a}", False, "period"
        return f"{y1}-Q{a}..Q{b}", a == 1, "period"
    return f"{first}..{last}", False, "daterange"


def _merge_ranges(text: str, found: list[PeriodMatch]) -> list[PeriodMatch]:
    """Join ``date t/m date`` and ``month t/m month`` into one range match."""
    out: list[PeriodMatch] = []
    for match in found:
        prev = out[-1] if out else None
        same_shape = (
            prev is not None
            and prev.kind == match.kind
            and (match.kind == "date" or re.fullmatch(r"\d{4}-\d\d", match.period))
            and len(prev.period) == len(match.period)
        )
        if (
            prev is not None
            and same_shape
            and _THROUGH.match(text[prev.end : match.start])
            and prev.period < match.period
        ):
            period, cumulative, kind = _span_name(prev.period, match.period)
            out[-1] = PeriodMatch(
                prev.start, match.end, text[prev.start : match.end], period, cumulative, kind
            )
            continue
        out.append(match)
    return out


def find_periods(
    text: str, *, reference_year: int | None = None, default_year: int | None = None
) -> list[PeriodMatch]:
    """Every period phrase in ``text``, most specific first where phrases overlap.

    ``reference_year`` resolves relative years ("vorig jaar"); ``default_year`` is the year
    assumed for a date without one ("eind september", "op 1 oktober"), which is otherwise
    not a period.
    """
    taken: list[tuple[int, int]] = []
    found: list[PeriodMatch] = []
    for name, pattern in _patterns():
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            built = _build(name, m, reference_year, default_year)
            if built is None:
                continue
            period, cumulative, kind = built
            taken.append((m.start(), m.end()))
            found.append(PeriodMatch(m.start(), m.end(), m.group(0), period, cumulative, kind))
    return _merge_ranges(text, sorted(found, key=lambda p: p.start))


def period_years(period: str) -> tuple[int, int] | None:
    """First and last calendar year a normalised period touches."""
    years = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", period)]
    if not years:
        return None
    return min(years), max(years)


@lru_cache(maxsize=1)
def _bare_quarter() -> re.Pattern[str]:
    ordn = _alt(vocabulary()["ordinals"])
    return re.compile(
        rf"\b(?:(?:het\s+|the\s+)?(?P<a>{ordn})\s+(?:kwartaal|quarter)"
        r"|Q(?P<q>[1-4])|(?:kwartaal|quarter)\s+(?P<q2>[1-4]))\b",
        re.IGNORECASE,
    )


def find_quarters(text: str) -> list[PeriodMatch]:
    """Quarters named without a year ("Q3", "het derde kwartaal"): period ``Q3``, kind
    ``quarter``. A quarter that :func:`find_periods` reads with its year is left out."""
    full = find_periods(text)
    out: list[PeriodMatch] = []
    for m in _bare_quarter().finditer(text):
        if any(m.start() < p.end and p.start < m.end() for p in full):
            continue
        q = int(m.group("q") or m.group("q2") or 0) or _ordinal(m.group("a"))
        out.append(PeriodMatch(m.start(), m.end(), m.group(0), f"Q{q}", False, "quarter"))
    return out


def without_periods(text: str) -> str:
    """``text`` with every period phrase blanked ("Hoeveel ... in de eerste drie kwartalen van
    2024 ...?"): a question's period is matched as a period, not counted as its words."""
    blank = [False] * len(text)
    for found in find_periods(text):
        blank[found.start : found.end] = [True] * (found.end - found.start)
    return "".join(" " if gone else ch for ch, gone in zip(text, blank, strict=True))
