"""/ask stage by stage: where the time of one question goes, without a profiler's overhead.

Run: ``python -m bench.ask_profile --data-dir DIR [--embedder onnx|fake] [--questions 40]
[--name x1]``. It opens an existing index (``policy-assistant ingest`` first, or a kept
``bench.growth`` run), asks a few bundled questions to warm up, then asks each question once
with ``time.perf_counter`` spans around the stage calls: this bench wraps the functions and
methods the ``/ask`` path calls (in the modules and objects of this process only; production
code is not changed), so a span costs about a microsecond, not cProfile's per-call overhead.

The stages, in the order ``assistant.services.PolicyAssistant.ask`` runs them: follow-up
resolution and the conversation's last turn; the answering pipeline
(``assistant.pipeline.run.AnswerPipeline.ask``): understand → retrieve (search, units,
unknown words) → features → rank → figures (pick) → answerability → scope → compose →
grounding; then the conversation store and the audit. A stage's time includes the stages
under it (indented). Writes ``bench/results/ask_profile_<name>.{json,md}``.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import resource
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import assistant.pipeline.retrieve as retrieve_mod  # noqa: E402
import assistant.pipeline.run as run_mod  # noqa: E402
import assistant.services as services_mod  # noqa: E402
from assistant import build_assistant  # noqa: E402
from assistant.pipeline.compose import Composer  # noqa: E402
from assistant.sentence_index import SentenceVectors  # noqa: E402
from assistant.unit_lexicon import UnitLexicon  # noqa: E402
from corpus import Settings  # noqa: E402
from ingest.retrieval import IndexSnapshot  # noqa: E402

RESULTS = REPO / "bench" / "results"
MODEL_DIR = REPO / "data" / "models" / "multilingual-e5-small"

_spent: dict[str, float] = defaultdict(float)
_calls: dict[str, int] = defaultdict(int)
_depth: dict[str, int] = defaultdict(int)


def _span(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        _calls[label] += 1
        if _depth[label]:  # a recursive or nested call of the same stage counts once
            return fn(*args, **kwargs)
        _depth[label] += 1
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _spent[label] += time.perf_counter() - started
            _depth[label] -= 1

    return wrapped


GC_LABEL = "garbage collection (anywhere in the ask)"
GC_FULL = "  of which full (generation 2) collections"
_gc_started: list[float] = []


def _gc_span(phase: str, info: dict[str, Any]) -> None:
    """Time spent in the garbage collector, which pauses whatever stage it interrupts."""
    if phase == "start":
        _gc_started[:] = [time.perf_counter()]
    elif _gc_started:
        spent = time.perf_counter() - _gc_started.pop()
        _spent[GC_LABEL] += spent
        _calls[GC_LABEL] += 1
        if info.get("generation") == 2:
            _spent[GC_FULL] += spent
            _calls[GC_FULL] += 1


def patch(owner: Any, attr: str, label: str) -> None:
    """Put a span around ``owner.attr``: a module's function, a class's method (static ones
    kept static) or one object's bound method."""
    if isinstance(owner, type):
        raw = owner.__dict__[attr]
        if isinstance(raw, staticmethod):
            setattr(owner, attr, staticmethod(_span(label, raw.__func__)))
        else:
            setattr(owner, attr, _span(label, raw))
    elif hasattr(owner, "__dict__") and not getattr(owner, "__dataclass_params__", None):
        setattr(owner, attr, _span(label, getattr(owner, attr)))
    else:  # a frozen or slotted object: its class's method
        patch(type(owner), attr, label)


