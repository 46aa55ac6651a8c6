"""Metadata inferred from the text: municipality, document type, year, period and title.

Each rule is generic (no file names): counts of municipality mentions, phrases in which a
document names itself ("dit beleidskader"), the year distribution, and period phrases.
The manifest can override every field; inferred fields are flagged in ``meta.inferred``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.periods import find_periods

_VOCAB = Path(__file__).with_name("vocab")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d\d)")
_QUOTED = re.compile(r"[“\"]([A-Z][^”\"\n]{3,60})[”\"]")
_ACRONYM = re.compile(r"((?:[\w-]+\s+){1,6})\(([A-Z]{2,6})\)")
_SPAN_WORDS = ("beleid", "nota", "kader", "programma", "periode", "looptijd", "plan")


def _MUNICIPALITY_NAMES() -> set[str]:
    return {m.name for m in municipalities()}


@dataclass(frozen=True, slots=True)
class Municipality:
    name: str
    forms: tuple[str, ...]
    region: str | None


@lru_cache(maxsize=1)
def municipalities() -> tuple[Municipality, ...]:
    out = []
    for raw in (_VOCAB / "municipalities.txt").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        name, forms, region = [*raw.split("|"), "", ""][:3]
        adjectives = tuple(f for f in forms.split(",") if f)
        out.append(Municipality(name, (name, *adjectives), region or None))
    return tuple(out)


@lru_cache(maxsize=1)
def doc_type_words() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for raw in (_VOCAB / "doc_types.txt").read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            name, words = raw.split("|")
            out[name] = tuple(words.split(","))
    return out


def infer_municipality(text: str) -> str | None:
    """The municipality the document is about: most mentioned, with strong phrases weighted."""
    scores: Counter[str] = Counter()
    for mun in municipalities():
        forms = "|".join(re.escape(f) for f in mun.forms)
        scores[mun.name] += len(re.findall(rf"\b(?:{forms})\b", text))
        strong = rf"(?:gemeente|college van B\s*&\s*W van|Wethouders van|gemeenteraad van)\s+{re.escape(mun.name)}\b"
        scores[mun.name] += 5 * len(re.findall(strong, text, re.IGNORECASE))
    if not scores or scores.most_common(1)[0][1] < 2:
        return None
    return scores.most_common(1)[0][0]


def infer_doc_type(text: str) -> str:
    head = text[:4000]
    if re.search(r"Geachte (?:leden van de (?:gemeente)?raad|voorzitter)", head, re.I):
        return "raadsbrief"
    if re.search(r"\b(?:raadsvoorstel|raadsadvies|beslispunten|besluit\s*:)", text[:12000], re.I):
        return "raadsvoorstel"
    scores: Counter[str] = Counter()
    for doc_type, words in doc_type_words().items():
        pattern = "|".join(re.escape(w) for w in words)
        for m in re.finditer(rf"\b(?:dit|deze)\s+(?:{pattern})\b", text, re.I):
            scores[doc_type] += 3 if m.start() < 5000 else 1
    if scores:
        return scores.most_common(1)[0][0]
    if re.search(r"\bfactsheet\b", head, re.I):
        return "factsheet"
    return "onbekend"


def infer_year(text: str) -> int | None:
    """The latest year named at least 40% as often as the most named year."""
    counts = Counter(int(y) for y in _YEAR.findall(text))
    if not counts:
        return None
    top = counts.most_common(1)[0][1]
    return max(year for year, n in counts.items() if n >= 0.4 * top)


def infer_period(text: str, doc_type: str, year: int | None) -> str | None:
    """The reporting period: a quarter range the document reports on, or its own span."""
    head = text[:6000]
    for match in find_periods(head, reference_year=year):
        if match.cumulative:
            return match.period
    if year is not None:
        early = text[: max(len(text) // 4, 4000)]
        for match in find_periods(early, reference_year=year):
            before = early[max(0, match.start - 30) : match.start].lower().split()
            own_span = bool(before) and (
                before[-1].endswith(_SPAN_WORDS) or before[-1].capitalize() in _MUNICIPALITY_NAMES()
            )
            if match.kind == "range" and own_span:
                first, last = (int(y) for y in match.period.split(".."))
                if first <= year <= last:
                    return match.period
    if doc_type == "beleidskader" and year is not None:
        return f"{year}.."
    return str(year) if year is not None else None


def infer_programme(text: str) -> str | None:
    """The programme or nota the document is about: an acronym like EAA or a quoted title."""
    candidates: Counter[str] = Counter()
    for m in _ACRONYM.finditer(text):
        words, acronym = m.group(1).split(), m.group(2)
        initials = "".join(w[0] for w in words[-len(acronym) :]).upper()
        weight = 1.0 if initials == acronym else 0.2
        if weight:
            early = 10 if initials == acronym and m.start() < len(text) // 10 else 1
            candidates[acronym] = max(
                candidates[acronym],
                int(weight * early * len(re.findall(rf"\b{acronym}\b", text))),
            )
    for m in _QUOTED.finditer(text):
        title = m.group(1).strip()
        if len(title.split()) < 2:
            continue
        early = 10 if m.start() < len(text) // 10 else 1
        count = early * len(re.findall(re.escape(title), text, re.IGNORECASE))
        candidates[title] = max(candidates[title], count)
    return candidates.most_common(1)[0][0] if candidates else None


def infer_title(text: str, doc_type: str, year: int | None) -> str:
    programme = infer_programme(text)
    parts = [doc_type.capitalize() if doc_type != "onbekend" else "Document"]
    if programme:
        parts.append(programme if programme.isupper() else f"“{programme}”")
    if year:
        parts.append(str(year))
    return " ".join(parts)


def infer_metadata(text: str) -> dict[str, object]:
    doc_type = infer_doc_type(text)
    year = infer_year(text)
    return {
        "municipality": infer_municipality(text),
        "doc_type": doc_type,
        "year": year,
        "period": infer_period(text, doc_type, year),
        "title": infer_title(text, doc_type, year),
    }
