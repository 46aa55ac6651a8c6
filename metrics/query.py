"""Figure questions to ranked rows: subject, measure, period, municipality and kind.

Rules the users rely on:

* A target is never returned as a result (only when the question asks for a target).
* An exact period wins; otherwise the nearest period is returned with a ``partial`` reason
  (a cumulative Q1..Q3 figure when Q3 alone was asked, another year).
* Another municipality than asked is ``partial`` too.
* Rows that give different values for the same thing are all returned, flagged as a conflict.
* Nothing relevant: nothing at all. Never an unrelated number.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from corpus import find_periods, without_periods
from corpus.synonyms import synonym_groups
from metrics.period_fit import period_fit
from metrics.vocabulary import kind_words, municipality_words, question_stopwords

Status = Literal["answered", "partial", "none"]
_TOKEN = re.compile(r"[a-zà-ÿ][a-zà-ÿ0-9-]+|\d+")
_QUARTER = re.compile(
    r"\b(?:Q([1-4])|([1-4])e\s+kwartaal|(eerste|tweede|derde|vierde|first|second|third|fourth)\s+(?:kwartaal|quarter))\b",
    re.I,
)
_ORD = {
    "eerste": 1,
    "tweede": 2,
    "derde": 3,
    "vierde": 4,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
}


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("dutch_porter")


def stem_tokens(text: str) -> list[str]:
    words = _TOKEN.findall(text.lower().replace("é", "e").replace("ë", "e"))
    parts: list[str] = []
    for word in words:
        parts.extend(p for p in word.split("-") if p)
    return [str(s) for s in _stemmer().stemWords(parts)]


@dataclass(slots=True)
class FigureQuery:
    text: str
    terms: list[str]
    subjects: dict[str, set[str]]
    measures: dict[str, set[str]]
    period: str | None = None
    year: int | None = None
    quarter: int | None = None
    municipality: str | None = None
    kind: str | None = None
    free: list[str] = field(default_factory=list)
    must: list[str] = field(default_factory=list)
    wants_count: bool = False
    wants_percent: bool = False


@dataclass(slots=True)
class FigureResult:
    status: Status
    rows: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    conflicts: list[list[str]] = field(default_factory=list)
    query: FigureQuery | None = None


def _group_stems(terms: tuple[str, ...]) -> set[str]:
    return {" ".join(stem_tokens(t)) for t in terms}


@lru_cache(maxsize=4096)
def _form_pattern(form: str) -> re.Pattern[str]:
    """A synonym form as it is met in a question: at a word's start, the word going on (made
    once per form, not escaped, formatted and looked up in ``re``'s cache per question)."""
    return re.compile(rf"(?<![\w]){re.escape(form)}\w*")


