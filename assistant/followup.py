"""Follow-up questions: subject, period and municipality carried over from the turn before.

Deterministic (no language model). A question is read against the previous turn as one of:

* ``new``: no previous turn, or a question with a subject of its own. Asked as it stands.
* ``refine``: only a period, a relative period or a place, perhaps after a marker ("en in
  2022?", "and in Hengelo?", "en het jaar daarvoor?"). The previous resolved question with that
  period or place swapped in; a new year keeps a previous quarter ("Q3" + "2022" = "Q3 2022").
* ``aspect``: a short question with no subject of its own ("wat was het doel?", "hoe werkt
  dat?", "en hoeveel liepen er?"). Asked about the previous subject, place and period.
* ``subject``: a marker and a new subject ("en de preventiequote?"). The new subject in the
  previous place and period.
* ``source``: "waar staat dat?", "bron?". Answered from the previous turn's citations.

Word lists: ``vocab/followups.toml``. Places: the corpus municipality vocabulary. Periods:
``corpus.find_periods`` and ``corpus.find_quarters``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from assistant.conversation import Frame, Turn
from assistant.language import Language, detect_language, word_list
from corpus import PeriodMatch, find_periods, find_quarters, municipalities, period_years
from ingest import SearchFilters
from metrics import parse_question

Kind = Literal["new", "refine", "aspect", "subject", "source"]

_VOCAB = Path(__file__).with_name("vocab") / "followups.toml"
_WORD = re.compile(r"\w[\w'’-]*")
_SUB_YEAR = re.compile(r"\d{4}-[QH\d]")  # a period inside one year: 2024-Q3, 2024-Q1..Q3, 2024-09


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    with _VOCAB.open("rb") as handle:
        return tomllib.load(handle)


def _words(section: str) -> frozenset[str]:
    return frozenset(w.lower() for w in vocabulary()[section]["words"])


@lru_cache(maxsize=1)
def _noise() -> frozenset[str]:
    """Words that never make a subject: function words, question words and fillers."""
    return word_list("nl") | word_list("en") | word_list("stopwords") | _words("fillers")


@lru_cache(maxsize=1)
def _places() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every municipality name and adjective, and the regions, mapped to the name."""
    names: dict[str, str] = {}
    for mun in municipalities():
        names.update({form.lower(): mun.name for form in mun.forms})
        if mun.region:
            names.setdefault(mun.region.lower(), mun.region)
    alternatives = "|".join(re.escape(f) for f in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I), names


def place_spans(text: str) -> list[tuple[int, int, str]]:
    pattern, names = _places()
    return [(m.start(), m.end(), names[m.group(0).lower()]) for m in pattern.finditer(text)]


def period_spans(text: str) -> list[PeriodMatch]:
    """Periods with a year and bare quarters, in text order."""
    return sorted([*find_periods(text), *find_quarters(text)], key=lambda p: p.start)


def _phrase_pattern(phrases: Any) -> re.Pattern[str]:
    keys = sorted((str(k) for k in phrases), key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(k) for k in keys)})(?!\w)", re.I)


def _shifts(text: str) -> list[tuple[int, int, int, int]]:
    """(start, end, years, quarters) of each relative period ("het jaar daarvoor")."""
    v = vocabulary()
    out = []
    for section, unit in (("relative_years", 0), ("relative_quarters", 1)):
        for m in _phrase_pattern(v[section]).finditer(text):
            offset = int(v[section][m.group(0).lower()])
            out.append((m.start(), m.end(), offset if unit == 0 else 0, offset if unit else 0))
    return out


@dataclass(slots=True)
class Resolution:
    """The question to answer, how it was read, and its frame for the next turn."""

    kind: Kind
    question: str
    frame: Frame

    @property
    def follow_up(self) -> bool:
        return self.kind != "new"


@dataclass(slots=True)
class _Parts:
    """A follow-up question taken apart."""

    marker: str
    body: str
    periods: list[PeriodMatch]
    shift: tuple[int, int]
    place: str | None
    words: list[str]  # the words left once periods, places and relative periods are out
    content: list[str] = field(default_factory=list)
    aspects: list[str] = field(default_factory=list)
    anaphora: list[str] = field(default_factory=list)

    @property
    def changes_period(self) -> bool:
        return bool(self.periods) or self.shift != (0, 0)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _split_marker(question: str) -> tuple[str, str]:
    text = question.strip()
    for marker in sorted(_words("markers"), key=len, reverse=True):
        if re.match(rf"{re.escape(marker)}(?!\w)", text, re.I):
            return marker, text[len(marker) :].lstrip(" ,")
    return "", text


