"""Which sentence a passages answer's lead quotes: a learned choice among the sentences of its
best quotes (part of stage 6, compose).

The rule ``lead.best_sentence`` reads one quote at a time: for a figure question the first
quote with a sentence that states a figure and holds a question word, else the first quote's
sentence holding most of the question's words. So a lead often quoted the sentence that sets
the scene ("In het voorjaar is een verkenning gedaan naar de trajecten") and left the one
with the figure ("... respectievelijk 31 en 24 procent") to the quotes below it. Here every
sentence of the first ``QUOTED`` quotes is a candidate, described by a few numbers
(``LEAD_FEATURES``: which quote and where in it, whether and how many figures it states, the
question's words it holds, absolutely and against the best candidate, whether a figure is of
the unit asked, the year asked, table rows, its length, a figure beside it, what the question
asks, and whether the rule would pick it), and a logistic regression (``LeadModel``, the JSON
file ``assistant/models/lead_sentence.json``) scores them; the best-scoring one is the lead's
sentence, and ``lead.passage_lead`` tells it as before (the figures beside it, cut to the
lead's room). ``policy-assistant train`` fits it on the working part only: a candidate is good
when the lead told from it states every number and key word of the question's
``must_include`` (labelled by numbers alone, the model led definitions and policy questions
with any figure nearby).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.figure_text import Note
from assistant.language import Language, Term
from assistant.pipeline.lead import (
    best_sentence,
    passage_lead,
    sentences_of,
    table_like,
    word_count,
)
from assistant.pipeline.linear_model import LinearFit, read_linear, write_linear
from assistant.pipeline.ranking import MODEL_DIR
from assistant.pipeline.units import figure_count
from assistant.sentences import coverage

LEAD_MODEL_FILE = "lead_sentence.json"
CANDIDATE_QUOTES = 3  # the quotes whose sentences a lead may quote (compose.QUOTED)

LEAD_FEATURES: tuple[str, ...] = (
    "rank",  # 0 for the first quote
    "first_sentence",
    "position",  # the sentence's place in its quote, 0..1
    "figure",  # it states a figure
    "figures",  # log(1 + how many)
    "coverage",  # the idf-weighted share of the question's words it holds
    "coverage_rel",  # ... against the best candidate's
    "unit_fit",  # a figure of the kind asked (a count, a share, an amount)
    "year",  # it names a year the question asks
    "years_asked",
    "table",  # table rows rather than a sentence (``lead.table_like``)
    "words",  # log(1 + its words)
    "neighbour_figure",  # the sentence before or after it states a figure
    "q_figure",  # the question asks a figure (or a comparison)
    "q_counts",  # its figures are counts, not a list's or a definition's numbers
    "default",  # the sentence ``lead.best_sentence`` picks
    "figure_q",
    "unit_fit_q",
    "coverage_figure",
    "table_q",
)


@dataclass(frozen=True, slots=True)
class LeadPool:
    """What a passages lead is chosen from: the cited passages (best first) and what the
    question asks. ``Composer.finish`` makes one per passages answer."""

    citations: tuple[dict[str, Any], ...]
    notes: tuple[Note, ...]
    terms: tuple[Term, ...]
    idf: dict[str, float]
    figure: bool
    counts: bool = True
    years: tuple[str, ...] = ()
    fits: Callable[[str], bool] | None = None
    lang: Language = "nl"

    @property
    def quotes(self) -> list[str]:
        return [str(c["quote"]) for c in self.citations[:CANDIDATE_QUOTES]]


def told(pool: LeadPool, choice: tuple[int, str] | None) -> str:
    """The lead ``lead.passage_lead`` tells from ``choice`` (None: the rule's sentence)."""
    return passage_lead(
        pool.citations,
        pool.notes,
        pool.terms,
        pool.idf,
        pool.lang,
        pool.figure,
        counts=pool.counts,
        years=pool.years,
        fits=pool.fits,
        choice=choice,
    )


@dataclass(frozen=True, slots=True)
class LeadCandidate:
    """A sentence of the ``quote``-th quote, and its ``LEAD_FEATURES``."""

    quote: int
    sentence: str
    features: dict[str, float] = field(default_factory=dict)


def rule_choice(pool: LeadPool) -> tuple[int, str]:
    """The quote and sentence ``lead.best_sentence`` picks."""
    return best_sentence(pool.quotes, pool.terms, pool.idf, pool.figure, pool.fits)


def lead_candidates(pool: LeadPool, default: tuple[int, str] | None = None) -> list[LeadCandidate]:
    """Every sentence of the pool's quotes with its features; ``default``: the rule's pick
    (``rule_choice``)."""
    split = [sentences_of(q) for q in pool.quotes]
    covers = [
        [coverage(pool.terms, s, pool.idf) if pool.terms else 0.0 for s in sentences]
        for sentences in split
    ]
    best = max((c for row in covers for c in row), default=0.0) or 1e-9
    out: list[LeadCandidate] = []
    for i, sentences in enumerate(split):
        for j, sentence in enumerate(sentences):
            count = figure_count(sentence)
            beside = [sentences[k] for k in (j - 1, j + 1) if 0 <= k < len(sentences)]
            x = {
                "rank": float(i),
                "first_sentence": float(j == 0),
                "position": j / len(sentences),
                "figure": float(count > 0),
                "figures": math.log1p(count),
                "coverage": covers[i][j],
                "coverage_rel": covers[i][j] / best,
                "unit_fit": float(pool.fits is not None and count > 0 and pool.fits(sentence)),
                "year": float(any(y in sentence for y in pool.years)),
                "years_asked": float(bool(pool.years)),
                "table": float(table_like(sentence)),
                "words": math.log1p(word_count(sentence)),
                "neighbour_figure": float(any(figure_count(s) > 0 for s in beside)),
                "q_figure": float(pool.figure),
                "q_counts": float(pool.counts),
                "default": float(default == (i, sentence)),
            }
            x["figure_q"] = x["figure"] * x["q_figure"]
            x["unit_fit_q"] = x["unit_fit"] * x["q_figure"]
            x["coverage_figure"] = x["coverage_rel"] * x["figure"]
            x["table_q"] = x["table"] * x["q_figure"]
            out.append(LeadCandidate(i, sentence, x))
    return out


def feature_matrix(candidates: Sequence[LeadCandidate]) -> np.ndarray:
    return np.array(
        [[c.features[f] for f in LEAD_FEATURES] for c in candidates], dtype=np.float64
    ).reshape(len(candidates), len(LEAD_FEATURES))


@dataclass(frozen=True, slots=True)
class LeadModel:
    """score = coef . (x - mean) / scale + intercept; the lead quotes the best-scoring
    candidate (the first on a tie)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def fit(self) -> LinearFit:
        return LinearFit(self.features, self.mean, self.scale, self.coef, self.intercept)

    @classmethod
    def of(cls, fit: LinearFit, meta: dict[str, Any]) -> LeadModel:
        return cls(fit.features, fit.mean, fit.scale, fit.coef, fit.intercept, meta)

    def scores(self, candidates: Sequence[LeadCandidate]) -> np.ndarray:
        return self.fit.margin(feature_matrix(candidates))

    def choose(self, candidates: Sequence[LeadCandidate]) -> LeadCandidate | None:
        if not candidates:
            return None
        return candidates[int(np.argmax(self.scores(candidates)))]

    def choice(self, pool: LeadPool) -> tuple[int, str] | None:
        """The quote and sentence the lead quotes (None without quotes)."""
        best = self.choose(lead_candidates(pool, rule_choice(pool)))
        return None if best is None else (best.quote, best.sentence)

    def to_json(self) -> dict[str, Any]:
        return {**self.fit.to_json(), **self.meta}

    def save(self, folder: Path) -> None:
        write_linear(folder / LEAD_MODEL_FILE, self.fit, self.meta)

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> LeadModel:
        fit, rest = read_linear(folder / LEAD_MODEL_FILE, LEAD_FEATURES, "lead sentence model")
        return cls.of(fit, rest)


@lru_cache(maxsize=4)
def create_lead_model(folder: Path = MODEL_DIR) -> LeadModel:
    return LeadModel.load(folder)