def parse_question(question: str) -> FigureQuery:
    """Parse a Dutch or English figure question."""
    low = question.lower()
    subjects: dict[str, set[str]] = {}
    measures: dict[str, set[str]] = {}
    # (group) -> the span of its longest match in the question and the length of the form met
    spans: dict[tuple[str, str], tuple[int, int, int]] = {}
    for section, target in (("subjects", subjects), ("measures", measures)):
        for name, forms in synonym_groups().get(section, {}).items():
            found = [(m, len(t)) for t in forms for m in _form_pattern(t).finditer(low)]
            if found:
                target[name] = _group_stems(forms)
                longest, size = max(found, key=lambda f: (f[0].end() - f[0].start(), f[1]))
                spans[(section, name)] = (*longest.span(), size)
    for (section, name), (start, end, size) in list(spans.items()):
        # a group met only inside a word another group meets by a longer form ("bijstand" in
        # "bijstandsgerechtigden") is that word's
        inside = any(
            other != (section, name)
            and o_start <= start
            and end <= o_end
            and ((o_end - o_start) > (end - start) or o_size > size)
            for other, (o_start, o_end, o_size) in spans.items()
        )
        if inside:
            (subjects if section == "subjects" else measures).pop(name, None)
    stop = question_stopwords()
    covered = {
        s for groups in (subjects, measures) for g in groups.values() for t in g for s in t.split()
    }
    # the period is matched as a period, not as words a row must hold
    terms = [t for t in stem_tokens(without_periods(question)) if t not in stop and not t.isdigit()]
    free = [
        t
        for t in terms
        if not any(t.startswith(c) or c.startswith(t) for c in covered if len(c) >= 3)
    ]
    names = {w.lower() for ws in municipality_words().values() for w in ws}
    must = [
        s
        for word in re.findall(r"(?<!^)(?<![.?!]\s)\b([A-Z][\w-]{2,})", question.strip())
        if word.lower() not in names
        for s in stem_tokens(word)
        if not any(s.startswith(c) or c.startswith(s) for c in covered if len(c) >= 3)
    ]
    query = FigureQuery(
        text=question, terms=terms, subjects=subjects, measures=measures, free=free, must=must
    )
    query.wants_count = bool(
        re.search(r"\b(hoeveel|how many|aantal|number of)\b", low)
    ) and not re.search(r"percentage|procent|%|aandeel|share|rate\b|graad|percent", low)
    query.wants_percent = bool(
        re.search(r"percentage|procent|%|aandeel|share|rate\b|graad|percent", low)
    )
    periods = find_periods(question)
    if periods:
        best = periods[0]
        query.period = best.period
        years = re.findall(r"(?:19|20)\d\d", best.period)
        query.year = int(years[0]) if years else None
        q = re.search(r"Q([1-4])$", best.period)
        query.quarter = int(q.group(1)) if q and ".." not in best.period else None
    m = _QUARTER.search(question)
    if (
        m
        and query.quarter is None
        and (query.period is None or re.fullmatch(r"\d{4}", query.period or ""))
    ):
        query.quarter = int(m.group(1) or m.group(2) or _ORD[m.group(3).lower()])
        query.period = f"{query.year}-Q{query.quarter}" if query.year else None
    for name, words in municipality_words().items():
        if any(re.search(rf"\b{re.escape(w)}\b", low) for w in words):
            query.municipality = name
            break
    # a subject's own words are no kind cue ("wage-cost subsidy" asks no cost)
    plain = low
    for start, end, _ in spans.values():
        plain = plain[:start] + " " * (end - start) + plain[end:]
    for kind, words in kind_words().items():
        if any(re.search(rf"\b{re.escape(w)}", plain) for w in words):
            query.kind = kind
            break
    return query


@lru_cache(maxsize=65536)
def _text_stems(text: str) -> tuple[frozenset[str], str]:
    """A row text's stems, as a set and joined (the same rows are read for every question)."""
    stems = stem_tokens(text)
    return frozenset(stems), " ".join(stems)


def _stem_hit(term: str, row_stems: frozenset[str] | set[str], joined: str) -> bool:
    if " " in term:
        return term in joined
    return term in row_stems or (len(term) >= 5 and any(s.startswith(term) for s in row_stems))


def _relevance(
    query: FigureQuery, row_stems: frozenset[str] | set[str], joined: str, vocabulary: set[str]
) -> float:
    """0 when the row is not about the asked subject; else a score that rewards overlap."""

    def hit(group: set[str]) -> bool:
        return any(_stem_hit(g, row_stems, joined) for g in group)

    if not all(hit(group) for group in query.subjects.values()):
        return 0.0
    if not all(_stem_hit(t, row_stems, joined) for t in query.must):
        return 0.0
    known_free = [t for t in set(query.free) if t in vocabulary]
    free_hits = sum(1 for t in known_free if _stem_hit(t, row_stems, joined))
    if known_free and free_hits / len(known_free) < 0.5:
        return 0.0
    if not query.subjects and not free_hits:
        return 0.0
    measure_hits = sum(1 for g in query.measures.values() if hit(g))
    return 3.0 * len(query.subjects) + 2.0 * measure_hits + free_hits / max(len(known_free), 1)