def _parse(question: str) -> _Parts:
    marker, body = _split_marker(question)
    periods = period_spans(body)
    shifts = _shifts(body)
    places = place_spans(body)
    spans = [(p.start, p.end) for p in periods]
    spans += [(s[0], s[1]) for s in shifts] + [(p[0], p[1]) for p in places]
    rest = [w.lower() for w in _WORD.findall(_blank(body, spans))]
    anaphora = vocabulary()["anaphora"]
    parts = _Parts(
        marker=marker,
        body=body,
        periods=[p for p in periods if not any(s <= p.start < e for s, e, *_ in shifts)],
        shift=(sum(s[2] for s in shifts), sum(s[3] for s in shifts)),
        place=places[0][2] if places else None,
        words=rest,
    )
    parts.aspects = [w for w in rest if w in _words("aspects")]
    parts.anaphora = [w for w in rest if w in anaphora]
    parts.content = [
        w
        for w in rest
        if w not in _noise() and w not in anaphora and w not in parts.aspects and not w.isdigit()
    ]
    return parts


def is_source_request(question: str) -> bool:
    """A request for the previous answer's sources: "waar staat dat?", "bron?", "where does
    it say that?" (after a marker, with fillers)."""
    _, body = _split_marker(question)
    text = " ".join(_WORD.findall(body.lower()))
    for phrase in vocabulary()["source_requests"]["phrases"]:
        if text == phrase or text.startswith(f"{phrase} "):
            rest = text[len(phrase) :].split()
            if all(w in _noise() for w in rest):
                return True
    return False


def subject_words(text: str) -> list[str]:
    """The words of a question that carry its subject, as written (no periods, places,
    question words, fillers or aspect nouns)."""
    spans = [(p.start, p.end) for p in period_spans(text)]
    spans += [(s[0], s[1]) for s in _shifts(text)] + [(p[0], p[1]) for p in place_spans(text)]
    skip = _noise() | _words("aspects") | frozenset(vocabulary()["anaphora"])
    return [
        w for w in _WORD.findall(_blank(text, spans)) if w.lower() not in skip and not w.isdigit()
    ]


def describe(text: str, filters: dict[str, Any], subject: list[str] | None = None) -> Frame:
    """The frame of a resolved question: its subject words, first period and first place."""
    frame = Frame(subject=subject_words(text) if subject is None else subject, filters=filters)
    found = [p for p in period_spans(text) if p.kind != "quarter"] or period_spans(text)
    if found:
        best = found[0]
        frame.period, frame.period_text = best.period, best.text
        years = period_years(best.period)
        frame.year = years[0] if years else None
        quarter = re.search(r"Q([1-4])$", best.period)
        frame.quarter = int(quarter.group(1)) if quarter and ".." not in best.period else None
    places = place_spans(text)
    frame.municipality = places[0][2] if places else None
    return frame


def resolve_followup(
    question: str, previous: Turn | None, filters: SearchFilters | None = None
) -> Resolution:
    """Read ``question`` against the previous turn of its conversation."""
    asked = (filters or SearchFilters()).as_dict()
    if previous is None:
        return Resolution("new", question, describe(question, asked))
    if is_source_request(question):
        return Resolution("source", previous.resolved_question, previous.frame)
    parts = _parse(question)
    kind = _kind(question, parts)
    carried = asked or _carry_filters(previous.frame.filters, parts)
    if kind == "refine":
        text = _refine(previous, parts)
        return Resolution(kind, text, describe(text, carried, list(previous.frame.subject)))
    if kind in ("aspect", "subject"):
        built = _aspect(previous, parts, question) if kind == "aspect" else parts.body
        if built is not None:
            text = _carry_place_and_period(built, previous.frame, parts)
            subject = list(previous.frame.subject) if kind == "aspect" else None
            return Resolution(kind, text, describe(text, carried, subject))
    return Resolution("new", question, describe(question, asked))


def _kind(question: str, parts: _Parts) -> Kind:
    short = len(_WORD.findall(question)) <= int(vocabulary()["max_words"])
    named = parts.place is not None or parts.changes_period
    if not parts.content and not parts.aspects and not parts.anaphora and (named or parts.marker):
        return "refine"
    if not short:
        return "new"
    if not parts.content or parts.anaphora:
        return "aspect"
    if parts.marker:
        asked = parse_question(" ".join(parts.content))
        only_measures = bool(asked.measures) and not asked.subjects and not asked.free
        return "aspect" if only_measures else "subject"
    return "new"


