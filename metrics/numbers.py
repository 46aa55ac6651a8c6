"""Figures in Dutch and English text: every number that states a quantity, with its unit.

``find_numbers`` reads one piece of text (a sentence, a paragraph or a table row) and returns
the numbers in it. Dutch formats come first: ``6.143`` is 6143 (a dot followed by three digits
groups thousands), ``21,29%`` is 21.29 percent, ``€ 8,6 miljoen`` is 8.6 million euros. English
``1,234`` and ``12.5%`` are read too. Spelled numbers (``drie``, ``één``), shares (``negen van de
tien``, ``7 op de 10``, ``de helft``) and ranges (``van 40 tot 75``) are figures.

Not figures: years and dates (those are periods, see ``corpus.find_periods``), footnote digits
glued to words or years (``20191``), list and section numbers (``1.``, ``2.4 Uitstroom``),
references (``Figuur 15``, ``artikel 3``), codes (``50/50``, ``B1``), phone numbers, postcodes,
times and ages qualifying a group in parentheses (``(16 tot 27 jaar)``).
The vocabulary is ``vocab/numbers.toml``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from corpus import find_periods
from corpus.periods import vocabulary as period_vocabulary

Unit = str  # count | percent | euro | ratio | score | other
_VOCAB = Path(__file__).with_name("vocab") / "numbers.toml"


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """One figure. ``start:end`` spans the whole expression (``€ 8,6 miljoen``);
    ``num_start:num_end`` spans the digits or the spelled word."""

    start: int
    end: int
    raw: str
    value: float
    unit: Unit
    approx: bool = False
    spelled: bool = False
    num_start: int = 0
    num_end: int = 0
    in_range: bool = False


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    with _VOCAB.open("rb") as handle:
        return tomllib.load(handle)


def _words(words: list[str] | dict[str, Any]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUM = (
    r"(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)"  # 6.143 / 1.234,5
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])"  # 1,234 / 1,234.5 (English)
    r"|\d+(?:[.,]\d+)?)"
)


@lru_cache(maxsize=1)
def _regexes() -> dict[str, re.Pattern[str]]:
    v = vocabulary()
    scale = _words(v["scales"])
    pct = _words([u for u in v["units"]["percent"] if u != "%"])
    months = _words(period_vocabulary()["months"])
    i = re.IGNORECASE
    return {
        "token": re.compile(
            rf"(?P<cur>€\s?|EUR\s)?(?P<sign>(?<![\w.,])[+\-−](?=\d))?{_NUM}(?P<dash>,-{{1,2}}|,—)?"
            rf"(?P<pct>\s?%|\s?(?:{pct})\b)?"
            rf"(?:\s*(?P<scale>{scale})(?![\w]))?(?:\s*(?P<eur>euro|EUR)\b)?",
            i,
        ),
        "spelled": re.compile(rf"(?<![\w-])(?:{_words(v['spelled'])})(?![\w-])", i),
        "fraction": re.compile(rf"(?<![\w-])(?:{_words(v['fractions'])})(?![\w-])", i),
        "approx": re.compile(rf"(?<![\w])(?:{_words(v['approx']['words'])})\s*(?:€\s?)?$", i),
        "reference": re.compile(rf"(?<![\w])(?:{_words(v['references']['words'])})\s*$", i),
        "other_unit": re.compile(
            rf"^\s*(?:extra\s+|volledige\s+)?(?P<u>{_words(v['units']['other'])})\b", i
        ),
        "keer_ratio": re.compile(rf"^\s*(?:{_words(v['units']['ratio_after_keer'])})\b", i),
        "per_ratio": re.compile(
            rf"^\s*(?:[\w-]+\s+){{0,2}}per\s+(?:{_words(v['units']['ratio_per'])})\b", i
        ),
        "score": re.compile(rf"(?<![\w])(?:{_words(v['units']['score'])})", i),
        "age": re.compile(rf"\b(?:{_words(v['age_words']['words'])})\b", i),
        "mask": re.compile(
            r"(?:https?://|www\.)\S+|\S+@\S+\.\w+"  # urls, e-mail
            r"|\b\d{1,2}[:.]\d{2}\s*uur\b|\b\d{1,2}:\d{2}\b"  # times
            r"|\+31[\d\s-]{9,}|\b0\d{2,3}[\s-]?\d{6,7}\b|\b06[\s-]?\d{8}\b"  # phone numbers
            r"|\b0\d{2}[\s-]\d{3}\s\d{2}\s\d{2}\b|\b14\s?0\d{2,3}\b"
            r"|\b[1-9]\d{3}\s?[A-Z]{2}\b(?![\w])"  # postcode
            rf"|\b[0-3]?\d\s+(?:{months})\b",  # day and month without a year
            re.UNICODE,
        ),
        "ages_paren": re.compile(r"\([^()]*\)"),
    }


def _parse(raw: str, decimal_comma_forced: bool) -> float:
    """Read ``6.143`` / ``21,29`` / ``1,234`` / ``12.5`` / ``1.234,5`` as a float."""
    if "," in raw and "." in raw:
        dec = "," if raw.rfind(",") > raw.rfind(".") else "."
        grp = "." if dec == "," else ","
        return float(raw.replace(grp, "").replace(dec, "."))
    if "," in raw:
        groups = raw.split(",")
        if not decimal_comma_forced and len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
            return float(raw.replace(",", ""))  # English thousands
        return float(raw.replace(",", "."))
    if "." in raw:
        groups = raw.split(".")
        if len(groups) > 2 or len(groups[1]) == 3:
            return float(raw.replace(".", ""))  # Dutch thousands
        return float(raw)
    return float(raw)


def _glued(text: str, start: int, end: int) -> bool:
    """Digits glued to letters, codes, footnote marks (``resultaten2``, ``B1``, ``50/50``)."""
    prev = text[start - 1] if start > 0 else " "
    prev2 = text[start - 2] if start > 1 else " "
    nxt = text[end] if end < len(text) else " "
    nxt2 = text[end + 1] if end + 1 < len(text) else " "
    if prev.isalnum() or prev in "_/#@&\\" or (prev in ".,:" and prev2.isdigit()):
        return True
    if prev in '.;”’"?!' and prev2.isalpha():
        return True  # footnote mark after a word: "stegen.8"
    if prev == "-" and prev2.isalpha():
        return True  # COVID-19, mbo-4
    if nxt.isalpha() or (nxt in "/:" and nxt2.isdigit()) or (nxt in ".," and nxt2.isdigit()):
        return True
    return nxt == "-" and nxt2.isalpha()


def _numeric(text: str, masked: list[tuple[int, int]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for m in _regexes()["token"].finditer(text):
        ns, ne = m.span("num")
        unit_marked = bool(m.group("cur") or m.group("pct") or m.group("scale") or m.group("eur"))
        if _glued(text, ns - (1 if m.group("sign") else 0), ne):
            continue
        if re.match(r"0\d", m.group("num")) and not unit_marked:
            continue  # codes and dates: 01, 07
        if not unit_marked and any(s <= ns < e for s, e in masked):
            continue
        raw_num = m.group("num")
        value = _parse(raw_num, bool(m.group("scale") or m.group("pct")))
        if m.group("scale"):
            value *= float(vocabulary()["scales"][m.group("scale").lower()])
        if m.group("sign") in ("-", "−"):
            value = -value
        unit = "count" if "," not in raw_num or value.is_integer() else "other"
        if m.group("pct"):
            unit = "percent"
        elif m.group("cur") or m.group("eur") or m.group("dash"):
            unit = "euro"
        elif m.group("scale") and m.group("scale").lower().startswith(("mln", "mld", "bn")):
            unit = "euro"  # "8,6 mln": abbreviated amounts are money
        end = m.end() if (unit_marked or m.group("dash")) else ne
        integer = not re.search(r"[.,]\d{1,2}$", raw_num) and "," not in raw_num[-3:]
        start = m.start() if m.group("cur") else ns - (1 if m.group("sign") else 0)
        out.append(
            dict(start=start, end=end, value=value, unit=unit, num_start=ns, num_end=ne,
                 spelled=False, marked=unit_marked, integer=integer and value.is_integer(),
                 scaled=bool(m.group("scale")), cur=bool(m.group("cur") or m.group("eur")))
        )  # fmt: skip
    return out


def _spelled(text: str, masked: list[tuple[int, int]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    words = {k.lower(): v for k, v in vocabulary()["spelled"].items()}
    for m in _regexes()["spelled"].finditer(text):
        if any(s <= m.start() < e for s, e in masked):
            continue
        after = text[m.end() : m.end() + 20].lower()
        if m.group(0).lower() in ("één", "eén") and re.match(r"\s+(?:van\s|of\s)", after):
            continue  # "één van de": one of the
        if m.group(0).lower() == "acht" and re.match(r"\s+(?:het|dat|zich)\b", after):
            continue  # the verb
        out.append(
            dict(start=m.start(), end=m.end(), value=float(words[m.group(0).lower()]),
                 unit="count", num_start=m.start(), num_end=m.end(), spelled=True,
                 marked=False, integer=True, scaled=False, cur=False)
        )  # fmt: skip
    return out


def _fractions(text: str) -> list[dict[str, Any]]:
    shares = {k.lower(): v for k, v in vocabulary()["fractions"].items()}
    return [
        dict(start=m.start(), end=m.end(), value=float(shares[m.group(0).lower()]),
             unit="ratio", num_start=m.start(), num_end=m.end(), spelled=True,
             marked=True, integer=False, scaled=False, cur=False)
        for m in _regexes()["fraction"].finditer(text)
    ]  # fmt: skip


def _structural(text: str, c: dict[str, Any]) -> bool:
    """List numbers, section numbers, footnote marks, references and multipliers."""
    line_start = text.rfind("\n", 0, c["start"]) + 1
    before = text[line_start : c["start"]]
    if _regexes()["reference"].search(text[max(0, c["start"] - 30) : c["start"]]):
        return True
    if re.search(r"(?:^|\s)[x×]\s*(?:€\s*)?$", before):
        return True  # "x 1 mln. euro": a multiplier
    if c["marked"] or c["spelled"]:
        return False
    after = text[c["num_end"] : c["num_end"] + 3]
    at_start = re.fullmatch(r"[\s\-–•*(]*", before) is not None
    if at_start and re.match(r"[.)](?:\s|$)", after):
        return True  # "1. Inleiding", "2) ..."
    if (
        at_start
        and re.match(r"\.?\s+[A-Z]", text[c["num_end"] :])
        and (not c["integer"] or c["value"] <= 30)
    ):
        return True  # "2.4 Uitstroom", "1 Meer banen creëren", footnote "5 Arbeidsmarkt..."
    if at_start and re.fullmatch(r"\s*", text[c["num_end"] :]) and c["integer"] and c["value"] < 10:
        return True  # a lone small number: page or line number
    footnote = re.search(r"[.!?][\"”’)]?\s+$", before) and re.match(
        r"\s*(?:$|[A-Z\n])", text[c["end"] :]
    )
    return bool(footnote and c["integer"] and c["value"] <= 30)


def _link(text: str, a: dict[str, Any], b: dict[str, Any]) -> str:
    return text[a["end"] : b["start"]]


def _pairs(text: str, cands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ranges, shares (``7 op de 10``), reference chains and label numbers, pairwise."""
    drop: set[int] = set()
    for i in range(len(cands) - 1):
        a, b = cands[i], cands[i + 1]
        link = _link(text, a, b)
        if a.get("ref") and re.fullmatch(
            r"\s*(?:,|en|of|t/m|tot(?:\s+en\s+met)?|-|–|/|&)\s*", link
        ):
            b["ref"] = True
        if re.fullmatch(r"\s+(?:op|out\s+of)\s+(?:de\s+|the\s+|every\s+)?", link, re.I) or (
            re.fullmatch(r"\s+van\s+de\s+", link, re.I) and b["value"] in (10, 100, 1000)
        ):
            if 0 < a["value"] < b["value"] and a["integer"]:
                a.update(value=a["value"] / b["value"], unit="ratio", end=b["end"], marked=True)
                drop.add(i + 1)
            continue
        if re.fullmatch(r"\s+van\s+de\s+", link, re.I) and b["spelled"]:
            drop.add(i + 1)  # "drie van de vier doelstellingen": three of them
            continue
        dash = re.fullmatch(r"\s*(?:-|–|—|tot(?:\s+en\s+met)?|t/m|à)\s*", link, re.I)
        between = re.fullmatch(r"\s+(?:en|and)\s+", link, re.I) and re.search(
            r"(?:tussen|between)\s+(?:de\s+)?$", text[max(0, a["start"] - 15) : a["start"]], re.I
        )
        if (dash or between) and not a["ref"] and a["value"] < b["value"]:
            a["in_range"] = b["in_range"] = True
            a["partner"] = b
            if not a["marked"] and b["marked"]:
                a["unit"] = b["unit"]
                if b["scaled"] and not a["scaled"]:
                    a["value"] *= b["value"] / max(_unscaled(text, b), 1e-12)
        label = re.fullmatch(r"[^:.;\d]*:\s*", link) and re.search(r"[A-Za-z]", link)
        if label and ":" not in text[: a["start"]].split("\n")[-1] and not a["marked"]:
            drop.add(i)  # "Uitstroom > 12 maanden: 645": the 12 is part of the label
    return [c for i, c in enumerate(cands) if i not in drop and not c.get("ref")]


