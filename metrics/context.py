"""Context of a figure: its sentence, period, kind, scope (municipality) and labels.

Helpers for :mod:`metrics.extract`. Every rule is generic and driven by the vocabularies in
``metrics/vocab/kinds.toml``, ``metrics/vocab/scopes.toml``, ``corpus/vocab/periods.toml`` and
``corpus/vocab/synonyms.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from corpus import PeriodMatch, find_periods
from corpus.synonyms import synonym_groups
from metrics.vocabulary import label_stopwords

_VOCAB = Path(__file__).with_name("vocab")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(\"“‘-])|\n")


@lru_cache(maxsize=4)
def _toml(name: str) -> dict[str, Any]:
    with (_VOCAB / name).open("rb") as handle:
        return tomllib.load(handle)


def kinds_vocab() -> dict[str, Any]:
    return _toml("kinds.toml")


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _kind_cues() -> list[tuple[str, re.Pattern[str]]]:
    cues = kinds_vocab()["cues"]
    return [
        (kind, re.compile(rf"(?<![\w])(?:{_alt(cues[kind])})", re.I))
        for kind in kinds_vocab()["priority"]
    ]


@lru_cache(maxsize=1)
def _heading_cues() -> list[tuple[str, re.Pattern[str]]]:
    heads = kinds_vocab()["headings"]
    lead = r"^\W*(?:(?:bijlage|appendix|annex)\s*\d*\W*)?"
    return [
        (kind, re.compile(rf"{lead}(?:{_alt(words)})\b", re.I)) for kind, words in heads.items()
    ]


@lru_cache(maxsize=1)
def _comparison() -> re.Pattern[str]:
    words = kinds_vocab()["comparison"]["words"]
    return re.compile(
        rf"(?<![\w])(?:{_alt(words)})(?:\s+(?:de|het|in|eind|begin|[a-z]+\s+van))?\s*$", re.I
    )


@lru_cache(maxsize=1)
def _intro() -> re.Pattern[str]:
    return re.compile(rf"(?<![\w])(?:{_alt(kinds_vocab()['intro']['words'])})\b", re.I)


@lru_cache(maxsize=1)
def _scopes() -> list[tuple[str, re.Pattern[str]]]:
    scopes = _toml("scopes.toml")["scopes"]
    out = []
    for name, words in scopes.items():
        lower = [w for w in words if not w[:1].isupper()]
        upper = [w for w in words if w[:1].isupper()]
        parts = []
        if lower:
            parts.append(rf"(?i:(?<![\w-])(?:{_alt(lower)})(?![\w]))")
        if upper:
            parts.append(rf"(?<![\w-])(?:{_alt(upper)})(?![\w])")
        out.append((name, re.compile("|".join(parts))))
    return out


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """Split a unit's text into sentences (and list lines), keeping offsets."""
    out: list[Sentence] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > pos:
            out.append(Sentence(pos, m.start(), text[pos : m.start()]))
        pos = m.end()
    if pos < len(text):
        out.append(Sentence(pos, len(text), text[pos:]))
    return out


def periods_in(text: str, year: int | None) -> list[PeriodMatch]:
    """Periods that can be the period of a figure (not a comparison base such as ``t.o.v. 2018``)."""
    out: list[PeriodMatch] = []
    previous: PeriodMatch | None = None
    compared = False
    for p in find_periods(text, reference_year=year, default_year=year):
        chained = (
            compared
            and previous is not None
            and re.fullmatch(r"\s*(?:,|en|of|and|or)\s*", text[previous.end : p.start])
        )
        compared = bool(chained) or bool(_comparison().search(text[max(0, p.start - 25) : p.start]))
        previous = p
        if p.kind != "open" and not compared and not _named(text, p):
            out.append(p)
    return out


def _distance(text: str, p: PeriodMatch, start: int, end: int) -> float | None:
    """How far a period is from a figure; "0,8% in 2025" binds tighter than "in 2024 ... 0,8%"."""
    if p.end <= start:
        between = text[p.end : start]
        dist = float(len(between))
        closed = re.match(r"\s*\)\s*,?\s*(?:en|of|maar|and)\b", between)
        if closed and "(" in text[max(0, p.start - 30) : p.start]:
            dist += 60  # "826 personen (peildatum september 2019)": the figure before it
    elif p.start >= end:
        between = text[end : p.start]
        dist = float(len(between))
        if re.fullmatch(
            r"\s*(?:[%)]\s*)?(?:in|voor|op|per|tot|over|eind|in\s+het|in\s+de)?\s*", between
        ):
            dist *= 0.5
    else:
        return None
    conjunction = re.search(r"[;:]|\b(?:en|and|terwijl|maar)\b", between)
    if p.start >= end and _SUBORDINATE.search(between):
        return None  # "..., met name doordat we in 2018 constateerden": the clause's own year
    if conjunction and (dist > 40 or p.start >= end):
        dist += 60  # the period belongs to the next clause
    return dist