def _vocabulary(frame: pd.DataFrame) -> set[str]:
    # the same rows (a filtered view of the same table) give the same vocabulary
    key = (len(frame), hash(tuple(frame["figure_id"].astype(str))))
    cached = _VOCAB_CACHE.get(key)
    if cached is None:
        text = (
            " ".join(frame["subject"].astype(str))
            + " "
            + " ".join(frame["measure"].astype(str))
            + " "
            + " ".join(frame["quote"].astype(str))
        )
        cached = set(stem_tokens(text))
        _VOCAB_CACHE.clear()
        _VOCAB_CACHE[key] = cached
    return cached


_VOCAB_CACHE: dict[tuple[int, int], set[str]] = {}
_NOT_A_MEASURE = frozenset({"totaal"})


def _measure_key(row: dict[str, Any]) -> str:
    """The measure groups a row's label and line name ("gestart", "lopend"); "totaal" is no
    measure of its own ("in totaal 6.352 uitkeringen" counts the same as "6.596 uitkeringen")."""
    stems = set(stem_tokens(f"{row['measure']} {row['quote']}"))
    groups = sorted(
        name
        for name, terms in synonym_groups().get("measures", {}).items()
        if name not in _NOT_A_MEASURE
        and any(_stem_hit(t, stems, " ".join(stems)) for t in _group_stems(terms))
    )
    return ",".join(groups)


def _row_texts(frame: pd.DataFrame) -> pd.Series:
    """What a row is matched by: its subject, measure and line."""
    return (
        frame["subject"].astype(str)
        + " "
        + frame["measure"].astype(str)
        + " "
        + frame["quote"].astype(str)
    )


_TEXT_COLUMNS = ("subject", "measure", "quote")
_LAST = "\U0010ffff"


