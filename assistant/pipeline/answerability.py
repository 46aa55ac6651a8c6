"""Whether the documents answer a question at all: the one place refusal is decided.

A calibrated classifier (logistic regression over standardised question-level features, fitted
by ``policy-assistant train`` on the working part of the labelled questions) gives the
probability that the documents do NOT answer the question. At or above the threshold chosen
on held-out folds of the working part, the answer is ``refused`` and names the nearest
documents. The model is a small JSON file (``assistant/models/answerability.json``): its
feature list, the scaler, the coefficients and the threshold; no pickle.

Whether an answer is whole or ``partial`` (another period, municipality, level or kind than
asked) is not decided here but by the scope checks (``assistant.pipeline.scope``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.language import stems
from assistant.pipeline.candidates import Candidates, Ranked
from assistant.pipeline.features import ANSWER_TYPES
from assistant.pipeline.figure_fit import states_unit_asked
from assistant.pipeline.figures import FigurePick
from assistant.pipeline.linear_model import LinearFit, read_linear, write_linear
from assistant.pipeline.ranking import MODEL_DIR
from assistant.pipeline.retrieve import names_in
from assistant.pipeline.units import figure_count
from assistant.sentences import coverage, meets_any
from ingest import is_common_word

ANSWERABILITY_FILE = "answerability.json"
TOP = 5  # ranked passages read for support

ANSWERABILITY_FEATURES: tuple[str, ...] = (
    "top_z",
    "gap_z",
    "top_coverage",
    "top_context_coverage",
    "best_coverage",
    "top_dense",
    "unknown_share",
    "unknown",
    "unknown_name",
    "terms",
    "figure_support",
    "counted_support",
    "year_support",
    "place_support",
    "joint_coverage",
    "rare_support",
    "row_found",
    "row_label_fit",
    "row_partial",
    "q_figure",
    "q_english",
    "q_year",
    "q_place",
    "q_region",
    *(f"type_{t}" for t in ANSWER_TYPES),
)


RARE_TERMS = 2  # the question's rarest words the corpus knows, which the best passages must hold
JOINT = 3  # the best passages read together
_WORDS = re.compile(r"[^\W\d_]+")
VARIANT_MIN = 6  # a stem this long is known when the documents hold it in another ending


def rare_support(found: Candidates, texts: str) -> float:
    """The share of the question's RARE_TERMS rarest known words (highest idf) in ``texts``:
    a near miss names the subject but not the specific thing asked."""
    known = [t for t in found.question.terms if t in found.idf]
    # equal idf: the question's order (a set's order changes with each process's hash seed,
    # and with it a refitted model: leave-one-document-out was not repeatable)
    rarest = sorted(dict.fromkeys(known), key=lambda t: -found.idf[t])[:RARE_TERMS]
    if not rarest:
        return 0.0
    return sum(coverage([t], texts, found.idf) > 0 for t in rarest) / len(rarest)


def names_unknown(found: Candidates) -> list[str]:
    """The names no document uses that the question asks about, so the documents cannot
    answer it, however well the passages about its other words score; the question is refused
    whatever the model says:

    - a name a figure question counts ("hoeveel ZEBRAQUARTZ-plaatsingen?"): no document can
      hold a figure of a thing it never names;
    - a name with a word no document uses and general language does not know either (no
      common word, ``ingest.is_common_word``): "Wat doet het Kraanvogelloket?", "deelnemers
      van Kraanvogelstart Plus" ask after a particular scheme, body or place the documents
      never mention. A common word ("Germany", "Civic Integration Act") may stand in a Dutch
      document in other words ("Duitsland", "Wet inburgering"), so it does not refuse."""
    q = found.question
    counted = {t for t in q.counted if isinstance(t, str)} if q.asks_figure else set()
    unknown = set(found.unknown_terms)
    out = [n for n in found.unknown_names if counted.intersection(stems(n))]
    out += [
        n for n in names_in(q.text) if n not in out and _names_unknown_thing(n, unknown, found.idf)
    ]
    return out


def _names_unknown_thing(name: str, unknown: set[str], vocabulary: Collection[str]) -> bool:
    """Whether a word of ``name`` is unknown to the documents and to general language. A
    word the documents hold in another ending (a people's adjective beside its country's
    name: its stem less the last letter begins a stem of theirs) is known."""
    for word in _WORDS.findall(name):
        held = [s for s in stems(word) if len(s) >= 3]
        if not held or not unknown.issuperset(held) or is_common_word(word):
            continue
        if not any(len(s) >= VARIANT_MIN and meets_any(s[:-1], vocabulary) for s in held):
            return True
    return False


def states_no_figure(ranked: Ranked, pick: FigurePick | None, quoted: int) -> bool:
    """Whether a question that asks for a figure gets none: no figure row answers it, and the
    passage the answer would lead with states no number (a year is no figure), or none of the
    ``quoted`` passages the answer would quote states a figure of the kind asked (a share, an
    amount, a number of things: ``figure_fit.states_unit_asked``), in its text or in the figure rows
    on its lines (a budget table's amounts under "x 1 mln. euro"). The documents then name its
    subject but do not give its figure ("Hoeveel mensen werken er via het Groenbedrijf?" over
    a passage that only says the Groenbedrijf exists; "Wat kostte het project?" over passages
    that count its participants but name no amount), and the answer is refused with the
    nearest documents, not answered with a quote that holds no such figure. Questions that ask
    a reason, a list, a definition or a comparison are answered by words, so never."""
    q = ranked.candidates.question
    if q.answer_type != "figure" or pick is not None or not ranked.passages:
        return False
    if figure_count(ranked.passages[0].quote) == 0:
        return True
    asked = q.figure_query
    found = ranked.candidates.passages
    return not any(
        states_unit_asked(asked, ev.quote, found[i].rows)
        for ev, i in zip(ranked.passages[:quoted], ranked.origin, strict=False)
    )


def question_features(ranked: Ranked, pick: FigurePick | None = None) -> dict[str, float]:
    """The question-level signals: how well the best passages hold the question's words (alone
    and together, and its rarest words), its figure, its year and its place, whether a figure
    row fits (``pick``: the figure stage's rows), and how many of its words the corpus does not
    know. Ranker scores enter standardised over the question's candidates (a model's scale is
    its own)."""
    found = ranked.candidates
    q = found.question
    top = ranked.passages[:TOP]
    scores = np.sort(ranked.scores)[::-1] if len(ranked.scores) else np.zeros(1)
    spread = float(scores.std()) or 1.0
    joined = " ".join(f"{ev.context} {ev.quote}" for ev in ranked.passages[:JOINT])
    dense = [c.similarity or 0.0 for c in found.passages] or [0.0]
    centre, unit = found.dense_mean, found.dense_std
    terms = q.terms if q.language == "nl" else [t for t in q.scored if isinstance(t, str)]
    figured = [ev for ev in top if figure_count(ev.quote) > 0]
    years = set(q.years)
    documents = found.documents

    def covers_year(ev_doc: str, quote: str) -> bool:
        period = str(documents.get(ev_doc, {}).get("period") or "")
        return any(y in quote or y in period for y in years)

    def holds_place(ev_doc: str, quote: str) -> bool:
        own = str(documents.get(ev_doc, {}).get("municipality") or "")
        return bool(q.municipality) and (
            own.lower() == str(q.municipality).lower()
            or str(q.municipality).lower() in quote.lower()
        )

    first = top[0] if top else None
    top_candidate = found.passages[ranked.origin[0]] if top else None
    return {
        "top_z": float((scores[0] - scores.mean()) / spread),
        "gap_z": float((scores[0] - scores[1]) / spread) if len(scores) > 1 else 0.0,
        "top_coverage": first.coverage if first else 0.0,
        "top_context_coverage": first.context_coverage if first else 0.0,
        "best_coverage": max((c.evidence.coverage for c in found.passages), default=0.0),
        "top_dense": (
            ((top_candidate.similarity or 0.0) if top_candidate else float(max(dense))) - centre
        )
        / unit,
        "unknown_share": len(found.unknown_terms) / max(len(set(terms)), 1),
        "unknown": float(len(found.unknown_terms)),
        "unknown_name": float(bool(found.unknown_names)),
        "terms": float(len(q.scored)),
        "figure_support": max((ev.coverage for ev in figured), default=0.0),
        "counted_support": (
            max(
                (
                    coverage(list(q.counted), f"{ev.context} {ev.quote}", found.idf)
                    for ev in figured
                ),
                default=0.0,
            )
            if q.counted
            else 1.0
        ),
        "year_support": float(not years or any(covers_year(ev.doc_id, ev.quote) for ev in top)),
        "place_support": float(
            not q.municipality or any(holds_place(ev.doc_id, ev.quote) for ev in top)
        ),
        "joint_coverage": coverage(list(q.scored), joined, found.idf) if joined else 0.0,
        "rare_support": rare_support(found, joined),
        "row_found": float(pick is not None),
        "row_label_fit": pick.label_fit if pick is not None else 0.0,
        "row_partial": float(pick is not None and pick.status == "partial"),
        "q_figure": float(q.asks_figure),
        "q_english": float(q.language == "en"),
        "q_year": float(bool(years)),
        "q_place": float(q.municipality is not None),
        "q_region": float(q.region is not None),
        **{f"type_{t}": float(q.answer_type == t) for t in ANSWER_TYPES},
    }


@dataclass(frozen=True, slots=True)
class AnswerabilityModel:
    """P(refused) = sigmoid(coef . (x - mean) / scale + intercept); refused at ``threshold``."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    meta: dict[str, Any]

    @property
    def fit(self) -> LinearFit:
        return LinearFit(self.features, self.mean, self.scale, self.coef, self.intercept)

    @classmethod
    def of(cls, fit: LinearFit, threshold: float, meta: dict[str, Any]) -> AnswerabilityModel:
        return cls(fit.features, fit.mean, fit.scale, fit.coef, fit.intercept, threshold, meta)

    def p_refused(self, values: dict[str, float]) -> float:
        x = np.array([values[f] for f in self.features], dtype=np.float64)
        logit = float(self.fit.margin(x))
        return 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))

    def refuses(self, values: dict[str, float]) -> bool:
        return self.p_refused(values) >= self.threshold

    def to_json(self) -> dict[str, Any]:
        return {**self.fit.to_json(), "threshold": self.threshold, **self.meta}

    def save(self, folder: Path) -> None:
        write_linear(
            folder / ANSWERABILITY_FILE, self.fit, {"threshold": self.threshold, **self.meta}
        )

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> AnswerabilityModel:
        fit, rest = read_linear(
            folder / ANSWERABILITY_FILE, ANSWERABILITY_FEATURES, "answerability model"
        )
        threshold = float(rest.pop("threshold"))
        return cls.of(fit, threshold, rest)


@lru_cache(maxsize=4)
def create_answerability(folder: Path = MODEL_DIR) -> AnswerabilityModel:
    return AnswerabilityModel.load(folder)