def own_period(
    text: str,
    start: int,
    end: int,
    year: int | None,
    others: Sequence[tuple[int, int]] = (),
) -> PeriodMatch | None:
    """The period nearest to the figure at ``start:end`` within its sentence ``text``.

    A period that lies nearer to one of the ``others`` figures belongs to that figure.
    """
    best: tuple[float, PeriodMatch] | None = None
    for p in periods_in(text, year):
        dist = _distance(text, p, start, end)
        if dist is None:
            continue
        rivals = [_distance(text, p, s, e) for s, e in others if (s, e) != (start, end)]
        if any(r is not None and r < dist for r in rivals):
            dist += 100
        if best is None or dist < best[0]:
            best = (dist, p)
    return best[1] if best else None


_NAMED = re.compile(
    r"(?<![.!?]\s)(?<!^)\b[A-Z][\w-]*\s+(?:(?!(?:in|voor|van|tot|op|per|sinds|na|en|of|t/m|eind|begin)\b)"
    r"[a-z][\w-]*\s+)?$"
)


def _named(text: str, p: PeriodMatch) -> bool:
    """A year in a name: "Wet inburgering 2021", "Centraal Economisch Plan 2024", "EAA 2016-2018"."""
    if not re.fullmatch(r"[\d\s\-–]+", p.text):
        return False
    return bool(_NAMED.search(text[max(0, p.start - 40) : p.start]))


_SUBORDINATE = re.compile(r"\b(?:doordat|omdat|nadat|aangezien|because)\b", re.I)


def _subordinate(text: str, p: PeriodMatch) -> bool:
    """A period in a clause of cause or sequence ("doordat we in 2018 constateerden")."""
    clause = re.split(r"[,;:]", text[: p.start])[-1]
    return bool(_SUBORDINATE.search(clause))


def context_period(text: str, year: int | None) -> PeriodMatch | None:
    """The last period a sentence states for what follows (``In de eerste drie kwartalen...``),
    leaving out a period in a clause of cause or sequence."""
    found = [p for p in periods_in(text, year) if not _subordinate(text, p)]
    return found[-1] if found else None


def is_intro(text: str) -> bool:
    return bool(_intro().search(text)) or text.rstrip().endswith(":")


def _nearest_cue(text: str, start: int, end: int, skip: tuple[str, ...] = ()) -> str | None:
    best: tuple[int, int, str] | None = None
    for rank, (kind, pattern) in enumerate(_kind_cues()):
        if kind in skip:
            continue
        for m in pattern.finditer(text):
            dist = start - m.end() if m.end() <= start else m.start() - end
            if dist < 0 or (m.start() >= end and _counted(text[end : m.start()])):
                continue  # "vier doelstellingen": the goals are what is counted
            key = (dist, rank, kind)
            if best is None or key < best:
                best = key
    return best[2] if best else None


def _counted(between: str) -> bool:
    """The cue word is the noun the number counts (at most one adjective in between)."""
    return bool(re.fullmatch(r"\s*(?:[^\W\d_]+\s+)?", between))


def kind_of(
    sentence: str, start: int, end: int, heading_kind: str | None, unit: str = "count"
) -> str | None:
    """The kind a cue word in the sentence (nearest wins) or the section heading gives.

    A sentence led by a cue label (``Doelstelling: ...``) is of that kind; budget cues only
    make amounts of money budgets.
    """
    label = re.match(r"\W*([^\W\d_]+)\s*:", sentence)
    if label:
        for kind, pattern in _kind_cues():
            if pattern.match(label.group(1)):
                return kind
    if _past_aside(sentence, start, end):  # "streven naar 6.384 (in 2018 was dat 6.596)"
        return "context"
    skip = () if unit == "euro" else ("budget",)
    modified = _MODIFIED.search(sentence)
    if modified:  # "het verwachte resultaat": the expectation, not a result
        for kind, pattern in _kind_cues():
            if kind not in skip and pattern.fullmatch(modified.group(1)):
                return kind
    return _nearest_cue(sentence, start, end, skip) or heading_kind


_PAST = re.compile(r"(?<![\w])(?:was|waren|bedroeg|bedroegen|lag|lagen)(?![\w])", re.I)


def _past_aside(sentence: str, start: int, end: int) -> bool:
    """The figure stands in a parenthesis that states a past value: a comparison, not a cue."""
    opened = sentence.rfind("(", 0, start)
    if opened < 0 or ")" in sentence[opened:start]:
        return False
    closed = sentence.find(")", end)
    return bool(_PAST.search(sentence[opened : closed if closed >= 0 else len(sentence)]))


_MODIFIED = re.compile(
    r"(?<![\w])(verwachte|geraamde|veronderstelde|beoogde|begrote)\s+(?:resulta|realisatie)", re.I
)


def heading_kind(text: str) -> str | None:
    for kind, pattern in _heading_cues():
        if pattern.search(text):
            return kind
    return None


@lru_cache(maxsize=64)
def _home_pattern(home: str) -> re.Pattern[str]:
    """The document's own municipality named as a word ("Enschede", not "Enschedese")."""
    return re.compile(rf"(?<![\w-]){re.escape(home)}(?![\w])")