class FigureRows:
    """The rows of one figures table by the stems of their subject, measure and line (and
    their kind and unit as codes), read once per table: ``answer_figures`` then reads only the
    rows that can match a question, not every row for every question. Built over the whole
    table; a filtered view of it (same row labels and texts) is answered through it."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame  # the table itself: asked about it, no row needs comparing
        self.labels = frame.index
        self._columns = {c: frame[c].array for c in _TEXT_COLUMNS}  # shared, not copied
        held: dict[str, list[int]] = {}
        for i, text in enumerate(_row_texts(frame)):
            for stem in set(stem_tokens(text)):
                held.setdefault(stem, []).append(i)
        self.size = len(frame)
        self._held = {s: np.asarray(rows, dtype=np.int64) for s, rows in held.items()}
        self._stems = sorted(self._held)
        self._kinds, self._kind_names = pd.factorize(frame["kind"])
        self._units, self._unit_names = pd.factorize(frame["unit"])

    def positions(self, frame: pd.DataFrame) -> np.ndarray | None:
        """Where each row of ``frame`` stands in the indexed table; None unless every row is
        one of its rows with the same subject, measure and line."""
        if not self.labels.is_unique:
            return None
        if frame is self._frame:  # the unfiltered table (no filter, no access limit)
            return np.arange(self.size)
        at = self.labels.get_indexer(frame.index)
        if (at < 0).any():
            return None
        for column, values in self._columns.items():
            mine, theirs = values.take(at), frame[column].array
            if len(mine) != len(theirs) or not np.array_equal(
                np.asarray(mine.isna()), np.asarray(theirs.isna())
            ):
                return None
            if not np.asarray((mine == theirs).to_numpy(dtype=bool, na_value=True)).all():
                return None
        return at

    def _of(self, names: pd.Index, codes: np.ndarray, wanted: list[str]) -> np.ndarray:
        """Which of ``codes`` name one of ``wanted`` (``Series.isin``)."""
        allowed = [n for n, name in enumerate(names) if name in wanted]
        return np.isin(codes, np.asarray(allowed, dtype=np.int64))

    def _holding(self, term: str) -> np.ndarray:
        """The rows ``_stem_hit`` can find ``term`` in: for one word exactly (the stem, or for
        5+ letters any stem it begins); for several words (a substring of the joined stems)
        the rows with a stem its last word begins, a superset."""
        word = term.split(" ")[-1] if " " in term else term
        found = [self._held[word]] if word in self._held else []
        if " " in term or len(term) >= 5:
            lo = bisect.bisect_left(self._stems, word)
            hi = bisect.bisect_left(self._stems, word + _LAST)
            found += [self._held[s] for s in self._stems[lo:hi] if s != word]
        rows = np.zeros(self.size, dtype=bool)
        for held in found:
            rows[held] = True
        return rows

    def relevant(
        self, frame: pd.DataFrame, at: np.ndarray, query: FigureQuery, allowed: list[str]
    ) -> tuple[pd.DataFrame, list[tuple[float, int]]]:
        """The rows read, and (score, position among them) of every row of ``frame`` (at
        ``at`` in the table) that ``_relevance`` scores above 0, in the frame's order: what
        ``answer_figures`` reads row by row, from the rows that hold the asked subjects (or a
        free word) only."""
        chosen = np.flatnonzero(self._of(self._kind_names, self._kinds[at], allowed))
        units = self._units[at[chosen]]
        count = self._of(self._unit_names, units, ["count"])
        percent = self._of(self._unit_names, units, ["percent"])
        if query.wants_count and count.any():
            chosen = chosen[count]
        elif query.wants_percent and percent.any():
            chosen = chosen[self._of(self._unit_names, units, ["percent", "ratio"])]
        in_frame = np.zeros(self.size, dtype=bool)
        in_frame[at] = True
        # the free words the frame's rows hold (``_vocabulary(frame)``)
        known = {t for t in set(query.free) if t in self._held and in_frame[self._held[t]].any()}
        if query.subjects:
            maybe = np.ones(self.size, dtype=bool)
            for group in query.subjects.values():
                maybe &= np.logical_or.reduce([self._holding(t) for t in group])
        elif known:
            maybe = np.logical_or.reduce([self._holding(t) for t in known])
        else:
            return frame.iloc[:0], []
        for term in query.must:
            maybe &= self._holding(term)
        return _scored(frame.iloc[chosen[maybe[at[chosen]]]], query, known)


def answer_figures(
    frame: pd.DataFrame, question: str, *, limit: int = 8, table: FigureRows | None = None
) -> FigureResult:
    """Rank the figures table for a question, with partial reasons and conflicts. ``table``:
    the table's ``FigureRows``, so only the rows that can match are read (the same result)."""
    query = parse_question(question)
    if frame.empty or (not query.subjects and len(query.terms) < 1):
        return FigureResult("none", query=query)
    allowed = [query.kind] if query.kind else ["result", "context"]
    at = table.positions(frame) if table is not None else None
    if table is not None and at is not None:
        read, scored = table.relevant(frame, at, query, allowed)
    else:
        read, scored = _scan(frame, query, allowed)
    if not scored:
        return FigureResult("none", query=query)
    best = max(s for s, _ in scored)
    # a row is taken out of the table only when it is near the best (one row at a time is slow)
    relevant = [(s, read.iloc[p]) for s, p in scored if s >= best * 0.75]
    if query.measures:

        def measure_hit(row: pd.Series) -> bool:
            stems = stem_tokens(f"{row['measure']} {row['quote']}")
            joined = " ".join(stems)
            return all(
                any(_stem_hit(t, set(stems), joined) for t in g) for g in query.measures.values()
            )

        matching = [(s, r) for s, r in relevant if measure_hit(r)]
        relevant = matching or relevant
    reasons: list[str] = []
    if query.municipality:
        local = [
            (s, r)
            for s, r in relevant
            if str(r["municipality"]).lower() == query.municipality.lower()
        ]
        if local:
            relevant = local
        else:
            found = sorted({str(r["municipality"]) for _, r in relevant})
            reasons.append(
                f"municipality: no figure for {query.municipality}; the documents give {', '.join(found)}"
            )
    fits = [(period_fit(query, str(r["period"])), s, r) for s, r in relevant]
    exact: list[tuple[float, Any, str | None]] = [
        (s, r, None) for (fit, _), s, r in fits if fit == "exact"
    ]
    if exact:
        chosen = exact
    else:
        near = [(s, r, why) for (fit, why), s, r in fits if fit == "near"]
        chosen = near or [(s, r, why) for (_, why), s, r in fits]
        reasons.extend(sorted({why for _, _, why in chosen if why}))
    # best match first; among equal matches the most recent period (a question without a year
    # means the latest figure)
    chosen.sort(key=lambda t: str(t[1]["period"]), reverse=True)
    chosen.sort(key=lambda t: -t[0])
    rows = []
    for score, row, why in chosen[:limit]:
        record = {k: (None if pd.isna(v) else v) for k, v in row.to_dict().items()}
        record["match_score"] = round(float(score), 3)
        record["partial_reason"] = why
        record["conflict"] = False
        rows.append(record)
    conflicts = flag_conflicts(rows)
    status: Status = "partial" if reasons else "answered"
    return FigureResult(status, rows, reasons, conflicts, query)


