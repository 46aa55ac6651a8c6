"""Stage 4, rank: the learned passage ranker, and the ranked passages it gives.

The ranker is a LightGBM ``lambdarank`` model over the feature table of
``assistant.pipeline.features``, trained by ``policy-assistant train`` on the working part of the
labelled questions (``assistant.training``). Its file (``assistant/models/passage_ranker.txt``)
is committed beside its feature list and training report. A model whose feature list differs
from the code's is refused at load: retrain.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from assistant.pipeline.candidates import Candidates, Evidence, Ranked
from assistant.pipeline.features import FEATURES
from assistant.pipeline.units import figure_count
from corpus import ConfigurationError

MODEL_DIR = Path(__file__).resolve().parent.parent / "models"
RANKER_FILE = "passage_ranker.txt"
RANKER_META = "passage_ranker.json"
RANKED_KEPT = 12  # best non-overlapping passages kept (their figure rows answer figure questions)
FOLLOWING = 3  # sentences with figures a quoted sentence may carry after it


class ModelError(ConfigurationError):
    code = "model_unavailable"


def read_model_json(path: Path, features: tuple[str, ...], what: str) -> dict[str, Any]:
    """A model's JSON file; a ``ModelError`` naming ``what`` when the file is missing or was
    fitted on other features than ``features`` (the models are retrained, never guessed at)."""
    if not path.is_file():
        raise ModelError(f"no {what} in {path.parent}: run `policy-assistant train`")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != features:
        raise ModelError(
            f"the {what} in {path.parent} was trained on other features: "
            "run `policy-assistant train`"
        )
    return data


class PassageRanker(Protocol):
    """Scores the candidates of one question: higher is better."""

    features: tuple[str, ...]

    def score(self, table: pd.DataFrame) -> np.ndarray: ...


class LightGBMRanker:
    """A LightGBM model file with its feature list."""

    def __init__(self, booster: Any, features: Sequence[str], meta: dict[str, Any] | None = None):
        self.booster = booster
        self.features = tuple(features)
        self.meta = meta or {}

    def score(self, table: pd.DataFrame) -> np.ndarray:
        if not len(table):
            return np.zeros(0)
        matrix = table[list(self.features)].to_numpy(dtype=np.float64)
        return np.asarray(self.booster.predict(matrix, num_threads=1), dtype=np.float64)

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> LightGBMRanker:
        import lightgbm

        path = folder / RANKER_FILE
        if not path.is_file():
            raise ModelError(f"no passage ranker in {folder}: run `policy-assistant train`")
        meta = read_model_json(folder / RANKER_META, FEATURES, "passage ranker")
        booster = lightgbm.Booster(model_str=path.read_text(encoding="utf-8"))
        return cls(booster, meta["features"], meta)

    def save(self, folder: Path, meta: dict[str, Any]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / RANKER_FILE).write_text(self.booster.model_to_string(), encoding="utf-8")
        payload = {**meta, "features": list(self.features)}
        (folder / RANKER_META).write_text(
            json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )


@lru_cache(maxsize=4)
def create_passage_ranker(folder: Path = MODEL_DIR) -> PassageRanker:
    """The committed model, loaded once per process."""
    return LightGBMRanker.load(folder)


def overlaps(a: Evidence, b: Evidence) -> bool:
    return a.doc_id == b.doc_id and a.line_start <= b.line_end and b.line_start <= a.line_end


def touches(a: Evidence, b: Evidence) -> bool:
    """Two different sentences that only share the line one ends and the other begins on."""
    first, second = (a, b) if a.line_start <= b.line_start else (b, a)
    return (
        first.doc_id == second.doc_id
        and first.line_end == second.line_start
        and first.line_start < second.line_start
        and first.line_end < second.line_end
        and " ".join(second.quote.split()[:3]) not in first.quote
    )


def with_following_figures(
    ev: Evidence, candidates: Sequence[Evidence], taken: Sequence[Evidence] = (), steps: int = 1
) -> Evidence:
    """A sentence quoted together with the sentences right after it when those hold the
    figures it introduces ("Het voorlopige budget is bekendgemaakt. Er is ... 114,46 miljoen
    euro toegekend."): up to ``steps`` times the shortest such run among the candidates, and
    never into a passage already ``taken`` (the run stops before it)."""
    for _ in range(steps):
        longer = [
            c
            for c in candidates
            if c.doc_id == ev.doc_id
            and c.line_start == ev.line_start
            and c.line_end > ev.line_end
            and c.quote.startswith(ev.quote)
            and figure_count(c.quote[len(ev.quote) :]) > 0
        ]
        if not longer:
            break
        run = min(longer, key=lambda c: len(c.quote))
        if any(overlaps(t, run) for t in taken):
            break
        ev = replace(ev, line_start=run.line_start, line_end=run.line_end, quote=run.quote)
    return ev


def rank(found: Candidates, scores: np.ndarray) -> Ranked:
    """The candidates in score order, each carrying the figure sentences after it, no two
    overlapping (a figure question also keeps a sentence that only shares the line a kept one
    ends on: "... gerealiseerd te worden. De uitstroom naar" / "werk is 429.")."""
    evidence = [c.evidence for c in found.passages]
    for ev, score in zip(evidence, scores, strict=True):
        ev.score = round(float(score), 4)
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    ordered = [evidence[i] for i in order]
    # a passage only grows into candidates that start where it starts: those, in score order,
    # found once (not a pass over every candidate, some 500, per passage and step)
    starting: dict[tuple[str, int], list[Evidence]] = {}
    for ev in ordered:
        starting.setdefault((ev.doc_id, ev.line_start), []).append(ev)
    kept: list[Evidence] = []
    origin: list[int] = []
    figure = found.question.asks_figure
    for i, ev in zip(order, ordered, strict=True):
        if len(kept) >= RANKED_KEPT:
            break
        ev = with_following_figures(ev, starting[ev.doc_id, ev.line_start], kept, FOLLOWING)
        if any(overlaps(p, ev) and not (figure and touches(p, ev)) for p in kept):
            continue
        kept.append(ev)
        origin.append(i)
    return Ranked(found, kept, scores, origin)


def with_tails(ranked: Ranked) -> Ranked:
    """The ranked passages as they are quoted: a run that ends right before the sentence
    stating its figure ("... Die ambitie staat onder druk." / "Voor de eerste drie kwartalen
    is het resultaat 21,29%.") is quoted with it (``Candidates.tails``), never into a passage
    ranked above it; a passage below that the longer quote now holds is left out, as in
    ``rank``. Ranking, answerability and the figure pick read the passages before this: a
    longer quote changes what is shown, not what is decided."""
    tails = ranked.candidates.tails
    if not tails:
        return ranked
    figure = ranked.candidates.question.asks_figure
    quoted: list[Evidence] = []
    for ev in ranked.passages:
        if any(overlaps(p, ev) and not (figure and touches(p, ev)) for p in quoted):
            continue
        quoted.append(with_following_figures(ev, tails, quoted))
    return replace(ranked, passages=quoted)
