"""The typed values that pass between the answering stages: quotable passages and their
candidates. A passage's quote is always the raw source text of its cited lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.pipeline.question import Question

if TYPE_CHECKING:
    from assistant.pipeline.units import UnitTables
from ingest import SearchHit


@dataclass(slots=True)
class Evidence:
    """One quotable place: a sentence, a run of sentences, a list or a table, or the line of a
    figure row."""

    doc_id: str
    page: int | None
    line_start: int
    line_end: int
    quote: str
    score: float
    coverage: float = 0.0  # idf-weighted share of the question's terms in the quote
    context_coverage: float = 0.0  # ... in the quote and the headings it stands under
    context: str = ""  # the headings (and a list's lead) the passage stands under
    block: bool = False  # a list or a table


@dataclass(slots=True)
class Candidate:
    """A passage that may answer the question, with the raw signals the features are made of."""

    evidence: Evidence
    members: tuple[int, ...]  # its units (positions in the unit table), in order
    similarity: float | None  # the best cosine of its units with the question vector
    hit_rank: int | None  # the rank of the search hit it lies in, if any
    dense_rank: int  # the rank of its best unit by cosine, over every allowed unit
    lexical_rank: int  # the rank of its best unit by word coverage, over every allowed unit
    bm25: float = 0.0  # the best BM25 score of its units (text and headings)
    bm25_rank: int = 1  # the rank of that unit by BM25, over every allowed unit
    rows: tuple[dict[str, Any], ...] = ()  # the figure rows on its lines (metrics table)


@dataclass(slots=True)
class Candidates:
    """Stage 2's result: every candidate passage for one question."""

    question: Question
    passages: list[Candidate]
    hits: list[SearchHit]
    unknown_terms: list[str]
    unknown_names: list[str] = field(default_factory=list)  # names the corpus does not know
    idf: dict[str, float] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    tables: UnitTables | None = None  # the units' words and rows, for the features
    # runs one sentence longer than a candidate run, that sentence stating a figure: never
    # ranked, only quoted as the figure a ranked run's last sentence leads up to
    tails: list[Evidence] = field(default_factory=list)
    dense_mean: float = 0.0  # the mean cosine of the question with every allowed unit ...
    dense_std: float = 1.0  # ... and its spread: cosines enter the features in these units


@dataclass(slots=True)
class Ranked:
    """Stage 4's result: the passages in the model's order, overlaps removed."""

    candidates: Candidates
    passages: list[Evidence]  # best first, no two overlapping
    scores: np.ndarray  # the model's score of every candidate (Candidates.passages order)
    origin: list[int] = field(default_factory=list)  # the candidate each passage grew from
