"""The figure rows that answer a figure question, found through the passages that answer it.

The figures table knows every number's period, kind, unit and municipality, but its subject
and measure labels are read from the text around the number, and often miss the topic a
heading or a list's lead sentence gives ("Gestarte contracten: 220" under "In de eerste drie
kwartalen van 2024 zien we voor LKS onderstaand resultaat:"). The passage ranking
(``assistant.pipeline.ranking``) reads those headings and leads, so the candidates are every row whose
line lies in one of the ``ROW_UNITS`` best passages, and the rows the metrics module matches by
subject and measure (``metrics.answer_figures``). Each is scored, for each part of the question
("hoeveel X, en hoeveel Y?"), by its passage's score, how much of that part its own label, line
and list lead hold, and how its period, kind, unit and municipality fit what was asked
(``metrics.period_fit``). The number itself always comes from the table, never from text.

* A target is returned only when a target is asked; a percentage only when one is asked, and a
  number of things never as a percentage or an amount.
* "In 2019" asked of a report over the first three quarters of 2019 is answered (the row's
  sentence states the quarters); "in heel 2019" is ``partial``, and so is a quarter asked of a
  cumulative figure, another period than asked, or another municipality, with the reason.
* Rows that give another value for a shown figure elsewhere are all shown, flagged as a
  conflict, never settled.
* When no row is clearly about the question (``BEST_LABEL_FIT``), none is offered: the
  answer quotes the passages instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from assistant.language import (
    Term,
    counted_terms,
    has_marker,
    joined_particles,
    question_terms,
    whole_year_asked,
    years_in,
)
from assistant.pipeline.candidates import Evidence
from assistant.pipeline.figure_fit import (
    allowed_kinds,
    answering,
    kind_fit,
    other_period,
    period_of,
    place_fit,
    unit_fit,
    wrong_unit,
)
from assistant.sentences import coverage
from corpus import find_periods, without_periods
from metrics import FigureQuery, FigureRows, answer_figures, flag_conflicts, parse_question

# Weights and thresholds, calibrated on our own question sets and dev-004 with the e5 index
# (policy-assistant eval; eval/holdout was not used).
ROW_UNITS = 8  # best passages whose rows are candidates
ANSWERING_TOP = 4  # best rows per part tried when each part of a question gets its own row
MAX_ROWS = 3  # distinct figures shown (rows conflicting with them come on top of these)
LABEL_WEIGHT = 2.0  # share of the question's words in the row's own label and line
PERIOD_SCORE = {"exact": 1.0, "near": 0.0, "other": -3.0}
PLACE_MISMATCH = -1.5  # a row of another municipality than asked
NEAR_BEST = 1.0  # further rows within this score of the best one are shown too
CONFLICT_BELOW = 3.0  # a row this far below the best that contradicts a shown row is shown too
LEADER_BELOW = 2.5  # ... and the best row of each part of the question within this
METRICS_BELOW = 1.0  # a metrics match outside the best passages scores this far below them
BEST_LABEL_FIT = 0.4  # ... and unless one row holds this much, no row answers the question
MIN_LABEL_FIT = 0.2  # a row whose subject, label and line hold less of the question is no answer
COMPOSITION_LINES = 10  # "hoe is het verdeeld?": the parts stated this many lines after the total
MAX_PARTS = 4  # ... shown at most
_LEAD = re.compile(r"^([^.:()]{10,300}):\s")  # a list's lead sentence, ending in ':'

Status = Literal["answered", "partial"]


@dataclass(slots=True)
class FigurePick:
    """The chosen rows (best first, each with ``match_score``, ``partial_reason`` and
    ``conflict``), the status and the partial reasons."""

    status: Status
    rows: list[dict[str, Any]]
    reasons: list[str] = field(default_factory=list)
    query: FigureQuery | None = None
    top: float = 0.0
    label_fit: float = 0.0  # the most of the question's words a candidate row's label holds


def _rows_in(frame: pd.DataFrame, ev: Evidence) -> pd.DataFrame:
    """The figure rows of a passage's lines (a document's line numbers are unique, also
    across the pages of a PDF, so a passage may run on to the next page)."""
    return frame[
        (frame["doc_id"] == ev.doc_id)
        & (frame["line"] >= ev.line_start)
        & (frame["line"] <= ev.line_end)
    ]


def _municipality_reason(query: FigureQuery, rows: Sequence[dict[str, Any]]) -> str | None:
    if not query.municipality or not rows:
        return None
    asked = query.municipality.lower()
    found = sorted(
        {
            str(r["municipality"])
            for r in rows
            if str(r.get("municipality") or asked).lower() != asked
        }
    )
    if not found:
        return None
    return (
        f"municipality: no figure for {query.municipality}; the documents give {', '.join(found)}"
    )


_PARTS = re.compile(
    r",?\s+(?:en|and)\s+(?=(?:hoeveel|hoe|wat|welk|welke|is|zijn|halen|haalden|how|what|which|"
    r"did|does|do|are|was|were)\b)",
    re.IGNORECASE,
)


def question_parts(question: str) -> list[str]:
    """The sub-questions of "Hoeveel X ..., en hoeveel Y?": each asks its own figure."""
    parts = [p.strip() for p in _PARTS.split(question) if p.strip()]
    return parts if len(parts) > 1 else [question]


def _candidates(
    question: str,
    ranked: Sequence[Evidence],
    frame: pd.DataFrame,
    table: FigureRows | None = None,
) -> list[tuple[int, float, Evidence | None, dict[str, Any]]]:
    """(rank, passage score, passage, row) for every row in the best passages, then for the
    rows the metrics module matches to the question by subject and measure
    (``metrics.answer_figures``): with the ranked passage holding it, or none (then it scores
    ``METRICS_BELOW`` under the best passages' last)."""
    out: list[tuple[int, float, Evidence | None, dict[str, Any]]] = []
    best = ranked[:ROW_UNITS]
    near = frame[frame["doc_id"].isin({ev.doc_id for ev in best})]
    # the rows of the best passages' documents; each passage's rows are the positions on its
    # lines (``_rows_in``, in the table's order), and only those rows are read as records
    docs = near["doc_id"].to_numpy(dtype=object)
    lines = near["line"].to_numpy(dtype="float64", na_value=np.nan)
    on_lines = [
        np.flatnonzero((docs == ev.doc_id) & (lines >= ev.line_start) & (lines <= ev.line_end))
        for ev in best
    ]
    read = np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *on_lines]))
    rows = dict(zip(read.tolist(), near.iloc[read].to_dict("records"), strict=True))
    for rank, (ev, positions) in enumerate(zip(best, on_lines, strict=True)):
        for at in positions:
            record = {k: (None if pd.isna(v) else v) for k, v in rows[int(at)].items()}
            out.append((rank, ev.score, ev, record))
    floor = min((ev.score for ev in best), default=0.0) - METRICS_BELOW
    for record in answer_figures(frame, question, table=table).rows:
        line = int(record["line"])
        holder = next(
            (
                (rank, ev)
                for rank, ev in enumerate(ranked)
                if ev.doc_id == record["doc_id"] and ev.line_start <= line <= ev.line_end
            ),
            None,
        )
        if holder is None:
            out.append((ROW_UNITS, floor, None, dict(record)))
        else:
            out.append((holder[0], holder[1].score, holder[1], dict(record)))
    return out