def _carry_filters(previous: dict[str, Any], parts: _Parts) -> dict[str, Any]:
    """The previous turn's filters, less those the follow-up replaces."""
    carried = dict(previous)
    if parts.place:
        carried.pop("municipality", None)
    if parts.changes_period:
        carried.pop("year", None)
    return carried


# ----- building the resolved question ----------------------------------------------------
def _swap(text: str, spans: list[tuple[int, int]], new: str) -> str:
    """``new`` in place of the first span, the other spans dropped; or ``in new`` at the end."""
    if not spans:
        stem = text.rstrip(" ?!.")
        return f"{stem} in {new}{text[len(stem) :]}"
    out, last = [], 0
    for number, (start, end) in enumerate(sorted(spans)):
        out.append(text[last:start] + (new if number == 0 else ""))
        last = end
    return re.sub(r" {2,}", " ", "".join(out) + text[last:]).replace(" ?", "?")


def _answer_year(previous: Turn) -> int | None:
    """The year the previous answer's first figure is about (when the question named none)."""
    for row in previous.figures:
        years = period_years(str(row.get("period") or ""))
        if years:
            return years[1]
    return None


def _in_year(frame: Frame, year: int) -> str:
    """The previous period moved to ``year``: "Q3" -> "Q3 2022", "de eerste drie kwartalen
    van 2024" -> "de eerste drie kwartalen van 2022", "2024" -> "2022"."""
    text, old = frame.period_text or "", frame.year
    if old and str(old) in text and _SUB_YEAR.match(frame.period or ""):
        return text.replace(str(old), str(year))
    return f"Q{frame.quarter} {year}" if frame.quarter else str(year)


def _new_period(previous: Turn, parts: _Parts) -> str | None:
    frame = previous.frame
    years, quarters = parts.shift
    if parts.shift != (0, 0):
        year = frame.year or _answer_year(previous)
        if quarters and frame.quarter:
            if year is None:
                return f"Q{min(max(frame.quarter + quarters, 1), 4)}"
            year, index = divmod(year * 4 + frame.quarter - 1 + quarters, 4)
            return f"Q{index + 1} {year + years}"
        return _in_year(frame, year + years) if year is not None else None
    full = [p for p in parts.periods if p.kind != "quarter"]
    if full:
        if re.fullmatch(r"\d{4}", full[0].period):
            return _in_year(frame, int(full[0].period))
        return full[0].text
    if parts.periods:  # a bare quarter: in the previous year, if one was asked
        quarter = parts.periods[0].period
        return f"{quarter} {frame.year}" if frame.year else quarter
    return None


def _refine(previous: Turn, parts: _Parts) -> str:
    text = previous.resolved_question
    if parts.place:
        text = _swap(text, [(s, e) for s, e, _ in place_spans(text)], parts.place)
    period = _new_period(previous, parts)
    if period:
        text = _swap(text, [(p.start, p.end) for p in period_spans(text)], period)
    return text


def _aspect(previous: Turn, parts: _Parts, question: str) -> str | None:
    """The follow-up about the previous subject: anaphora replaced, or the subject added."""
    subject = " ".join(previous.frame.subject)
    if not subject:
        return None
    body = parts.body.rstrip(" ?!.")
    for word in parts.anaphora:
        template = str(vocabulary()["anaphora"][word])
        body = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", template, body, count=1, flags=re.I)
        if "{subject}" in template:
            return body.replace("{subject}", subject)
    if not parts.aspects:
        for lead in sorted(_words("subject_after"), key=len, reverse=True):
            found = re.match(rf"{re.escape(lead)}(?!\w)", body, re.I)
            if found:
                return f"{body[: found.end()]} {subject}{body[found.end() :]}"
        return f"{body} {subject}"
    lang: Language = detect_language(question)
    return f"{body} {vocabulary()['connectors'][lang]} {subject}"


def _carry_place_and_period(text: str, frame: Frame, parts: _Parts) -> str:
    text = text.rstrip(" ?!.")
    if parts.place is None and frame.municipality and not place_spans(text):
        text += f" in {frame.municipality}"
    if not parts.changes_period and frame.period_text and not period_spans(text):
        text += f" in {frame.period_text}"
    return f"{text}?"
