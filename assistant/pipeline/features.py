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
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from assistant.pipeline.candidates import Candidate, Candidates
from assistant.pipeline.question import Question
from assistant.pipeline.units import GroupText, UnitTables, UnitText, group_text, read_unit
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


def _group(found: Candidates, c: Candidate) -> GroupText:
    """What the candidate's units are together (kept per unit group and index version)."""
    tables: UnitTables | None = found.tables
    if tables is None:  # candidates made by hand (tests): read the quote itself
        return group_text([read_unit(c.evidence.quote, c.evidence.context)])
    return tables.group(c.members)


def bigram_share(pairs: list[tuple[str, str]], held: list[str]) -> float:
    """The share of the question's adjacent word pairs that stand adjacent in ``held``."""
    if not pairs:
        return 0.0
    adjacent = set(itertools.pairwise(held))
    return sum(pair in adjacent for pair in pairs) / len(pairs)


def group_bigram_share(
    pairs: list[tuple[str, str]],
    texts: Sequence[UnitText],
    within: Callable[[UnitText], AbstractSet[tuple[str, str]]],
) -> float:
    """``bigram_share`` of the units' stems in order (``held``: every unit's stems joined),
    from the question's pairs found within each unit (``within``, kept per unit for one
    question) and across the joins between units: the pairs of the joined stems are those
    of each unit and those of a unit's last stem with the next stems' first, so no set of
    every pair of the passage is made."""
    if not pairs:
        return 0.0
    wanted = set(pairs)
    found: set[tuple[str, str]] = set()
    last: str | None = None
    for t in texts:
        if not t.stems:
            continue
        found |= within(t)
        if last is not None and (last, t.stems[0]) in wanted:
            found.add((last, t.stems[0]))
        last = t.stems[-1]
    return sum(pair in found for pair in pairs) / len(pairs)


def subject_lead(q: Question, first: UnitText) -> float:
    """The question's first term stands in the passage's first words or its headings (where a
    definition names its subject: "OpMaat is ...", "Flextensie Beschrijving"). Tested in each
    of the two stem sets (``matches`` of their union is that of either): the unit's own sets,
    whose hashes the matching cache keeps, not a new union per passage."""
    if not q.scored:
        return 0.0
    term = q.scored[0]
    lead, context = first.lead_stems, first.context_stems
    forms = term if isinstance(term, tuple) else (term,)
    return float(
        any(all(matches(w, lead) or matches(w, context) for w in form.split()) for form in forms)
    )


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


# the features read from a candidate's text, its rows and its place (``_text_features``): the
# run of FEATURES from "bigrams" to "reason_marker", in that order
TEXT_FEATURES: tuple[str, ...] = FEATURES[
    FEATURES.index("bigrams") : FEATURES.index("reason_marker") + 1
]


def _text_features(
    found: Candidates,
    c: Candidate,
    pairs: list[tuple[str, str]],
    fits: dict[str, str],
    leads: dict[int, float],
    within: Callable[[UnitText], AbstractSet[tuple[str, str]]],
) -> tuple[float, ...]:
    """One candidate's ``TEXT_FEATURES``. ``fits``: each period's fit to the asked one found
    so far; ``leads``: first unit -> subject_lead (runs share their first unit); ``within``:
    the question's word pairs within a unit."""
    q, ev = found.question, c.evidence
    group = _group(found, c)
    years = set(q.years)
    held = group.years
    figures = group.figures
    same, other = _place(c, q.municipality, found.documents)
    periods = [*group.periods, *(str(r["period"]) for r in c.rows if r.get("period"))]
    exact, near, wrong = period_fits(q, periods, fits)
    if found.tables is None:  # read from the quote (tests): no unit to remember it by
        lead = subject_lead(q, group.texts[0])
    elif (lead := leads.get(c.members[0], -1.0)) < 0:
        lead = leads[c.members[0]] = subject_lead(q, group.texts[0])
    return (
        group_bigram_share(pairs, group.texts, within),
        lead,
        (coverage(list(q.counted), f"{ev.context} {ev.quote}", found.idf) if q.counted else 0.0),
        float(figures > 0),
        math.log1p(figures),
        float(bool(years & held)),
        float(bool(years) and bool(held) and not years & held),
        exact,
        near,
        wrong,
        *row_fits(q, c),
        same,
        other,
        float(group.region),
        float(ev.doc_id in q.named),
        float(group.definition),
        float(group.reason),
    )