def _unscaled(text: str, c: dict[str, Any]) -> float:
    raw = text[c["num_start"] : c["num_end"]]
    return _parse(raw, True) if re.fullmatch(r"[\d.,]+", raw) else c["value"]


def _unit(text: str, c: dict[str, Any]) -> str:
    if c["unit"] in ("percent", "euro", "ratio"):
        return str(c["unit"])
    tail_from = c["partner"]["end"] if c.get("partner") else c["end"]
    after = text[tail_from : tail_from + 60]
    r = _regexes()
    unit_word = r["other_unit"].match(after)
    if unit_word:
        if unit_word.group("u").lower() in ("keer", "times"):
            keer_tail = after[unit_word.end() :]
            return "ratio" if r["keer_ratio"].match(keer_tail) else "other"
        return "other"
    if r["per_ratio"].match(after):
        return "ratio"
    before = text[max(0, c["start"] - 50) : c["start"]]
    small = abs(c["value"]) <= 10
    if small and not c["integer"] and re.search(r"(?<!\w)een\s*$", before, re.I):
        return "score"  # "van een 6,8 naar een 7,2"
    if small and r["score"].search(before):
        return "score"
    return str(c["unit"])


def _masked_spans(text: str) -> list[tuple[int, int]]:
    # any reference year will do here: "het afgelopen jaar" is a period, not a figure
    spans = [(p.start, p.end) for p in find_periods(text, reference_year=2000)]
    spans += [m.span() for m in _regexes()["mask"].finditer(text)]
    for m in _regexes()["ages_paren"].finditer(text):
        if _regexes()["age"].search(m.group(0)) and text[: m.start()].strip():
            spans.append(m.span())
    return spans


