"""Training the answering models from the labelled questions, and scoring them honestly.

``collect`` runs the first stages (understand, retrieve, features) for every labelled question
and labels each candidate passage: relevant when it lies in the question's evidence lines (give
or take ``EVIDENCE_SLACK``, as the evaluation counts a hit). ``fit_ranker`` fits the LightGBM
``lambdarank`` passage ranker on a set of questions. The split (``eval/split.json``) decides
which questions may be trained on: the working part only. Leave-one-document-out fits one model
per document on the other documents' working questions and scores that document's questions.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from assistant.eval_scoring import (
    evidence_places,
    expected_numbers,
    in_places,
    key_words,
    states_number,
)
from assistant.pipeline.candidates import Candidates
from assistant.pipeline.features import FEATURES, passage_features
from assistant.pipeline.lead_choice import (
    LEAD_FEATURES,
    LeadCandidate,
    LeadModel,
    LeadPool,
    feature_matrix,
    lead_candidates,
    rule_choice,
    told,
)
from assistant.pipeline.linear_model import LinearFit
from assistant.pipeline.question import understand
from assistant.pipeline.ranking import LightGBMRanker, rank
from assistant.pipeline.retrieve import PassageRetriever
from corpus import InvalidRequestError
from ingest import SearchFilters

RANKER_PARAMS: dict[str, Any] = {
    "objective": "lambdarank",
    "metric": "ndcg",
    "ndcg_eval_at": [1, 5],
    "learning_rate": 0.05,
    "num_leaves": 7,
    "min_data_in_leaf": 30,
    "lambda_l2": 10.0,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambdarank_truncation_level": 20,
    "verbose": -1,
    "num_threads": 2,
    "seed": 7,
    "deterministic": True,
}
RANKER_ROUNDS = 150


@dataclass(slots=True)
class Split:
    """``eval/split.json``: the ids of the frozen test part, and the question sets."""

    test: frozenset[str]
    sets: tuple[Path, ...] = ()

    @classmethod
    def load(cls, path: Path) -> Split:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            test = frozenset(str(i) for i in data["test"])
            sets = tuple(Path(path).parent / s for s in data.get("sets", []))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InvalidRequestError(
                f"cannot read split {path}: {exc}", code="invalid_split"
            ) from exc
        return cls(test, sets)

    def part(self, question_id: str) -> str:
        return "test" if question_id in self.test else "working"


def document_of(question: dict[str, Any], documents: dict[str, dict[str, Any]]) -> str:
    """The doc id of the question's ``source`` file (the document it was written from)."""
    name = Path(str(question["source"])).name
    for doc_id, entry in documents.items():
        if entry.get("source") == name:
            return doc_id
    return Path(name).stem


@dataclass(slots=True)
class Example:
    """One labelled question with its candidates, their features and their labels."""

    question: dict[str, Any]
    document: str
    part: str
    found: Candidates
    table: pd.DataFrame
    labels: np.ndarray

    @property
    def answerable(self) -> bool:
        return self.question["expect_status"] != "refused"


def label_candidates(question: dict[str, Any], found: Candidates) -> np.ndarray:
    """1 for a candidate in the evidence lines (or an ``also`` place), else 0."""
    places = evidence_places(question) if question["expect_status"] != "refused" else []
    sources = {d: str(e.get("source", "")) for d, e in found.documents.items()}
    return np.array(
        [
            int(
                bool(places)
                and in_places(
                    sources.get(c.evidence.doc_id, ""),
                    c.evidence.line_start,
                    c.evidence.line_end,
                    places,
                )
            )
            for c in found.passages
        ],
        dtype=np.int64,
    )


def collect(
    retriever: PassageRetriever,
    questions: Sequence[dict[str, Any]],
    split: Split,
    *,
    progress: bool = True,
) -> list[Example]:
    """Candidates, features and labels of every question (the first three stages)."""
    from tqdm import tqdm

    documents = retriever.documents()
    idf = retriever.idf()
    out = []
    for q in tqdm(
        questions, desc="candidates", unit="question", disable=not progress, file=sys.stderr
    ):
        question = understand(q["question"], documents, idf)
        found = retriever.retrieve(question, SearchFilters())
        out.append(
            Example(
                q,
                document_of(q, documents),
                split.part(str(q["id"])),
                found,
                passage_features(found),
                label_candidates(q, found),
            )
        )
    return out


