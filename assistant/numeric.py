"""Numbers in answers: Dutch/English formatting, and reading numbers back for grounding.

``6.143``, ``6,143`` and ``6143`` are one number; so are ``21,29`` and ``21.29``. A number is
read as every value it can stand for, and two numbers match when those sets meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.language import Language

NUMBER = re.compile(r"(?<![\w])\d+(?:[.,]\d+)*(?![\w])")
_SCALE_WORDS = {
    "miljoen": 1e6,
    "mln": 1e6,
    "million": 1e6,
    "miljard": 1e9,
    "mld": 1e9,
    "billion": 1e9,
    "duizend": 1e3,
    "thousand": 1e3,
}


# the marks of a language's numerals: (thousands, decimal)
MARKS: dict[Language, tuple[str, str]] = {"nl": (".", ","), "en": (",", ".")}


def read_number(numeral: str, lang: Language) -> float | None:
    """A numeral read with ``lang``'s marks, the inverse of ``format_number``: ``6.143`` and
    ``21,29`` in Dutch, ``6,143`` and ``21.29`` in English (a percent sign left out); None
    when it is no number with those marks."""
    thousands, decimal = MARKS[lang]
    plain = numeral.rstrip("% ").strip().replace(thousands, "").replace(decimal, ".")
    if plain.count(".") > 1 or not plain.replace(".", "").isdigit():
        return None
    return float(plain)


def _group(integer: int, sep: str) -> str:
    return f"{integer:,}".replace(",", sep)


def format_number(value: float, lang: Language, decimals: int | None = None) -> str:
    """``6143`` -> ``6.143`` (nl) / ``6,143`` (en); ``21.29`` -> ``21,29`` / ``21.29``."""
    thousands, decimal = MARKS[lang]
    if decimals is None:
        decimals = 0 if float(value).is_integer() else min(len(repr(float(value)).split(".")[1]), 2)
    text = f"{abs(value):.{decimals}f}"
    whole, _, frac = text.partition(".")
    out = _group(int(whole), thousands) + (decimal + frac if frac else "")
    return ("-" if value < 0 else "") + out


def format_value(value: float, unit: str, lang: Language) -> str:
    """A figure as a reader expects it: ``€ 8,6 miljoen``, ``21,29%``, ``6.143``."""
    if unit == "percent":
        return f"{format_number(value, lang)}%"
    if unit == "euro":
        for scale, nl, en in ((1e9, "miljard", "billion"), (1e6, "miljoen", "million")):
            if abs(value) >= scale:
                short = format_number(round(value / scale, 2), lang)
                return f"€ {short} {nl}" if lang == "nl" else f"€{short} {en}"
        return (
            f"€ {format_number(value, lang)}" if lang == "nl" else f"€{format_number(value, lang)}"
        )
    return format_number(value, lang)


def readings(token: str) -> set[float]:
    """Every value a numeral can stand for, whichever mark groups thousands."""
    out: set[float] = set()
    plain = token.replace(".", "").replace(",", "")
    if plain.isdigit():
        out.add(float(plain))  # both marks as thousands separators
    for decimal in (".", ","):
        other = "," if decimal == "." else "."
        if token.count(decimal) == 1:
            whole, frac = token.split(decimal)
            whole = whole.replace(other, "")
            if whole.isdigit() and frac.isdigit():
                out.add(float(f"{whole}.{frac}"))
    return out


def numbers_in(text: str) -> list[tuple[str, set[float]]]:
    """The numerals of ``text`` with their readings; a scale word after one multiplies it."""
    found = []
    for match in NUMBER.finditer(text):
        values = readings(match.group())
        after = text[match.end() : match.end() + 12].lower().split()
        if after and after[0].strip(".,;:)") in _SCALE_WORDS:
            scale = _SCALE_WORDS[after[0].strip(".,;:)")]
            values |= {v * scale for v in values}
        found.append((match.group(), values))
    return found


def value_pool(texts: Iterable[str], values: Iterable[float] = ()) -> set[float]:
    """All values that numbers in ``texts`` (and the given raw values) can stand for."""
    pool: set[float] = set()
    for text in texts:
        for _, readings_ in numbers_in(text):
            pool |= readings_
    for value in values:
        pool.add(float(value))
        for scale in (1e3, 1e6, 1e9):
            if abs(value) >= scale:
                pool.add(round(value / scale, 2))
                pool.add(round(value / scale, 1))
    return {round(v, 6) for v in pool}


def is_grounded(readings_: set[float], pool: set[float]) -> bool:
    return any(round(v, 6) in pool for v in readings_)
