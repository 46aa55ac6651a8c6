"""Stage 3, features: one row of named signals per candidate passage.

Every signal the old hand-weighted passage score used is here as a feature, beside a few that
score nothing by themselves (the question's type, its language, how many words it has) so the
model can learn how the others weigh for each kind of question. Nothing here is weighted: the
ranking model (``assistant.pipeline.ranking``) learns the combination from labelled questions.

| feature | meaning |
|---|---|
| dense | cosine of the candidate's best unit with the question vector, standardised over every unit the asker may see (so no embedder's own scale enters a model) |
| dense_z | ... standardised over this question's candidates |
| dense_gap | ... minus the best among them, in the same units as ``dense`` |
| dense_rank | log rank of its best unit by cosine, over every unit the asker may see |
| lexical_rank | log rank of its best unit by word coverage, over every unit |
| hit_rank | log rank of the hybrid search hit it lies in (log 50 when it lies in none) |
| in_hit | it lies in a search hit |
| coverage | idf-weighted share of the question's terms (synonym groups as one) in the quote |
| context_coverage | ... in the quote and the headings it stands under |
| coverage_gap | coverage minus the best coverage among the candidates |
| counted_coverage | share of what a figure question counts in the quote and its headings |
| has_figure / figures | it states a number that is not a year / log(1 + how many) |
| year_match / year_other | it names a year the question names / only years it does not name |
| place_same / place_other | its document (or its text) is about the asked municipality / another |
| region_named | it names Twente, a region or the country |
| named_document | its document is one the question names (kind and year, or a title phrase) |
| definition_marker / reason_marker | it defines something / gives a reason |
| is_block / members / length | a list or table / its number of sentences / log length |
| bm25 / bm25_gap / bm25_rank | BM25 of its best unit (text and headings) / as a share of the best candidate's / log rank over every unit |
| bigrams | share of the question's adjacent word pairs that stand adjacent in it |
| subject_lead | the question's first term stands in its first words or its headings (a definition names its subject there) |
| period_exact / period_near / period_other | the periods it names or its figure rows have fit the asked period exactly / nearly / not |
| rows / row_kind / row_level | its figure rows (log count) / one is of the asked kind / one is of the asked level |
| q_*, type_* | the question: asks a figure, names a year, a place, a region; its answer type; English; its number of terms |
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from assistant.pipeline.candidates import Candidate, Candidates
from assistant.pipeline.question import Question
from assistant.pipeline.units import UnitTables, UnitText, read_unit
from assistant.sentences import coverage, matches
from metrics import period_fit, scope_levels

NO_HIT_RANK = 50
ANSWER_TYPES = ("figure", "list", "definition", "reason", "comparison", "policy")

FEATURES: tuple[str, ...] = (
    "dense",
    "dense_z",
    "dense_gap",
    "dense_rank",
    "lexical_rank",
    "hit_rank",
    "in_hit",
    "coverage",
    "context_coverage",
    "coverage_gap",
    "bm25",
    "bm25_gap",
    "bm25_rank",
    "bigrams",
    "subject_lead",
    "counted_coverage",
    "has_figure",
    "figures",
    "year_match",
    "year_other",
    "period_exact",
    "period_near",
    "period_other",
    "rows",
    "row_kind",
    "row_level",
    "place_same",
    "place_other",
    "region_named",
    "named_document",
    "definition_marker",
    "reason_marker",
    "is_block",
    "members",
    "length",
    "q_figure",
    "q_year",
    "q_place",
    "q_region",
    *(f"type_{t}" for t in ANSWER_TYPES),
    "q_english",
    "q_terms",
)


def _texts(found: Candidates, c: Candidate) -> list[UnitText]:
    """What the candidate's units are (read once per unit and index version)."""
    tables: UnitTables | None = found.tables
    if tables is None:  # candidates made by hand (tests): read the quote itself
        return [read_unit(c.evidence.quote, c.evidence.context)]
    return [tables.text(m) for m in c.members]


def bigram_share(pairs: list[tuple[str, str]], held: list[str]) -> float:
    """The share of the question's adjacent word pairs that stand adjacent in ``held``."""
    if not pairs:
        return 0.0
    adjacent = set(itertools.pairwise(held))
    return sum(pair in adjacent for pair in pairs) / len(pairs)


def subject_lead(q: Question, first: UnitText) -> float:
    """The question's first term stands in the passage's first words or its headings (where a
    definition names its subject: "OpMaat is ...", "Flextensie Beschrijving")."""
    if not q.scored:
        return 0.0
    term = q.scored[0]
    lead = first.lead_stems | first.context_stems
    forms = term if isinstance(term, tuple) else (term,)
    return float(any(all(matches(w, lead) for w in form.split()) for form in forms))