def fit_ranker(
    examples: Sequence[Example], params: dict[str, Any] | None = None, rounds: int = RANKER_ROUNDS
) -> LightGBMRanker:
    """A lambdarank model on the answerable questions that have a relevant candidate."""
    import lightgbm

    used = [e for e in examples if e.answerable and e.labels.any()]
    if not used:
        raise ValueError("no labelled question with a relevant candidate to train on")
    matrix = np.vstack([e.table[list(FEATURES)].to_numpy(dtype=np.float64) for e in used])
    labels = np.concatenate([e.labels for e in used])
    data = lightgbm.Dataset(
        matrix, label=labels, group=[len(e.labels) for e in used], feature_name=list(FEATURES)
    )
    booster = lightgbm.train({**RANKER_PARAMS, **(params or {})}, data, num_boost_round=rounds)
    return LightGBMRanker(booster, FEATURES)


def hit_rank(example: Example, scores: np.ndarray) -> int | None:
    """The 1-based rank of the first relevant passage after ranking (overlaps removed)."""
    ranked = rank(example.found, scores)
    places = evidence_places(example.question)
    sources = {d: str(e.get("source", "")) for d, e in example.found.documents.items()}
    for n, ev in enumerate(ranked.passages, start=1):
        if in_places(sources.get(ev.doc_id, ""), ev.line_start, ev.line_end, places):
            return n
    return None


def ranking_scores(
    examples: Sequence[Example], score: Callable[[Example], np.ndarray]
) -> dict[str, float]:
    """hit@1, hit@5 and MRR of the ranked passages over the answerable questions."""
    ranks = [
        hit_rank(e, score(e)) for e in examples if e.answerable and evidence_places(e.question)
    ]
    if not ranks:
        return {"questions": 0}
    return {
        "questions": len(ranks),
        "hit@1": round(sum(r == 1 for r in ranks) / len(ranks), 3),
        "hit@5": round(sum(r is not None and r <= 5 for r in ranks) / len(ranks), 3),
        "mrr": round(sum(1 / r for r in ranks if r) / len(ranks), 3),
    }


# ----- answerability ----------------------------------------------------------------------
def question_table(examples: Sequence[Example], ranker: Any, frame: pd.DataFrame) -> pd.DataFrame:
    """The question-level features of every example, its passages ranked by ``ranker`` and its
    figure rows picked from ``frame`` as ``/ask`` picks them."""
    from assistant.pipeline.answerability import ANSWERABILITY_FEATURES, question_features
    from assistant.pipeline.run import AnswerPipeline

    rows = []
    for e in examples:
        ranked = rank(e.found, ranker.score(e.table))
        rows.append(question_features(ranked, AnswerPipeline.pick(e.found.question, ranked, frame)))
    return pd.DataFrame(rows, columns=list(ANSWERABILITY_FEATURES), dtype=float)


def out_of_fold_questions(
    examples: Sequence[Example], fit: Callable[[Sequence[Example]], Any], frame: pd.DataFrame
) -> pd.DataFrame:
    """Question features as they look on a document the ranker has never seen: each
    document's examples ranked by a ranker fitted on the other documents' examples."""
    parts = []
    for doc in sorted({e.document for e in examples}):
        inside = [i for i, e in enumerate(examples) if e.document == doc]
        ranker = fit([e for e in examples if e.document != doc])
        table = question_table([examples[i] for i in inside], ranker, frame)
        table.index = inside
        parts.append(table)
    return pd.concat(parts).sort_index()