def find_numbers(text: str) -> list[NumberMatch]:
    """Every figure in ``text``, in order. Lines are separated by ``\\n`` in ``text``."""
    masked = _masked_spans(text)
    cands = sorted(
        _numeric(text, masked) + _spelled(text, masked) + _fractions(text),
        key=lambda c: c["start"],
    )
    cands = [c for c in cands if not any(c is not d and _inside(c, d) for d in cands)]
    for c in cands:
        c["ref"] = _structural(text, c)
    cands = _pairs(text, cands)
    out: list[NumberMatch] = []
    for c in cands:
        approx = bool(_regexes()["approx"].search(text[max(0, c["start"] - 30) : c["start"]]))
        out.append(
            NumberMatch(
                start=c["start"], end=c["end"], raw=text[c["start"] : c["end"]],
                value=round(c["value"], 6), unit=_unit(text, c), approx=approx,
                spelled=c["spelled"], num_start=c["num_start"], num_end=c["num_end"],
                in_range=bool(c.get("in_range")),
            )
        )  # fmt: skip
    return out


def _inside(c: dict[str, Any], d: dict[str, Any]) -> bool:
    """``c`` lies within the longer expression ``d`` (``de helft`` vs a spelled word)."""
    return (
        d["start"] <= c["start"]
        and c["end"] <= d["end"]
        and (d["end"] - d["start"]) > (c["end"] - c["start"])
    )