def _row_label(record: dict[str, Any], ev: Evidence | None) -> str:
    """What a row is about: its subject, label and line, and the lead of the list it stands
    in ("... zien we voor LKS onderstaand resultaat:" above "Gestarte contracten: 220")."""
    own = " ".join(str(record.get(k) or "") for k in ("subject", "measure", "quote"))
    if ev is None or not ev.block:
        return own
    lead = _LEAD.match(ev.quote)
    return f"{own} {lead.group(1) if lead else ''} {ev.context}"


@dataclass(slots=True)
class _Part:
    """One sub-question: its own terms, and its own period, kind and unit when it names them."""

    terms: list[Term]
    query: FigureQuery
    kinds: tuple[str, ...]
    counted: list[Term] = field(default_factory=list)  # what it counts ("hoeveel X"), if named


def _parts(question: str, terms: Sequence[Term], known: dict[str, float]) -> list[_Part]:
    whole = parse_question(question)
    split = question_parts(question)
    if len(split) == 1:
        return [_Part(list(terms), whole, allowed_kinds(whole), counted_terms(question))]
    parts: list[_Part] = []
    for text in split:
        query = parse_question(text)
        query.municipality = query.municipality or whole.municipality
        if query.period is None and query.quarter is None and whole.year is not None:
            # "... en hoeveel daarvan?" asks the question's year, "... for the end of the
            # year?" its last day
            edge = find_periods(text, default_year=whole.year)
            query.period, query.year = edge[0].period if edge else str(whole.year), whole.year
        own = question_terms(joined_particles(without_periods(text), known))
        if parts and len(own) <= 1:  # "how many ..., and what is expected?": the first part's
            own = [*parts[0].terms, *own]  # subject, counted as that part counts it
            first = parts[0].query
            query.wants_count = query.wants_count or first.wants_count
            query.wants_percent = query.wants_percent or first.wants_percent
        parts.append(
            _Part(
                own,
                query,
                allowed_kinds(query),
                counted_terms(text),
            )
        )
    return parts