def scope_of(text: str, start: int, end: int, home: str | None = None) -> str | None:
    """A regional or national scope named in the clause around the figure (None: ``home``)."""
    best: tuple[int, str] | None = None
    scopes = list(_scopes())
    if home:
        scopes.append(("", _home_pattern(home)))
    for name, pattern in scopes:
        for m in pattern.finditer(text):
            if m.end() <= start:
                between = text[m.end() : start]
            elif m.start() >= end:
                between = text[end : m.start()]
            else:
                continue
            if re.search(r"[;]|\b(?:en|and)\s+(?:in|bij|voor)\b", between):
                continue  # another clause with its own scope ("landelijk ... en in Enschede")
            if best is None or len(between) < best[0]:
                best = (len(between), name)
    return (best[1] or None) if best else None


@lru_cache(maxsize=1)
def scope_levels() -> frozenset[str]:
    """The scopes above a municipality that a figure can have: the region, the country, the
    reference municipalities (the names of ``scopes.toml``)."""
    return frozenset(_toml("scopes.toml")["scopes"])


@lru_cache(maxsize=1)
def _refers_back() -> re.Pattern[str]:
    words = _toml("scopes.toml")["refers_back"]["words"]
    return re.compile(rf"(?<![\w])(?:{_alt(words)})(?![\w])", re.I)


def _named_scope(text: str, home: str | None) -> str | None:
    """The one scope a sentence names: a region or the country (its name), the document's own
    municipality or several at once ("": its own figures, nothing to carry on), or None."""
    named = {name for name, pattern in _scopes() if pattern.search(text)}
    if home and _home_pattern(home).search(text):
        return ""
    return next(iter(named)) if len(named) == 1 else ("" if named else None)


def carried_scopes(sents: Sequence[Sentence], home: str | None = None) -> list[str | None]:
    """Per sentence, the scope a figure in it has when the sentence names none itself but
    refers back to the one before ("In Nederland kregen 403.000 personen een uitkering. Van
    die groep zijn er 39.000 tussen de 18 en 27 jaar."): the previous sentence's scope, carried
    on as long as each next sentence refers back; None otherwise (the document's own)."""
    out: list[str | None] = []
    carried: str | None = None
    for sent in sents:
        own = _named_scope(sent.text, home)
        if own is not None:
            carried = own or None
            out.append(None)
            continue
        carried = carried if _refers_back().search(sent.text) else None
        out.append(carried)
    return out


def subject_of(text: str, fallback: str, pos: int | None = None) -> str:
    """The canonical subject (synonym group) named nearest to ``pos`` in ``text``."""
    low = text.lower()
    best: tuple[int, str] | None = None
    for name, terms in synonym_groups().get("subjects", {}).items():
        for t in terms:
            for m in re.finditer(rf"(?<![\w]){re.escape(t)}", low):
                dist = 0 if pos is None else min(abs(m.start() - pos), abs(m.end() - pos))
                if best is None or dist < best[0]:
                    best = (dist, name)
    return best[1] if best else fallback


def subject_phrase(text: str, subject: str) -> str:
    """The words naming ``subject`` in ``text`` ("de netto participatiegraad" -> "netto
    participatiegraad"): the synonym with up to two content words before it."""
    low = text.lower()
    for t in synonym_groups().get("subjects", {}).get(subject, ()):
        m = re.search(rf"(?<![\w]){re.escape(t)}\w*", low)
        if m:
            before = _LABEL_WORDS.findall(low[: m.start()])[-2:]
            while before and before[0] in label_stopwords():
                before = before[1:]
            return " ".join([*before, m.group(0)])
    return ""


_LABEL_WORDS = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


def _content(words: list[str]) -> list[str]:
    while words and words[0].lower() in label_stopwords():
        words = words[1:]
    while words and words[-1].lower() in label_stopwords():
        words = words[:-1]
    return words


def measure_of(text: str, start: int, end: int) -> str:
    """A short label for the figure: the ``label:`` in front of it, else the noun after it
    ("1.241 trajecten"), else the words before it ("het doel van 22%")."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if ":" in before:
        words = _content(_LABEL_WORDS.findall(before[: before.rfind(":")]))
        if words:
            label = " ".join(words[-6:]).lower()
            if re.search(
                r"\d", before[before.rfind(":") :]
            ):  # "Uitstroom: 200 (waarvan 71 naar werk"
                part = re.split(r"[,.;:()]|\s(?:en|and|of|or)\s|\d", text[end : end + 60])[0]
                detail = _LABEL_WORDS.findall(part)[:3]
                return " ".join([label, *detail]).lower() if detail else label
            return label
    after = re.split(r"[,.;:()]", text[end : end + 60])[0]
    words = _LABEL_WORDS.findall(after)
    if words and words[0].lower() not in label_stopwords():
        stop = next((k for k, w in enumerate(words) if w.lower() in label_stopwords()), len(words))
        return " ".join(words[: min(stop, 4)]).lower()
    for segment in reversed(re.split(r"[,;:()]", text[max(0, start - 80) : start])):
        words = _content(_LABEL_WORDS.findall(segment))
        if words:
            return " ".join(words[-4:]).lower()
    words = _content(_LABEL_WORDS.findall(after))
    return " ".join(words[:4]).lower() if words else "waarde"
