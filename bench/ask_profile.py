"""/ask stage by stage: where the time of one question goes.

Run: ``python -m bench.ask_profile --data-dir DIR [--embedder onnx|fake] [--questions 40]
[--name x1]``. It opens an existing index (``policy-assistant ingest`` first, or a kept
``bench.growth`` run), asks the bundled questions once to warm up, then asks each under
``cProfile`` and reports, per stage, the mean milliseconds per question (cumulative: a stage
includes what it calls) and which module owns it. The stages are the functions the
``/ask`` code path calls in order (``assistant.services.PolicyAssistant.ask`` →
``assistant.pipeline.AnswerPipeline.ask`` → understand, retrieve (search, units), features,
rank, figures, answerability, grounding → conversation store, audit). Writes ``bench/results/ask_profile_<name>.{json,md}``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant import build_assistant  # noqa: E402
from corpus import Settings  # noqa: E402

RESULTS = REPO / "bench" / "results"
MODEL_DIR = REPO / "data" / "models" / "multilingual-e5-small"
# (label, file suffix, function name): cumulative time of each
STAGES = (
    ("whole ask (service)", "assistant/services.py", "ask"),
    ("  answering pipeline", "assistant/pipeline/run.py", "ask"),
    ("    understand", "assistant/pipeline/question.py", "understand"),
    ("    retrieve (candidates)", "assistant/pipeline/retrieve.py", "retrieve"),
    ("      search (hybrid + bm25)", "ingest/retrieval.py", "search"),
    ("        query embedding", "ingest/retrieval.py", "query_vector"),
    ("        BM25 scores (chunks and units)", "ingest/lexical.py", "scores"),
    ("        dense (Chroma query)", "ingest/retrieval.py", "_dense"),
    ("        filter mask", "ingest/retrieval.py", "mask"),
    ("      unit dense scores (all units)", "assistant/sentence_index.py", "scores"),
    ("      word coverage (all units)", "assistant/unit_lexicon.py", "coverage"),
    ("      group coverage (candidates)", "assistant/unit_lexicon.py", "group_coverage"),
    ("      idf table", "assistant/pipeline/retrieve.py", "idf"),
    ("      unknown terms", "assistant/pipeline/retrieve.py", "unknown_terms"),
    ("    features", "assistant/pipeline/features.py", "passage_features"),
    ("    rank (passage ranker)", "assistant/pipeline/ranking.py", "score"),
    ("    figures (pick rows)", "assistant/pipeline/run.py", "pick"),
    ("    answerability features", "assistant/pipeline/answerability.py", "question_features"),
    ("    grounding", "assistant/grounding.py", "ground_answer"),
    ("  follow-up resolution", "assistant/followup.py", "resolve_followup"),
    ("  conversation store (read + append)", "assistant/conversation_store.py", "append"),
    ("  conversation last turn", "assistant/conversation_store.py", "last_turn"),
    ("  audit append", "assistant/services.py", "_audit"),
)
LEAD_FOLDER = "assistant/pipeline/"  # the answering pipeline: the lead engineer's


def questions(n: int) -> list[str]:
    every = []
    for path in sorted((REPO / "eval" / "questions").glob("*.jsonl")):
        every += [json.loads(x)["question"] for x in path.read_text().splitlines() if x.strip()]
    return every[:: max(1, len(every) // n)][:n]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--embedder", default="onnx", choices=("onnx", "fake"))
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--name", default="x1")
    args = parser.parse_args()
    embedding: dict[str, Any] = {"backend": args.embedder}
    if args.embedder == "onnx":
        embedding["model_path"] = MODEL_DIR
    settings = Settings(data_dir=args.data_dir, embedding=embedding)  # type: ignore[arg-type]
    assistant = build_assistant(settings)
    assistant.warm_up()
    asked = questions(args.questions)
    load_before = [round(x, 2) for x in os.getloadavg()]
    for q in asked[:3]:  # warm-up: the index version, the tables built on first use
        assistant.ask(q)
    profile = cProfile.Profile()
    started = time.perf_counter()
    for q in asked:
        profile.runcall(assistant.ask, q)
    wall = time.perf_counter() - started
    stats = pstats.Stats(profile)
    rows = []
    for label, suffix, name in STAGES:
        total = sum(
            ct
            for (file, _, func), (_, _, _, ct, _) in stats.stats.items()  # type: ignore[attr-defined]
            if func == name and file.endswith(suffix)
        )
        owner = "lead" if suffix.startswith(LEAD_FOLDER) else "issue #20"
        rows.append({"stage": label, "file": suffix, "function": name, "owner": owner,
                     "ms_per_question": round(1000 * total / len(asked), 1)})  # fmt: skip
    snap = assistant.index.snapshot()
    result = {
        "time": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "name": args.name,
        "embedder": assistant.embedder.name,
        "questions": len(asked),
        "chunks": len(snap.chunks),
        "units": len(assistant.pipeline.passages.units()),
        "wall_ms_per_question_profiled": round(1000 * wall / len(asked), 1),
        "load_before": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "stages": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"ask_profile_{args.name}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    lines = [
        f"# /ask stage by stage ({args.name})",
        "",
        f"Run {result['time']} with `python -m bench.ask_profile --name {args.name}`: "
        f"{len(asked)} bundled questions, each under cProfile (which adds its own overhead: "
        f"{result['wall_ms_per_question_profiled']} ms per question profiled), over "
        f"{result['chunks']} chunks and {result['units']} units, embedder {result['embedder']}. "
        f"Load average {load_before} before, {result['load_after']} after (2 shared cores). "
        "Cumulative ms per question: a stage includes the stages below it. 'lead' marks the "
        "answering pipeline's files (assistant/pipeline/).",
        "",
        "| stage | where | owner | ms / question |",
        "|---|---|---|--:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['stage'].strip()} {'·' * (len(row['stage']) - len(row['stage'].lstrip()))}"
            f" | `{row['file']}:{row['function']}` | {row['owner']} | {row['ms_per_question']} |"
        )
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(out.with_suffix(".md").read_text())


if __name__ == "__main__":
    main()