def _scan(
    frame: pd.DataFrame, query: FigureQuery, allowed: list[str]
) -> tuple[pd.DataFrame, list[tuple[float, int]]]:
    """The rows read and (score, position) of each that ``_relevance`` scores above 0,
    reading every row."""
    candidates = frame[frame["kind"].isin(allowed)]
    if query.wants_count and (candidates["unit"] == "count").any():
        candidates = candidates[candidates["unit"] == "count"]
    elif query.wants_percent and (candidates["unit"] == "percent").any():
        candidates = candidates[candidates["unit"].isin(["percent", "ratio"])]
    return _scored(candidates, query, _vocabulary(frame))


def _scored(
    rows: pd.DataFrame, query: FigureQuery, known: set[str]
) -> tuple[pd.DataFrame, list[tuple[float, int]]]:
    """``rows``, and (score, position) of each of them that ``_relevance`` scores above 0
    (``known``: the question's free words the table holds, or the table's whole vocabulary)."""
    scored = []
    for position, text in enumerate(_row_texts(rows)):
        stems, joined = _text_stems(text)
        score = _relevance(query, stems, joined, known)
        if score > 0:
            scored.append((score, position))
    return rows, scored


def flag_conflicts(rows: list[dict[str, Any]]) -> list[list[str]]:
    """Mark rows that give different values for the same figure (``conflict``); the ids of
    each conflicting group."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        key = (
            _measure_key(row),
            str(row.get("subject") or ""),
            str(row["unit"]),
            str(row["period"]),
            str(row["municipality"]),
            # a result and a context figure are both observations: they can contradict
            "observed" if row["kind"] in ("result", "context") else str(row["kind"]),
        )
        groups.setdefault(key, []).append(row)
    conflicts = []
    for members in groups.values():
        for cluster in _similar_clusters(members):
            if len({round(float(m["value"]), 6) for m in cluster}) > 1:
                for m in cluster:
                    m["conflict"] = True
                conflicts.append([str(m["figure_id"]) for m in cluster])
    return conflicts


def _similar_clusters(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows that state the same thing: from different documents, or the same label elsewhere."""

    def label(row: dict[str, Any]) -> str:
        return re.sub(r"[\d\s.,:;%€]+", " ", str(row["measure"]).lower()).strip()

    def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
        if a["doc_id"] != b["doc_id"]:
            return True
        return label(a) == label(b) and abs(int(a["line"]) - int(b["line"])) > 5

    clusters: list[list[dict[str, Any]]] = []
    for row in rows:
        for cluster in clusters:
            if all(same(row, other) for other in cluster):
                cluster.append(row)
                break
        else:
            clusters.append([row])
    return [c for c in clusters if len(c) > 1]