def with_unit(match: NumberMatch, unit: Unit, factor: float = 1.0) -> NumberMatch:
    """The same figure in another unit, e.g. a table value under ``x 1 mln. euro``."""
    return replace(match, unit=unit, value=round(match.value * factor, 6))


def share_parts(text: str, value: float) -> tuple[float, float] | None:
    """The two numbers of a share of ``value`` stated as "negen van de tien" / "7 op de 10"
    in ``text`` ((9.0, 10.0)), or None when ``text`` states it otherwise ("de helft")."""
    for match in find_numbers(text):
        if match.unit != "ratio" or abs(match.value - value) > 1e-6:
            continue
        parts = sorted(_numeric(match.raw, []) + _spelled(match.raw, []), key=lambda c: c["start"])
        if len(parts) == 2 and parts[1]["value"] and parts[0]["value"] / parts[1]["value"] == value:
            return float(parts[0]["value"]), float(parts[1]["value"])
    return None


SPELLED_KEPT = 4096  # texts whose spelled counts are kept (``spelled_figures``)


def spelled_figures(text: str) -> list[tuple[str, float]]:
    """The counts ``text`` states in words ("vijftig LKS contracten": ("vijftig", 50.0))."""
    return list(_spelled_counts(text))


@lru_cache(maxsize=SPELLED_KEPT)
def _spelled_counts(text: str) -> tuple[tuple[str, float], ...]:
    """``spelled_figures`` of a text, kept: ``find_numbers`` depends on the text alone, and an
    answer reads the same quotes twice (the digits beside a quote, then grounding), questions
    the same passages again and again."""
    return tuple((m.raw, m.value) for m in find_numbers(text) if m.spelled and m.unit == "count")