def period_fits(
    q: Question, periods: list[str], known: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Whether the periods a passage names, or its figure rows have, are the one asked
    (exact), near it (a cumulative figure for one of its quarters, part of the year) or only
    others. ``known``: each period's fit found so far for this question (the candidates of
    one question name the same periods again and again)."""
    if q.period is None and q.quarter is None:
        return 0.0, 0.0, 0.0
    known = {} if known is None else known
    fits = set()
    for p in periods:
        fit = known.get(p)
        if fit is None:
            fit = known[p] = period_fit(q.figure_query, p)[0]
        fits.add(fit)
    return float("exact" in fits), float("near" in fits), float(bool(fits) and fits <= {"other"})


def row_fits(q: Question, c: Candidate) -> tuple[float, float, float]:
    """Its figure rows: how many (log), whether one is of the asked kind (a result when none is
    asked), whether one is of the asked level (the region asked, or a municipality)."""
    if not c.rows:
        return 0.0, 0.0, 0.0
    kind = q.kind or "result"
    places = {str(r.get("municipality")) for r in c.rows}
    level = (q.region in places) if q.region else bool(places - scope_levels())
    return (
        math.log1p(len(c.rows)),
        float(any(r.get("kind") == kind for r in c.rows)),
        float(level),
    )


def _place(
    c: Candidate, place: str | None, documents: dict[str, dict[str, object]]
) -> tuple[float, float]:
    if not place:
        return 0.0, 0.0
    own = str(documents.get(c.evidence.doc_id, {}).get("municipality") or "")
    text = f"{c.evidence.context} {c.evidence.quote}".lower()
    if own.lower() == place.lower() or place.lower() in text:
        return 1.0, 0.0
    return 0.0, 1.0 if own else 0.0


def passage_features(found: Candidates) -> pd.DataFrame:
    """The feature table: one row per candidate, columns ``FEATURES`` in that order."""
    q = found.question
    rows = found.passages
    if not rows:
        return pd.DataFrame(columns=list(FEATURES), dtype=float)
    dense = np.array([c.similarity if c.similarity is not None else np.nan for c in rows])
    known = dense[~np.isnan(dense)]
    mean = float(known.mean()) if len(known) else 0.0
    spread = float(known.std()) if len(known) > 1 else 0.0
    best_dense = float(known.max()) if len(known) else 0.0
    centre, unit = found.dense_mean, found.dense_std
    best_cover = max(c.evidence.coverage for c in rows)
    best_bm25 = max(c.bm25 for c in rows)
    years = set(q.years)
    pairs = list(zip(q.terms, q.terms[1:], strict=False))
    question_row = {
        "q_figure": float(q.asks_figure),
        "q_year": float(bool(years)),
        "q_place": float(q.municipality is not None),
        "q_region": float(q.region is not None),
        **{f"type_{t}": float(q.answer_type == t) for t in ANSWER_TYPES},
        "q_english": float(q.language == "en"),
        "q_terms": float(len(q.scored)),
    }
    out = []
    fits: dict[str, str] = {}  # period -> its fit to the asked one
    leads: dict[int, float] = {}  # first unit -> subject_lead (runs share their first unit)
    for n, c in enumerate(rows):
        ev = c.evidence
        texts = _texts(found, c)
        held = set().union(*(t.years for t in texts))
        figures = sum(t.figures for t in texts)
        same, other = _place(c, q.municipality, found.documents)
        periods = [p for t in texts for p in t.periods]
        periods += [str(r["period"]) for r in c.rows if r.get("period")]
        exact, near, wrong = period_fits(q, periods, fits)
        if found.tables is None:  # read from the quote (tests): no unit to remember it by
            lead = subject_lead(q, texts[0])
        elif (lead := leads.get(c.members[0], -1.0)) < 0:
            lead = leads[c.members[0]] = subject_lead(q, texts[0])
        n_rows, row_kind, row_level = row_fits(q, c)
        d = dense[n]
        out.append(
            {
                "dense": 0.0 if np.isnan(d) else (d - centre) / unit,
                "dense_z": (d - mean) / spread if spread > 0 and not np.isnan(d) else 0.0,
                "dense_gap": 0.0 if np.isnan(d) else (d - best_dense) / unit,
                "dense_rank": math.log(c.dense_rank),
                "lexical_rank": math.log(c.lexical_rank),
                "hit_rank": math.log(c.hit_rank or NO_HIT_RANK),
                "in_hit": float(c.hit_rank is not None),
                "coverage": ev.coverage,
                "context_coverage": ev.context_coverage,
                "coverage_gap": ev.coverage - best_cover,
                "bm25": c.bm25,
                "bm25_gap": c.bm25 / best_bm25 if best_bm25 > 0 else 0.0,
                "bm25_rank": math.log(c.bm25_rank),
                "bigrams": bigram_share(pairs, [s for t in texts for s in t.stems]),
                "subject_lead": lead,
                "counted_coverage": (
                    coverage(list(q.counted), f"{ev.context} {ev.quote}", found.idf)
                    if q.counted
                    else 0.0
                ),
                "has_figure": float(figures > 0),
                "figures": math.log1p(figures),
                "year_match": float(bool(years & held)),
                "year_other": float(bool(years) and bool(held) and not years & held),
                "period_exact": exact,
                "period_near": near,
                "period_other": wrong,
                "rows": n_rows,
                "row_kind": row_kind,
                "row_level": row_level,
                "place_same": same,
                "place_other": other,
                "region_named": float(any(t.region for t in texts)),
                "named_document": float(ev.doc_id in q.named),
                "definition_marker": float(any(t.definition for t in texts)),
                "reason_marker": float(any(t.reason for t in texts)),
                "is_block": float(ev.block),
                "members": float(len(c.members)),
                "length": math.log(max(len(ev.quote), 1)),
                **question_row,
            }
        )
    return pd.DataFrame(out, columns=list(FEATURES), dtype=float)
