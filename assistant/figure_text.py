"""Figure rows as sentences in the question's language (phrases in ``vocab/phrases.toml``)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.figures import row_source
from assistant.language import Language
from assistant.markup import as_text
from assistant.numeric import format_number, format_value
from corpus.synonyms import subject_name
from metrics import share_parts, spelled_figures

_PHRASES = Path(__file__).with_name("vocab") / "phrases.toml"


@lru_cache(maxsize=1)
def _all_phrases() -> dict[str, dict[str, Any]]:
    with _PHRASES.open("rb") as handle:
        return tomllib.load(handle)


def phrases(lang: Language) -> dict[str, Any]:
    return _all_phrases()[lang]


def describe_period(period: str | None, lang: Language) -> str:
    """``2024-Q1..Q3`` -> "de eerste drie kwartalen van 2024" / "the first three quarters of 2024"."""
    p = phrases(lang)
    period = period or "unknown"
    if m := re.fullmatch(r"(\d{4})-Q([1-4])\.\.Q([1-4])", period):
        year, first, last = m.group(1), int(m.group(2)), int(m.group(3))
        if first == 1:
            return str(p["period_quarters"]).format(n=p["numerals"][last - 1], year=year)
        return str(p["period_quarter_range"]).format(
            first=p["ordinals"][first - 1], last=p["ordinals"][last - 1], year=year
        )
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", period):
        return str(p["period_quarter"]).format(
            ordinal=p["ordinals"][int(m.group(2)) - 1], year=m.group(1)
        )
    if m := re.fullmatch(r"(\d{4})-H([12])", period):
        return str(p["period_half"]).format(
            ordinal=p["ordinals"][int(m.group(2)) - 1], year=m.group(1)
        )
    if re.fullmatch(r"\d{4}", period):
        return str(p["period_year"]).format(year=period)
    if m := re.fullmatch(r"(\d{4})\.\.(\d{4})", period):
        return str(p["period_years"]).format(first=m.group(1), last=m.group(2))
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", period)
    if m and 1 <= int(m.group(2)) <= 12:
        month = p["months"][int(m.group(2)) - 1]
        if m.group(3) is None:
            return str(p["period_month"]).format(month=month, year=m.group(1))
        return str(p["period_date"]).format(day=int(m.group(3)), month=month, year=m.group(1))
    if period == "unknown":
        return str(p["period_unknown"])
    return period


def share_forms(row: dict[str, Any]) -> tuple[float, tuple[float, float] | None] | None:
    """A share row's other forms: its percentage, and the two numbers of its row's words
    ("negen van de tien": (9, 10)) when it states them; None for a row that is no share."""
    value = float(row["value"])
    if row.get("unit") != "ratio" or not 0 < value <= 1:
        return None
    return round(value * 100, 2), share_parts(str(row.get("quote") or ""), value)


def describe_value(row: dict[str, Any], lang: Language) -> tuple[str, str]:
    """A row's value and unit label: a share as its words' numbers and percentage ("9 van
    de 10 (90%)", "50%"), other values as ``format_value`` writes them."""
    p = phrases(lang)
    unit = str(row.get("unit") or "other")
    forms = share_forms(row)
    if forms is None:
        return format_value(float(row["value"]), unit, lang), str(p.get(f"unit_{unit}", ""))
    percent = format_value(forms[0], "percent", lang)
    parts = forms[1]
    if parts is None:
        return percent, ""
    share = str(p["share"]).format(
        part=format_number(parts[0], lang), whole=format_number(parts[1], lang)
    )
    return f"{share} ({percent})", ""


SPELLED_MIN = 10  # counts from this on are written in digits beside a quote that spells them


def spelled_note(quote: str, lang: Language) -> str:
    """The counts a quote states in words, in digits (" (in cijfers: vijftig = 50)"); a
    clerk copies figures, not words. Empty when the quote spells none of SPELLED_MIN or more."""
    pairs = [
        f"{raw} = {format_number(value, lang)}"
        for raw, value in spelled_figures(quote)
        if value >= SPELLED_MIN
    ]
    if not pairs:
        return ""
    return " " + str(phrases(lang)["in_digits"]).format(figures="; ".join(dict.fromkeys(pairs)))


def _row_words(row: dict[str, Any], lang: Language) -> dict[str, str]:
    """The words a figure row is told in: measure, subject, municipality, value and unit, the
    period in words, cumulative and kind (the fields of the ``figure`` and ``lead_figure``
    phrases)."""
    p = phrases(lang)
    municipality = row.get("municipality")
    value, unit = describe_value(row, lang)
    return {
        "measure": as_text(str(row.get("measure") or "").strip().rstrip(":") or "-"),
        "subject": as_text(subject_name(str(row.get("subject") or "-"))),
        "where": str(p["where"]).format(municipality=as_text(municipality)) if municipality else "",
        "value": value,
        "unit": unit,
        "period": describe_period(row.get("period"), lang),
        "cumulative": str(p["cumulative"]) if row.get("cumulative") else "",
        "kind": str(p.get(f"kind_{row.get('kind')}", row.get("kind"))),
    }


def describe_row(row: dict[str, Any], cid: str, lang: Language) -> str:
    source = as_text(row_source(row, "en" if lang == "en" else "nl"))
    return str(phrases(lang)["figure"]).format(**_row_words(row, lang), source=source, cid=cid)


def describe_lead(
    row: dict[str, Any], cid: str, lang: Language, measure_words: int | None = None
) -> str:
    """The answer's first sentence for a figure: the number with its unit, what it counts, its
    municipality, its period in words and its kind; the measure cut to ``measure_words``
    words (an ellipsis marks the cut) when given."""
    words = _row_words(row, lang)
    measure = words["measure"].split()
    if measure_words is not None and len(measure) > measure_words:
        words["measure"] = " ".join(measure[:measure_words]) + " …"
    return str(phrases(lang)["lead_figure"]).format(**words, cid=cid)


_CONTEXT = ("where", "period", "kind")  # what several rows of one lead may share


def describe_leads(
    rows: Sequence[tuple[dict[str, Any], str]], lang: Language, measure_words: int | None = None
) -> str:
    """Several figures in one sentence: what they share (municipality, period in words, kind)
    told once, in front; then each row's number with its unit, what it counts, its subject
    and what it does not share, its citation id after the last row of a run that cites the
    same place ("In Enschede, de eerste drie kwartalen van 2024, cumulatief, resultaat: 220
    gestarte contracten (loonkostensubsidie); 451 lopende contracten (loonkostensubsidie)
    [c1].")."""
    p = phrases(lang)
    told = [_row_words(row, lang) for row, _ in rows]
    context = [
        {
            "where": w["where"].strip(),
            "period": f"{w['period']}{w['cumulative']}",
            "kind": w["kind"],
        }
        for w in told
    ]
    shared = [
        key
        for key in _CONTEXT
        if context[0][key] and all(c[key] == context[0][key] for c in context)
    ]
    parts: list[str] = []
    for i, (words, own, (_, cid)) in enumerate(zip(told, context, rows, strict=True)):
        measure = words["measure"].split()
        if measure_words is not None and len(measure) > measure_words:
            words["measure"] = " ".join(measure[:measure_words]) + " …"
        rest = ", ".join(own[key] for key in _CONTEXT if key not in shared and own[key])
        about = f"{words['subject']}; {rest}" if rest else words["subject"]
        part = str(p["lead_figures_row"]).format(**words, about=about)
        if i + 1 == len(rows) or rows[i + 1][1] != cid:
            part = f"{part} [{cid}]"
        parts.append(part)
    front = ", ".join(context[0][key] for key in shared)
    if not front:
        return "; ".join(parts) + "."
    front = front[0].upper() + front[1:]
    return str(p["lead_figures"]).format(shared=front, rows="; ".join(parts))


@dataclass(frozen=True, slots=True)
class Note:
    """What a partial answer lacks: the full note for the answer's body and its short form
    for the lead."""

    text: str
    short: str


def describe_missing(
    reasons: Sequence[str], rows: Sequence[dict[str, Any]], quarter: int | None, lang: Language
) -> list[Note]:
    """What the partial answer lacks, from the reasons of ``metrics.answer_figures``."""
    p = phrases(lang)
    top = rows[0] if rows else {}
    out: list[Note] = []
    for reason in reasons:
        kind = reason.split(":", 1)[0].strip()
        period = describe_period(top.get("period"), lang)
        if kind == "cumulative" and quarter:
            ordinal = p["ordinals"][quarter - 1]
            note = Note(
                str(p["missing_cumulative"]).format(ordinal=ordinal, period=period),
                str(p["short_cumulative"]).format(ordinal=ordinal),
            )
        elif kind == "municipality":
            # the reason names the places the figures are of, the asked one left out
            # ("municipality: no figure for Enschede; the documents give Twente")
            given = reason.partition("the documents give ")[2].strip()
            found = sorted({str(r.get("municipality")) for r in rows if r.get("municipality")})
            where = given or ", ".join(found) or "-"
            note = Note(
                str(p["missing_municipality"]).format(found=where),
                str(p["short_municipality"]).format(found=where),
            )
        elif kind == "kind":
            given_kind = str(p.get(f"kind_{reason.split(':', 1)[1].strip()}", reason))
            note = Note(
                str(p["missing_kind"]).format(found=given_kind),
                str(p["short_kind"]).format(found=given_kind),
            )
        else:
            note = Note(
                str(p["missing_period"]).format(period=period),
                str(p["short_period"]).format(period=period),
            )
        if note not in out:
            out.append(note)
    return out


def describe_scope(
    missing: Sequence[str], found: Mapping[str, str], lang: Language, cid: str = "c1"
) -> list[Note]:
    """The plain-words note for every scope the evidence does not hold (``scope.check``'s
    ``missing`` and ``found``; no numerals)."""
    p = phrases(lang)
    notes = []
    for reason in missing:
        where = found.get(reason, "")
        if reason == "municipality":
            key, values = "municipality", {"found": where}
        elif reason == "level":
            key, values = "level", {"found": where}
        elif reason == "whole_year":
            key, values = "whole_year", {"cid": cid}
        elif reason == "period":
            notes.append(Note(str(p["missing_year"]), str(p["short_year"])))
            continue
        elif reason == "kind":
            kinds = [str(p.get(f"kind_{k.strip()}", k.strip())) for k in where.split(",")]
            key, values = "kind", {"found": ", ".join(kinds)}
        else:
            continue
        notes.append(
            Note(str(p[f"missing_{key}"]).format(**values), str(p[f"short_{key}"]).format(**values))
        )
    return notes


def describe_conflict(rows: Sequence[dict[str, Any]], lang: Language) -> str | None:
    clashing = [r for r in rows if r.get("conflict")]
    if len(clashing) < 2:
        return None
    values = "; ".join(
        f"{format_value(float(r['value']), str(r.get('unit') or 'other'), lang)} "
        f"({row_source(r, 'en' if lang == 'en' else 'nl')})"
        for r in clashing
    )
    return str(phrases(lang)["conflict"]).format(values=values)
