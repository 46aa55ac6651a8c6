"""Run the question sets through ``PolicyAssistant.ask`` and score them (eval/FORMAT.md).

Usage: ``python -m bench.ask_eval [--data-dir DIR] [--embedder fake|<backend>] [-v] [--json]``.
A thin wrapper over the product's evaluation (``assistant.evaluate``, the code behind
``policy-assistant eval``) that can also build a fresh index. Default: the bundled corpus ingested
into a temporary folder with the FAKE (hashing) embedder, which is fast but is not the product's
retrieval; every printout names the embedder used.
Question sets: ``eval/questions/*.jsonl`` and the shared ``dev-004.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / "eval" / "shared"  # a copy of ../shared/eval


def question_sets() -> list[Path]:
    sets = sorted((REPO / "eval" / "questions").glob("*.jsonl"))
    dev = SHARED / "dev-004.jsonl"
    return [*sets, dev] if dev.is_file() else sets


def flat_scores(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary without its denominators (the saved bench/results/ask_eval_*.json form)."""
    return {k: v for k, v in summary.items() if k != "counts"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--data-dir", type=Path, help="An ingested data dir (default: a fresh one)."
    )
    parser.add_argument("--embedder", default="fake", help="Embedding backend (default: fake).")
    parser.add_argument("-v", "--verbose", action="store_true", help="One line per question.")
    parser.add_argument("--json", action="store_true", help="Print the scores as JSON.")
    parser.add_argument(
        "--save",
        action="store_true",
        help="Write bench/results/ask_eval_<embedder>.json (named by the embedder used).",
    )
    args = parser.parse_args(argv)

    from assistant import PolicyAssistant, describe_row, evaluate, load_questions
    from corpus import Settings

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ask-eval-"))
    settings = Settings(data_dir=data_dir, embedding={"backend": args.embedder})  # type: ignore[arg-type]
    assistant = PolicyAssistant(settings)
    if not assistant.index.ready():
        assistant.ingest()
    report = evaluate(
        assistant,
        load_questions(question_sets()),
        name="ask_eval",
        progress=not args.verbose,
        on_row=(lambda row: print(describe_row(row))) if args.verbose else None,
    )
    scores = flat_scores(report.summary)
    scores["embedder"] = settings.embedding.backend
    scores["seconds"] = report.meta["seconds"]
    if args.save:
        scores["note"] = (
            "fake hashing embedder: tests the answer pipeline, not the product's retrieval"
            if scores["embedder"] == "fake"
            else "measured with the product embedder"
        )
        out = REPO / "bench" / "results" / f"ask_eval_{scores['embedder']}.json"
        out.write_text(json.dumps(scores, indent=1) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(scores, indent=1))
    else:
        print(
            f"embedder: {scores['embedder']} (fake = hashing embedder; not the product's retrieval)"
        )
        for key, value in scores.items():
            print(f"  {key:<28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