@dataclass(slots=True)
class _Scored:
    """A candidate row with its score for each part of the question (-inf: no answer to it),
    and per part the period's partial reason and whether it is of the asked place."""

    record: dict[str, Any]
    scores: list[float]
    reasons: list[str | None]
    places: list[bool]
    label_fit: float = 0.0  # the most any part's words are held by the row's label

    @property
    def score(self) -> float:
        return max(self.scores)

    @property
    def part(self) -> int:
        return self.scores.index(self.score)


def _score_row(
    record: dict[str, Any],
    passage_score: float,
    rank: int,
    ev: Evidence | None,
    parts: Sequence[_Part],
    idf: dict[str, float],
    years: set[int],
    whole_year: bool,
) -> _Scored | None:
    label = _row_label(record, ev)
    out = _Scored(record, [], [], [])
    for part in parts:
        fit = coverage(part.terms, label, idf)
        out.label_fit = max(out.label_fit, fit)
        unit = str(record["unit"])
        # "hoeveel no-riskpolissen?": a row whose label (its line, and a list's lead) does not
        # name what is counted counts something else
        counts_other = bool(part.counted) and not coverage(part.counted, label, idf)
        if (
            record["kind"] not in part.kinds
            or fit < MIN_LABEL_FIT
            or counts_other
            or wrong_unit(part.query, unit, str(record["kind"]), float(record["value"]))
        ):
            out.scores.append(float("-inf"))
            out.reasons.append(None)
            out.places.append(True)
            continue
        fit_of_period, why = period_of(part.query, str(record["period"]), years, whole_year)
        place = place_fit(part.query, record, ev)
        out.scores.append(
            passage_score
            + LABEL_WEIGHT * fit
            + PERIOD_SCORE[fit_of_period]
            + kind_fit(part.query, str(record["kind"]))
            + unit_fit(part.query, unit, str(record["kind"]))
            + (0.0 if place else PLACE_MISMATCH)
            - 0.01 * rank
        )
        out.reasons.append(why)
        out.places.append(place)
    return out if out.score > float("-inf") else None


def _conflicting(chosen: list[dict[str, Any]], pool: Sequence[_Scored]) -> list[dict[str, Any]]:
    """Flag the chosen rows that contradict each other, and return the further rows of the
    pool that give another value for a chosen row's figure (same measure, unit, period and
    municipality, stated elsewhere): a conflict is always shown whole, never settled."""
    ids = {str(r["figure_id"]) for r in chosen}
    others = {str(r.record["figure_id"]): r for r in pool if str(r.record["figure_id"]) not in ids}
    rows = [*chosen, *(r.record for r in others.values())]
    groups = flag_conflicts(rows)
    extra: list[dict[str, Any]] = []
    for group in groups:
        if not ids & set(group):
            continue  # a conflict among rows not shown
        for figure_id in group:
            row = others.get(figure_id)
            if row is not None and row.record not in extra:
                row.record["match_score"] = round(float(row.score), 3)
                row.record["partial_reason"] = row.reasons[row.part]
                extra.append(row.record)
    return extra