def stages(pa: Any) -> list[tuple[str, str, Any, str]]:
    """(label, where, owner, attribute) in the order of the /ask path; two leading spaces per
    level under the whole ask."""
    pipe = pa.pipeline
    passages = pipe.passages
    retriever = passages.retriever
    return [
        ("whole ask (service)", "assistant/services.py", type(pa), "ask"),
        ("  conversation last turn", "conversation store", pa.conversations, "last_turn"),
        ("  follow-up resolution", "assistant/followup.py", services_mod, "resolve_followup"),
        ("  answering pipeline", "assistant/pipeline/run.py", pipe, "ask"),
        ("    understand", "assistant/pipeline/question.py", run_mod, "understand"),
        ("      idf table (cached per version)", "pipeline/retrieve.py", passages, "idf"),
        ("    retrieve (candidates)", "assistant/pipeline/retrieve.py", passages, "retrieve"),
        ("      search hybrid + bm25 (2 calls)", "ingest/retrieval.py", retriever, "search"),
        ("        query embedding", "ingest/retrieval.py", retriever, "query_vector"),
        ("        filter mask", "ingest/retrieval.py", IndexSnapshot, "mask"),
        ("        BM25 (chunks)", "ingest/retrieval.py", retriever, "_bm25"),
        ("        dense (Chroma query)", "ingest/retrieval.py", retriever, "_dense"),
        (
            "      unit tables (cached per version)",
            "pipeline/retrieve.py",
            passages,
            "_unit_tables",
        ),
        (
            "      unknown terms (vocabulary scan)",
            "pipeline/retrieve.py",
            passages,
            "unknown_terms",
        ),
        ("      unknown names", "pipeline/retrieve.py", passages, "unknown_names"),
        (
            "      unit dense scores (all units)",
            "assistant/sentence_index.py",
            SentenceVectors,
            "scores",
        ),
        (
            "      word coverage (units holding a word)",
            "assistant/unit_lexicon.py",
            UnitLexicon,
            "covering",
        ),
        ("      unit BM25 (all units)", "pipeline/units.py", passages._units[2].bm25, "scores"),
        ("      ranks (of the quoted units)", "pipeline/retrieve.py", retrieve_mod, "_ranks"),
        ("      entered units", "pipeline/retrieve.py", passages, "_entered"),
        ("      runs of sentences", "pipeline/retrieve.py", retrieve_mod, "_runs"),
        (
            "      group coverage (candidates)",
            "assistant/unit_lexicon.py",
            UnitLexicon,
            "group_coverage",
        ),
        ("      verbatim check", "pipeline/retrieve.py", retrieve_mod, "verbatim"),
        ("    features", "assistant/pipeline/features.py", run_mod, "passage_features"),
        ("    rank: ranker model", "assistant/pipeline/ranking.py", pipe.ranker, "score"),
        ("    rank: order", "assistant/pipeline/ranking.py", run_mod, "rank"),
        ("    composer set-up", "assistant/pipeline/compose.py", Composer, "__init__"),
        ("    figure frame (filters)", "assistant/pipeline/run.py", pipe, "_frame"),
        ("    figures (pick rows)", "assistant/pipeline/figures.py", run_mod, "pick_figures"),
        (
            "    answerability features",
            "assistant/pipeline/answerability.py",
            run_mod,
            "question_features",
        ),
        (
            "    answerability model",
            "assistant/pipeline/answerability.py",
            pipe.answerability,
            "p_refused",
        ),
        ("    compose: refusal", "assistant/pipeline/compose.py", Composer, "refusal"),
        ("    compose: figures", "assistant/pipeline/run.py", pipe, "_figures"),
        ("    compose: passages", "assistant/pipeline/run.py", pipe, "_passages"),
        ("      scope check", "assistant/pipeline/run.py", pipe, "_scope"),
        ("    compose: finish", "assistant/pipeline/compose.py", Composer, "finish"),
        ("    grounding", "assistant/grounding.py", run_mod, "ground_answer"),
        ("    index snapshot (per call)", "ingest/retrieval.py", pipe.index, "snapshot"),
        ("  conversation store (append)", "conversation store", pa.conversations, "append"),
        ("  audit append", "assistant/services.py", pa, "_audit"),
    ]


