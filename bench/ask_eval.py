"""Run the question sets through ``PolicyAssistant.ask`` and score them (eval/FORMAT.md).

Usage: ``python -m bench.ask_eval [--data-dir DIR] [--embedder fake|<backend>] [-v] [--json]``.
Default: the bundled corpus ingested into a temporary folder with the FAKE (hashing) embedder,
which is fast but is not the product's retrieval; every printout names the embedder used.
Question sets: ``eval/questions/*.jsonl`` and the shared ``dev-004.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from bench.evidence import in_targets, targets

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "eval"


def question_sets() -> list[Path]:
    sets = sorted((REPO / "eval" / "questions").glob("*.jsonl"))
    dev = SHARED / "dev-004.jsonl"
    return [*sets, dev] if dev.is_file() else sets


def load_questions(paths: list[Path]) -> list[dict[str, Any]]:
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line))
    return out


def _numbers(values: list[Any]) -> list[float]:
    return [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


def _states(answer: str, number: float) -> bool:
    from assistant.numeric import numbers_in

    return any(round(number, 6) in {round(v, 6) for v in r} for _, r in numbers_in(answer))


def _hit(citation: dict[str, Any], q: dict[str, Any]) -> bool:
    return in_targets(citation["source"], citation["line_start"], citation["line_end"], targets(q))


def _faithful(citation: dict[str, Any], corpus: Path) -> bool:
    path = corpus / citation["source"]
    if not path.is_file():
        return False
    lines = path.read_text(encoding="utf-8").split("\n")
    cited = " ".join(" ".join(lines[citation["line_start"] - 1 : citation["line_end"]]).split())
    return " ".join(citation["quote"].split()) in cited


def score(questions: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, Any]:
    from assistant.grounding import ungrounded_numbers
    from corpus import BUNDLED_CORPUS_DIR

    answerable = [
        (q, r) for q, r in zip(questions, results, strict=True) if q["expect_status"] != "refused"
    ]
    refusable = [
        (q, r) for q, r in zip(questions, results, strict=True) if q["expect_status"] == "refused"
    ]
    with_numbers = [(q, r) for q, r in answerable if _numbers(q.get("must_include", []))]
    citations = [c for r in results for c in r["citations"]]
    grounded = [
        not ungrounded_numbers(
            r["answer"],
            [c["quote"] for c in r["citations"]],
            r["figures"],
            [d["title"] for d in r["trace"].get("named_documents", [])],
        )
        for r in results
    ]
    latencies = [r["trace"]["timings_ms"]["total"] for r in results]

    def share(values: list[bool]) -> float | None:
        return round(sum(values) / len(values), 3) if values else None

    return {
        "questions": len(questions),
        "status_accuracy": share(
            [q["expect_status"] == r["status"] for q, r in zip(questions, results, strict=True)]
        ),
        "refused_when_expected": share([r["status"] == "refused" for _, r in refusable]),
        "answerable_wrongly_refused": share([r["status"] == "refused" for _, r in answerable]),
        "number_accuracy": share(
            [
                all(_states(r["answer"], n) for n in _numbers(q["must_include"]))
                for q, r in with_numbers
            ]
        ),
        "evidence_hit@5": share(
            [any(_hit(c, q) for c in r["citations"][:5]) for q, r in answerable]
        ),
        "citation_faithfulness": share([_faithful(c, BUNDLED_CORPUS_DIR) for c in citations]),
        "grounded_numbers": share(grounded),
        "language": share(
            [q["lang"] == r["language"] for q, r in zip(questions, results, strict=True)]
        ),
        "latency_ms_p50": statistics.median(latencies) if latencies else None,
        "latency_ms_p95": sorted(latencies)[int(0.95 * (len(latencies) - 1))]
        if latencies
        else None,
    }


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

    from assistant import PolicyAssistant
    from corpus import Settings

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ask-eval-"))
    settings = Settings(data_dir=data_dir, embedding={"backend": args.embedder})  # type: ignore[arg-type]
    assistant = PolicyAssistant(settings)
    if not assistant.index.ready():
        assistant.ingest()
    questions = load_questions(question_sets())
    results = []
    started = time.perf_counter()
    for q in tqdm(questions, desc="asking", unit="question", disable=args.verbose):
        r = assistant.ask(q["question"]).to_dict()
        results.append(r)
        if args.verbose:
            ev = r["trace"].get("evidence", {}).get("best_coverage")
            mark = "ok " if r["status"] == q["expect_status"] else "BAD"
            print(
                f"{mark} {q['id']:<7} want {q['expect_status']:<8} got {r['status']:<8} "
                f"{r['trace']['route']:<8} cov={ev} {q['question'][:70]}"
            )
    scores = score(questions, results)
    scores["embedder"] = settings.embedding.backend
    scores["seconds"] = round(time.perf_counter() - started, 1)
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