def _composition(
    total: dict[str, Any], frame: pd.DataFrame, shown: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """For "hoe is het verdeeld?" / "how is it divided?": the figures stated right after the
    best row, of its unit, kind, period and municipality ("opgedeeld in een deelbudget voor
    bijstandsuitkeringen van 104,2 miljoen euro en een deelbudget voor LKS van 8,6 miljoen")."""
    line = int(total["line"])
    near = frame[
        (frame["doc_id"] == total["doc_id"])
        & (frame["line"] > line)
        & (frame["line"] <= line + COMPOSITION_LINES)
        & (frame["unit"] == total["unit"])
        & (frame["kind"] == total["kind"])
        & (frame["period"] == total["period"])
    ]
    ids = {str(r["figure_id"]) for r in shown}
    parts: list[dict[str, Any]] = []
    for _, row in near.sort_values("line").iterrows():
        record = {k: (None if pd.isna(v) else v) for k, v in row.to_dict().items()}
        if str(record["figure_id"]) in ids or record["value"] == total["value"]:
            continue
        if record.get("municipality") != total.get("municipality"):
            continue
        record.update(match_score=total["match_score"], partial_reason=None, conflict=False)
        parts.append(record)
    return parts[:MAX_PARTS]


def pick_figures(
    question: str,
    ranked: Sequence[Evidence],
    frame: pd.DataFrame,
    terms: Sequence[Term],
    idf: dict[str, float],
    rows: FigureRows | None = None,
) -> FigurePick | None:
    """The rows of the best passages that answer ``question`` (None when none fits): the best
    row for each part of the question ("hoeveel X, en hoeveel Y?"), and the rows scoring
    nearly as well. ``rows``: the whole table's ``FigureRows`` (``frame`` a view of it), so
    the metrics match reads only the rows that can match."""
    whole_year = whole_year_asked(question) is not None
    years = {int(y) for y in years_in(question)}
    parts = _parts(question, terms, idf)
    scored: list[_Scored] = []
    seen: set[str] = set()
    for rank, passage_score, ev, record in _candidates(question, ranked, frame, rows):
        if record["figure_id"] in seen:
            continue
        seen.add(str(record["figure_id"]))
        row = _score_row(record, passage_score, rank, ev, parts, idf, years, whole_year)
        if row is not None:
            record["passage"] = ev
            scored.append(row)
    if not scored:
        return None
    if max(r.label_fit for r in scored) < BEST_LABEL_FIT:
        return None  # no row is clearly about the question: quote the passages instead
    scored.sort(key=lambda r: -r.score)
    best = scored[0].score
    # the best row of every further part of the question, unless it is far below the best
    # row or of another period than asked (that part is then not answered by a figure)
    answers = answering([r.scores for r in scored], len(parts), ANSWERING_TOP)
    leaders = {0} | {
        i
        for i in answers
        if scored[i].score >= best - LEADER_BELOW and not other_period(scored[i].reasons)
    }
    order = sorted(range(len(scored)), key=lambda i: (i not in leaders, -scored[i].score))
    chosen: list[dict[str, Any]] = []
    values: set[tuple[Any, ...]] = set()
    reasons: list[str] = []
    other_place = False
    for i in order:
        row = scored[i]
        if len(chosen) >= MAX_ROWS or (i not in leaders and row.score < best - NEAR_BEST):
            break
        record = row.record
        key = (record["value"], record["unit"], record["period"], record["municipality"])
        if key in values:
            continue
        values.add(key)
        part = answers.get(i, row.part)
        why = row.reasons[part]
        record["match_score"] = round(float(row.score), 3)
        record["partial_reason"] = why
        record["conflict"] = False
        chosen.append(record)
        if i in leaders:
            other_place = other_place or not row.places[part]
            # a forecast answers only a question that asks what is expected: given for a
            # plain "hoeveel ...?" it is the nearest the documents hold, and says so
            if record["kind"] == "forecast" and parts[part].query.kind != "forecast":
                why = why or "kind: forecast"
                record["partial_reason"] = why
            if why and why not in reasons:
                reasons.append(why)
    municipality = _municipality_reason(parts[0].query, chosen) if other_place else None
    if municipality:
        reasons.append(municipality)
    if has_marker(question, "composition_cues"):
        chosen.extend(_composition(chosen[0], frame, chosen))
    chosen.extend(_conflicting(chosen, [r for r in scored if r.score >= best - CONFLICT_BELOW]))
    status: Status = "partial" if reasons else "answered"
    fit = max(r.label_fit for r in scored)
    return FigurePick(status, chosen, reasons, parts[0].query, float(best), fit)