def questions(n: int) -> list[str]:
    every = []
    for path in sorted((REPO / "eval" / "questions").glob("*.jsonl")):
        every += [json.loads(x)["question"] for x in path.read_text().splitlines() if x.strip()]
    return every[:: max(1, len(every) // n)][:n]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=REPO / "data")
    parser.add_argument("--embedder", default="onnx", choices=("onnx", "fake"))
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--name", default="x1")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() and the app's gc thresholds after the warm-up (as the app does)",
    )
    args = parser.parse_args()
    embedding: dict[str, Any] = {"backend": args.embedder}
    if args.embedder == "onnx":  # the data folder's model (REPO/data's by default)
        embedding["model_path"] = args.data_dir / "models" / MODEL_DIR.name
    settings = Settings(data_dir=args.data_dir, embedding=embedding)  # type: ignore[arg-type]
    pa = build_assistant(settings)
    pa.warm_up()
    asked = questions(args.questions)
    for q in asked[:3]:  # warm-up: the index version, the tables built on first use
        pa.ask(q)
    if args.gc_freeze:
        from api.app import SERVING_GC_THRESHOLD

        gc.collect()
        gc.freeze()  # what the warm-up built is not scanned again by every full collection
        gc.set_threshold(*SERVING_GC_THRESHOLD)  # and the app's thresholds while it serves
    table = stages(pa)
    for label, _, owner, attr in table:
        if owner is not None:
            patch(owner, attr, label)
    table += [(GC_LABEL, "gc.callbacks", None, "-"), (GC_FULL, "gc.callbacks", None, "-")]
    gc.callbacks.append(_gc_span)
    load_before = [round(x, 2) for x in os.getloadavg()]
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    per_question: list[dict[str, Any]] = []
    started = time.perf_counter()
    for q in asked:
        _spent.clear()
        _calls.clear()
        pa.ask(q)
        per_question.append(
            {
                "question": q,
                "ms": {k: round(v * 1000, 2) for k, v in _spent.items()},
                "calls": dict(_calls),
            }
        )
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    rows = []
    for label, where, _, attr in table:
        values = [p["ms"].get(label, 0.0) for p in per_question]
        calls = [p["calls"].get(label, 0) for p in per_question]
        rows.append(
            {
                "stage": label,
                "where": where,
                "function": attr,
                "mean_ms": round(statistics.fmean(values), 2),
                "median_ms": round(statistics.median(values), 2),
                "max_ms": round(max(values), 2),
                "calls_per_question": round(statistics.fmean(calls), 1),
            }
        )
    snap = pa.index.snapshot()
    totals = sorted(p["ms"].get("whole ask (service)", 0.0) for p in per_question)
    result = {
        "time": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "name": args.name,
        "embedder": pa.embedder.name,
        "questions": len(asked),
        "chunks": len(snap.chunks),
        "units": len(pa.pipeline.passages.units()),
        "wall_ms_per_question": round(1000 * wall / len(asked), 1),
        "cpu_ms_per_question": round(1000 * cpu / len(asked), 1),
        "whole_ask_p50_ms": round(totals[len(totals) // 2], 1),
        "whole_ask_p95_ms": round(totals[min(len(totals) - 1, int(0.95 * len(totals)))], 1),
        "load_before": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "gc_freeze": args.gc_freeze,  # as the app does after its warm-up
        "stages": rows,
        "per_question": per_question,
    }
    write(result, args)


def write(result: dict[str, Any], args: argparse.Namespace) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"ask_profile_{args.name}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    rows = result["stages"]
    lines = [
        f"# /ask stage by stage ({args.name})",
        "",
        f"Run {result['time']} with `python -m bench.ask_profile --name {args.name}"
        f"{' --gc-freeze' if result.get('gc_freeze') else ''}`: "
        f"{result['questions']} bundled questions asked in the process "
        "(`PolicyAssistant.ask`, no HTTP), one after the other after 3 warm-up questions, over "
        f"{result['chunks']} chunks and {result['units']} units, embedder {result['embedder']}. "
        "Time is measured with `time.perf_counter` spans that this bench puts around the stage "
        "functions (no profiler; production code unchanged); the garbage collector's pauses "
        "are timed apart (`gc.callbacks`)"
        f"{', with what the warm-up built frozen, as the app does' if result.get('gc_freeze') else ''}"
        ". "
        f"Whole ask: mean {result['wall_ms_per_question']} ms wall, "
        f"{result['cpu_ms_per_question']} ms CPU per question; p50 {result['whole_ask_p50_ms']}"
        f" ms, p95 {result['whole_ask_p95_ms']} ms. Load average {result['load_before']} "
        f"before, {result['load_after']} after (2 shared cores).",
        "",
        "A stage includes the stages indented under it; a stage not called for a question "
        "counts 0 ms for it.",
        "",
        "| stage | where | mean ms | median ms | max ms | calls / question |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for row in rows:
        depth = (len(row["stage"]) - len(row["stage"].lstrip())) // 2
        lines.append(
            f"| {'· ' * depth}{row['stage'].strip()} | `{row['where']}:{row['function']}` | "
            f"{row['mean_ms']} | {row['median_ms']} | {row['max_ms']} | "
            f"{row['calls_per_question']} |"
        )
    main_stages = [
        r["stage"]
        for r in rows
        if r["stage"].startswith("    ") and not r["stage"].startswith("      ")
    ]
    short = {s: s.strip().split(" (")[0] for s in main_stages}
    lines += [
        "",
        "## Per question (ms)",
        "",
        "| # | question | whole | " + " | ".join(short.values()) + " |",
        "|--:|---|--:|" + "--:|" * len(short),
    ]
    for n, p in enumerate(result["per_question"], start=1):
        q = p["question"] if len(p["question"]) <= 60 else p["question"][:57] + "…"
        cells = [f"{p['ms'].get(s, 0.0):.1f}" for s in short]
        lines.append(
            f"| {n} | {q.replace('|', '/')} | {p['ms'].get('whole ask (service)', 0.0):.1f} | "
            + " | ".join(cells)
            + " |"
        )
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[: 10 + len(rows)]))


if __name__ == "__main__":
    main()