def _fit_logistic(
    x: np.ndarray, y: np.ndarray, c: float, max_iter: int
) -> tuple[Any, np.ndarray, np.ndarray]:
    """A class-balanced logistic regression on ``x`` standardised (a constant column keeps
    scale 1): the model, the mean and the scale."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=max_iter)
    model.fit((x - mean) / scale, y)
    return model, mean, scale


def _linear_fit(
    features: tuple[str, ...], model: Any, mean: np.ndarray, scale: np.ndarray
) -> LinearFit:
    """A fitted ``_fit_logistic`` as the file format the models share (``LinearFit``)."""
    return LinearFit(
        features,
        tuple(float(v) for v in mean),
        tuple(float(v) for v in scale),
        tuple(float(v) for v in model.coef_[0]),
        float(model.intercept_[0]),
    )


def _fit_answerability(
    table: pd.DataFrame, refused: np.ndarray
) -> tuple[Any, np.ndarray, np.ndarray]:
    return _fit_logistic(table.to_numpy(dtype=np.float64), refused, ANSWERABILITY_C, 2000)


ANSWERABILITY_C = 0.5


def choose_threshold(p_refused: np.ndarray, refused: np.ndarray) -> float:
    """The probability at which to refuse: the one that classifies the most held-out
    questions right (ties go to the lowest false refusal rate). Measured against refusing
    at most 5% of answerable questions (the issue's floor) on the frozen test part, that
    budget refused more but answered worse (status 0.685 against 0.698), so it is not used."""
    candidates = np.unique(np.concatenate([[0.5], p_refused]))
    best, best_key = 0.5, (-1.0, 0.0)
    for t in candidates:
        said = p_refused >= t
        accuracy = float((said == refused).mean())
        wrongly = float((said & ~refused).mean())
        key = (accuracy, -wrongly)
        if key > best_key:
            best, best_key = float(t), key
    return best


def _scorer(model: Any) -> Callable[[Example], np.ndarray]:
    def score(example: Example) -> np.ndarray:
        return np.asarray(model.score(example.table))

    return score


def _auc(p: np.ndarray, positive: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    if positive.all() or not positive.any():
        return None
    return float(roc_auc_score(positive, p))


def fit_answerability(
    table: pd.DataFrame, refused: np.ndarray, groups: Sequence[str], meta: dict[str, Any]
) -> Any:
    """The answerability model: logistic regression on all of ``table``; its threshold chosen
    on predictions for each group (document) by a model fitted on the other groups."""
    from assistant.pipeline.answerability import ANSWERABILITY_FEATURES, AnswerabilityModel

    refused = np.asarray(refused, dtype=bool)
    group_of = np.asarray(groups)
    held_out = np.zeros(len(refused))
    for g in sorted(set(group_of)):
        inside = group_of == g
        if refused[~inside].all() or not refused[~inside].any():
            held_out[inside] = 0.5
            continue
        model, mean, scale = _fit_answerability(table[~inside], refused[~inside])
        x = (table[inside].to_numpy(dtype=np.float64) - mean) / scale
        held_out[inside] = model.predict_proba(x)[:, 1]
    threshold = choose_threshold(held_out, refused)
    said = held_out >= threshold
    meta = {
        **meta,
        "held_out": {
            "questions": int(refused.size),
            "unanswerable": int(refused.sum()),
            "auc": _auc(held_out, refused),
            "refused_when_expected": float(said[refused].mean()) if refused.any() else None,
            "answerable_wrongly_refused": float(said[~refused].mean())
            if (~refused).any()
            else None,
        },
    }
    model, mean, scale = _fit_answerability(table, refused)
    return AnswerabilityModel.of(
        _linear_fit(ANSWERABILITY_FEATURES, model, mean, scale), threshold, meta
    )


# ----- whole runs -------------------------------------------------------------------------
def refused_labels(examples: Sequence[Example]) -> np.ndarray:
    return np.array([e.question["expect_status"] == "refused" for e in examples], dtype=bool)


def fit_models(
    examples: Sequence[Example], frame: pd.DataFrame, meta: dict[str, Any] | None = None
) -> tuple[Any, Any]:
    """The ranker on ``examples``, and the answerability model on their question features as a
    ranker that has not seen their document ranks them."""
    ranker = fit_ranker(examples)
    table = out_of_fold_questions(examples, fit_ranker, frame)
    answerability = fit_answerability(
        table, refused_labels(examples), [e.document for e in examples], meta or {}
    )
    return ranker, answerability


def lodo_models(examples: Sequence[Example], frame: pd.DataFrame) -> dict[str, tuple[Any, Any]]:
    """Per document: models fitted on the working questions of the other documents only."""
    working = [e for e in examples if e.part == "working"]
    return {
        doc: fit_models([e for e in working if e.document != doc], frame)
        for doc in sorted({e.document for e in examples})
    }


def data_version(questions: Sequence[dict[str, Any]], split_path: Path) -> str:
    """A short hash of the labelled questions and the split the models were trained on."""
    import hashlib

    digest = hashlib.sha256(Path(split_path).read_bytes())
    for q in sorted(questions, key=lambda q: str(q["id"])):
        digest.update(
            json.dumps({k: v for k, v in q.items() if k != "set"}, sort_keys=True).encode()
        )
    return digest.hexdigest()[:16]


@dataclass(slots=True)
class TrainingReport:
    """What ``policy-assistant train`` fitted and how it scores (ranking only; the end-to-end
    scores come from ``policy-assistant eval``)."""

    data_version: str
    questions: dict[str, int]
    ranking: dict[str, Any]
    importances: dict[str, float]
    answerability: dict[str, Any]
    lead: dict[str, Any] = field(default_factory=dict)  # the lead sentence model (lead_scores)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)

    def markdown(self) -> str:
        lines = [
            "# Training report",
            "",
            f"Data version `{self.data_version}`: {self.questions['working']} working questions "
            f"trained on, {self.questions['test']} test questions only scored.",
            "",
            "## Passage ranking (the ranked passages, overlaps removed)",
            "",
            "| part | questions | hit@1 | hit@5 | MRR |",
            "|---|--:|--:|--:|--:|",
        ]
        for part, s in self.ranking.items():
            if s.get("questions"):
                lines.append(
                    f"| {part} | {s['questions']} | {s['hit@1']:.3f} | {s['hit@5']:.3f} | "
                    f"{s['mrr']:.3f} |"
                )
        lines += ["", "## Feature importance of the ranker (gain)", ""]
        lines += ["| feature | gain |", "|---|--:|"]
        for name, gain in sorted(self.importances.items(), key=lambda kv: -kv[1]):
            lines.append(f"| {name} | {gain:.0f} |")
        a = self.answerability
        lines += [
            "",
            "## Answerability (P(refused), logistic regression on standardised features)",
            "",
            f"Threshold {a['threshold']:.3f}, chosen on held-out documents of the working part: "
            "the one that decides the most of them right.",
            "",
        ]
        h = a.get("held_out") or {}
        if h:
            lines += [
                "Held out (each working document scored by a model fitted on the others): "
                f"{h['questions']} questions, {h['unanswerable']} unanswerable, "
                f"AUC {_fmt(h.get('auc'))}, refused when expected "
                f"{_fmt(h.get('refused_when_expected'))}, answerable wrongly refused "
                f"{_fmt(h.get('answerable_wrongly_refused'))}.",
                "",
            ]
        lines += [
            "| feature | coefficient |",
            "|---|--:|",
        ]
        for name, coef in sorted(a["coefficients"].items(), key=lambda kv: -abs(kv[1])):
            lines.append(f"| {name} | {coef:+.3f} |")
        lead = self.lead
        if lead.get("questions"):
            lines += [
                "",
                "## The lead's sentence (passages answers of working questions with numbers)",
                "",
                f"{lead['questions']} questions; the lead states every expected number with "
                f"the rule's sentence in {lead['rule']:.3f}, with the sentence of a model "
                f"fitted on the other documents in {lead['model_held_out']:.3f} (some "
                f"sentence could in {lead['best_possible']:.3f}).",
            ]
        return "\n".join(lines) + "\n"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def train(
    retriever: PassageRetriever,
    questions: Sequence[dict[str, Any]],
    split_path: Path,
    out_dir: Path,
    *,
    progress: bool = True,
) -> TrainingReport:
    """Fit the ranker and the answerability model on the working part, save them with their
    feature lists and data version in ``out_dir``, and report how they rank: on the working
    part (fitted on), the test part (never fitted on) and each left-out document."""
    frame = retriever.figures.frame()
    split = Split.load(split_path)
    examples = collect(retriever, questions, split, progress=progress)
    working = [e for e in examples if e.part == "working"]
    version = data_version(questions, split_path)
    meta = {"data_version": version, "trained_on": len(working)}
    ranker, answerability = fit_models(working, frame, meta)
    ranker.save(out_dir, {**meta, "params": RANKER_PARAMS, "rounds": RANKER_ROUNDS})
    answerability.save(out_dir)
    ranking: dict[str, Any] = {
        "working (fitted on)": ranking_scores(working, lambda e: ranker.score(e.table)),
        "test (frozen)": ranking_scores(
            [e for e in examples if e.part == "test"], lambda e: ranker.score(e.table)
        ),
    }
    for doc in sorted({e.document for e in examples}):
        fold = fit_ranker([e for e in working if e.document != doc])
        ranking[f"left out: {doc}"] = ranking_scores(
            [e for e in examples if e.document == doc], _scorer(fold)
        )
    gains = ranker.booster.feature_importance("gain")
    report = TrainingReport(
        version,
        {"working": len(working), "test": len(examples) - len(working)},
        ranking,
        {name: float(g) for name, g in zip(FEATURES, gains, strict=True)},
        {
            "threshold": answerability.threshold,
            "held_out": answerability.meta.get("held_out", {}),
            "coefficients": dict(zip(answerability.features, answerability.coef, strict=True)),
        },
    )
    (out_dir / "training_report.json").write_text(
        json.dumps(report.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "training_report.md").write_text(report.markdown(), encoding="utf-8")
    return report


def split_sets(path: Path) -> list[Path]:
    """The question sets a split file names."""
    return list(Split.load(path).sets)


def train_examples(
    assistant: Any, questions: Sequence[dict[str, Any]], split_path: Path
) -> list[Example]:
    """The labelled examples of ``questions`` over the assistant's current index."""
    return collect(assistant.pipeline.passages, questions, Split.load(split_path))


def lodo_for(
    assistant: Any, questions: Sequence[dict[str, Any]], split_path: Path
) -> dict[str, tuple[Any, Any, Any]]:
    """``eval --lodo``: per document, models trained without it (see :func:`lodo_models`), and
    the lead sentence model fitted on the other documents' working questions as those models
    answer them."""
    examples = train_examples(assistant, questions, split_path)
    models = lodo_models(examples, assistant.figures.frame())
    split = Split.load(split_path)
    working = [q for q in questions if split.part(str(q["id"])) == "working"]
    documents = assistant.pipeline.passages.documents()
    out: dict[str, tuple[Any, Any, Any]] = {}
    try:
        for doc, (ranker, answerability) in models.items():
            others = [q for q in working if document_of(q, documents) != doc]
            assistant.pipeline.use(ranker, answerability)
            pools = lead_pools(assistant.pipeline, others)
            out[doc] = (ranker, answerability, fit_lead_model(lead_examples(pools, documents)))
    finally:
        assistant.pipeline.use(None, None)
    return out


def train_models(
    assistant: Any, questions: Sequence[dict[str, Any]], split_path: Path, out_dir: Path
) -> TrainingReport:
    """``policy-assistant train``: fit and save the ranker and the answerability model (see
    :func:`train`), then the lead sentence model as they answer (:func:`train_lead`)."""
    from assistant.pipeline.answerability import AnswerabilityModel
    from assistant.pipeline.ranking import LightGBMRanker

    report = train(assistant.pipeline.passages, questions, split_path, out_dir)
    assistant.pipeline.use(LightGBMRanker.load(out_dir), AnswerabilityModel.load(out_dir))
    try:
        report.lead = train_lead(assistant, questions, split_path, out_dir, report.data_version)
    finally:
        assistant.pipeline.use(None, None)
    (out_dir / "training_report.json").write_text(
        json.dumps(report.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "training_report.md").write_text(report.markdown(), encoding="utf-8")
    return report


def train_lead(
    assistant: Any,
    questions: Sequence[dict[str, Any]],
    split_path: Path,
    out_dir: Path,
    version: str,
) -> dict[str, Any]:
    """Fit the lead sentence model on the working questions as the pipeline's models answer
    them, save it in ``out_dir``, and score its choice on held-out documents
    (:func:`lead_scores`)."""
    split = Split.load(split_path)
    working = [q for q in questions if split.part(str(q["id"])) == "working"]
    documents = assistant.pipeline.passages.documents()
    examples = lead_examples(lead_pools(assistant.pipeline, working), documents)
    meta = {"data_version": version, "trained_on": len(working)}
    fit_lead_model(examples, meta).save(out_dir)
    return lead_scores(examples)


# ----- the lead's sentence ----------------------------------------------------------------
LEAD_C = 1.0  # inverse regularisation of the lead sentence model (sklearn's default)


@dataclass(slots=True)
class LeadExample:
    """A labelled question answered by passages: the pool its lead was chosen from, every
    candidate sentence, and per candidate 1 when the lead told from it states every number
    the question's ``must_include`` holds."""

    question: dict[str, Any]
    document: str
    pool: LeadPool
    candidates: list[LeadCandidate]
    labels: np.ndarray
    rule: int  # the candidate ``lead.best_sentence`` picks


def lead_pools(
    pipeline: Any, questions: Sequence[dict[str, Any]], *, progress: bool = True
) -> list[tuple[dict[str, Any], LeadPool]]:
    """Each question asked through ``pipeline`` (with the models it uses now), and the pool
    its passages lead was chosen from; questions answered by figure rows or refused have
    none."""
    from tqdm import tqdm

    from assistant.language import detect_language

    out: list[tuple[dict[str, Any], LeadPool]] = []
    pipeline.lead_pools = []
    try:
        for q in tqdm(
            questions, desc="leads", unit="question", disable=not progress, file=sys.stderr
        ):
            pipeline.lead_pools.clear()
            pipeline.ask(q["question"], language=detect_language(q["question"]))
            out.extend((q, pool) for pool in pipeline.lead_pools)
    finally:
        pipeline.lead_pools = None
    return out


def lead_examples(
    pools: Sequence[tuple[dict[str, Any], LeadPool]], documents: dict[str, dict[str, Any]]
) -> list[LeadExample]:
    """The pools of answerable questions whose reference answer must state numbers, each
    candidate labelled by the lead told from it."""
    out = []
    for q, pool in pools:
        numbers = expected_numbers(q.get("must_include", []))
        words = [w.lower() for w in key_words(q.get("must_include", []))]
        if q["expect_status"] == "refused" or not (numbers or words):
            continue
        rule = rule_choice(pool)
        candidates = lead_candidates(pool, rule)
        if not candidates:
            continue
        labels = []
        for c in candidates:
            lead = told(pool, (c.quote, c.sentence))
            stated = all(states_number(lead, values) for _, values in numbers)
            labels.append(int(stated and all(w in lead.lower() for w in words)))
        at = next((i for i, c in enumerate(candidates) if (c.quote, c.sentence) == rule), 0)
        out.append(
            LeadExample(q, document_of(q, documents), pool, candidates, np.array(labels), at)
        )
    return out


def fit_lead_model(
    examples: Sequence[LeadExample], meta: dict[str, Any] | None = None
) -> LeadModel:
    """Logistic regression over the candidates' standardised ``LEAD_FEATURES``: good or not."""
    used = [e for e in examples if e.labels.any() and not e.labels.all()]
    if not used:
        raise ValueError("no labelled question whose lead sentence matters to train on")
    x = np.vstack([feature_matrix(e.candidates) for e in used])
    y = np.concatenate([e.labels for e in used])
    model, mean, scale = _fit_logistic(x, y, LEAD_C, 5000)
    return LeadModel.of(
        _linear_fit(LEAD_FEATURES, model, mean, scale),
        {**(meta or {}), "C": LEAD_C, "questions": len(used)},
    )


def lead_scores(examples: Sequence[LeadExample]) -> dict[str, Any]:
    """The share of questions whose lead states every expected number, with the rule's
    sentence and with the sentence of a model fitted on the other documents' questions."""
    if not examples:
        return {"questions": 0}
    chosen: list[bool] = []
    for doc in sorted({e.document for e in examples}):
        inside = [e for e in examples if e.document == doc]
        try:
            model = fit_lead_model([e for e in examples if e.document != doc])
        except ValueError:
            chosen.extend(bool(e.labels[e.rule]) for e in inside)
            continue
        chosen.extend(bool(e.labels[int(np.argmax(model.scores(e.candidates)))]) for e in inside)
    return {
        "questions": len(examples),
        "rule": round(float(np.mean([e.labels[e.rule] for e in examples])), 3),
        "model_held_out": round(float(np.mean(chosen)), 3),
        "best_possible": round(float(np.mean([e.labels.any() for e in examples])), 3),
    }