def _dense_features(found: Candidates) -> dict[str, np.ndarray]:
    """``dense``, ``dense_z`` and ``dense_gap`` of every candidate (0 for one without a
    cosine), as arrays: the same float operations, done once per column."""
    dense = np.array([c.similarity if c.similarity is not None else np.nan for c in found.passages])
    missing = np.isnan(dense)
    known = dense[~missing]
    mean = float(known.mean()) if len(known) else 0.0
    spread = float(known.std()) if len(known) > 1 else 0.0
    best_dense = float(known.max()) if len(known) else 0.0
    centre, unit = found.dense_mean, found.dense_std
    with np.errstate(invalid="ignore"):  # a missing cosine is NaN until np.where drops it
        return {
            "dense": np.where(missing, 0.0, (dense - centre) / unit),
            "dense_z": (
                np.where(missing, 0.0, (dense - mean) / spread)
                if spread > 0
                else np.zeros(len(dense))
            ),
            "dense_gap": np.where(missing, 0.0, (dense - best_dense) / unit),
        }


def passage_features(found: Candidates) -> pd.DataFrame:
    """The feature table: one row per candidate, columns ``FEATURES`` in that order.

    Built column by column into one float matrix, not from a dict per candidate: a question
    has some 500 candidates, and the dicts and pandas' reading of them cost more than the
    features' own work did. Every value is computed as before (the same float operations,
    ``math.log`` and not ``np.log``), so the table and the ranking are the same."""
    q = found.question
    rows = found.passages
    if not rows:
        return pd.DataFrame(columns=list(FEATURES), dtype=float)
    best_cover = max(c.evidence.coverage for c in rows)
    best_bm25 = max(c.bm25 for c in rows)
    pairs = list(zip(q.terms, q.terms[1:], strict=False))
    fits: dict[str, str] = {}
    leads: dict[int, float] = {}
    wanted = set(pairs)
    # id of a unit's UnitText -> (it, the question's pairs within its stems); the UnitText is
    # held so that its id stays its own while this table is made
    pairs_within: dict[int, tuple[UnitText, set[tuple[str, str]]]] = {}

    def within(t: UnitText) -> AbstractSet[tuple[str, str]]:
        """The question's pairs within one unit's stems (kept for this question)."""
        kept = pairs_within.get(id(t))
        if kept is None:
            held = {p for p in itertools.pairwise(t.stems) if p in wanted}
            kept = pairs_within[id(t)] = (t, held)
        return kept[1]

    read = [_text_features(found, c, pairs, fits, leads, within) for c in rows]
    columns: dict[str, ArrayLike] = {
        **_dense_features(found),
        **dict(zip(TEXT_FEATURES, zip(*read, strict=True), strict=True)),
        "dense_rank": [math.log(c.dense_rank) for c in rows],
        "lexical_rank": [math.log(c.lexical_rank) for c in rows],
        "hit_rank": [math.log(c.hit_rank or NO_HIT_RANK) for c in rows],
        "in_hit": [float(c.hit_rank is not None) for c in rows],
        "coverage": [c.evidence.coverage for c in rows],
        "context_coverage": [c.evidence.context_coverage for c in rows],
        "coverage_gap": [c.evidence.coverage - best_cover for c in rows],
        "bm25": [c.bm25 for c in rows],
        "bm25_gap": [c.bm25 / best_bm25 if best_bm25 > 0 else 0.0 for c in rows],
        "bm25_rank": [math.log(c.bm25_rank) for c in rows],
        "is_block": [float(c.evidence.block) for c in rows],
        "members": [float(len(c.members)) for c in rows],
        "length": [math.log(max(len(c.evidence.quote), 1)) for c in rows],
    }
    # the question's own features: the same in every row
    columns |= {
        "q_figure": float(q.asks_figure),
        "q_year": float(bool(q.years)),
        "q_place": float(q.municipality is not None),
        "q_region": float(q.region is not None),
        **{f"type_{t}": float(q.answer_type == t) for t in ANSWER_TYPES},
        "q_english": float(q.language == "en"),
        "q_terms": float(len(q.scored)),
    }
    matrix = np.empty((len(rows), len(FEATURES)), dtype=np.float64)
    for n, name in enumerate(FEATURES):
        matrix[:, n] = columns[name]
    return pd.DataFrame(matrix, columns=list(FEATURES))
