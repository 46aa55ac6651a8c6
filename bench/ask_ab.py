"""/ask before and after a change, side by side in one run: CPU and wall time per answer.

Run: ``python -m bench.ask_ab --before DIR [--after DIR] [--data-dir DIR] [--questions 120]
[--name s11]``. ``--before`` and ``--after`` are two checkouts of this project (``--after``
defaults to this one; ``git archive <commit> | tar -x -C DIR`` makes one). Each is loaded in a
worker process of its own over the same index (``--data-dir``, read only; each worker writes
its conversations and audit to a fresh SQLite file in a temporary folder, as the app writes
them). A worker warms up as the app does (``PolicyAssistant.warm_up``, three questions, then
``gc.collect(); gc.freeze()`` and the app's garbage-collector thresholds when its code has
them, ``api.app.SERVING_GC_THRESHOLD``). Then the bundled questions are asked one at a time,
each of both workers in turn (which one first alternates), so both meet the same load.

Per answer: wall time and the worker's CPU time (``time.process_time``: every thread of the
process, onnxruntime's included). The answers of both are compared (status, answer text,
citations): a change meant to leave them alone must give 0 differing. The 1-minute load
average is recorded before and after. Writes ``bench/results/ask_ab_<name>.{json,md}``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
WARM_UP = 3


def questions(n: int) -> list[str]:
    every = []
    for path in sorted((REPO / "eval" / "questions").glob("*.jsonl")):
        every += [json.loads(x)["question"] for x in path.read_text().splitlines() if x.strip()]
    return every[:: max(1, len(every) // n)][:n]


def worker(code: Path, data_dir: Path) -> None:
    """Answer the questions read from stdin (one JSON string a line) with the code in
    ``code``; print one JSON line per answer."""
    import gc

    sys.path.insert(0, str(code))
    from assistant import build_assistant
    from corpus import Settings

    model = data_dir / "models" / "multilingual-e5-small"
    settings = Settings(data_dir=data_dir, embedding={"model_path": model})
    pa = build_assistant(settings)
    pa.warm_up()
    for line in sys.stdin:
        message = json.loads(line)
        if message == "freeze":  # after the warm-up questions, as the app's lifespan does
            gc.collect()
            gc.freeze()
            try:
                from api.app import SERVING_GC_THRESHOLD

                gc.set_threshold(*SERVING_GC_THRESHOLD)
            except ImportError:
                pass
            print(json.dumps({"threshold": gc.get_threshold()}), flush=True)
            continue
        cpu, wall = time.process_time(), time.perf_counter()
        result = pa.ask(message)
        wall_ms = (time.perf_counter() - wall) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
        same = json.dumps(
            [result.status, result.answer, result.citations], sort_keys=True, default=str
        )
        digest = hashlib.sha256(same.encode()).hexdigest()[:16]
        print(json.dumps({"wall_ms": wall_ms, "cpu_ms": cpu_ms, "answer": digest}), flush=True)


class Worker:
    def __init__(self, code: Path, data_dir: Path, state: Path) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(code),
            "DATABASE_URL": f"sqlite:///{state}",
            "POLICY_ASSISTANT_DATA_DIR": str(data_dir),
        }
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", str(code), str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=code,
            env=env,
        )

    def send(self, message: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the worker stopped")
        return dict(json.loads(line))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def summary(rows: list[dict[str, Any]]) -> dict[str, float]:
    walls = sorted(r["wall_ms"] for r in rows)
    cpus = [r["cpu_ms"] for r in rows]
    return {
        "cpu_ms_mean": round(statistics.fmean(cpus), 1),
        "cpu_ms_p50": round(statistics.median(cpus), 1),
        "wall_ms_mean": round(statistics.fmean(walls), 1),
        "wall_ms_p50": round(walls[len(walls) // 2], 1),
        "wall_ms_p95": round(walls[min(len(walls) - 1, int(0.95 * len(walls)))], 1),
        "wall_ms_max": round(walls[-1], 1),
    }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        worker(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, default=REPO)
    parser.add_argument("--data-dir", type=Path, default=REPO / "data")
    parser.add_argument("--questions", type=int, default=120)
    parser.add_argument("--name", default="ab")
    args = parser.parse_args()
    asked = questions(args.questions + WARM_UP)
    warm, asked = asked[:WARM_UP], asked[WARM_UP:]
    with tempfile.TemporaryDirectory() as tmp:
        sides = {
            "before": Worker(args.before.resolve(), args.data_dir.resolve(), Path(tmp) / "b.db"),
            "after": Worker(args.after.resolve(), args.data_dir.resolve(), Path(tmp) / "a.db"),
        }
        for question in warm:
            for side in sides.values():
                side.send(question)
        thresholds = {name: side.send("freeze")["threshold"] for name, side in sides.items()}
        load_before = [round(x, 2) for x in os.getloadavg()]
        started = time.perf_counter()
        rows: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
        for n, question in enumerate(asked):
            order = ["before", "after"] if n % 2 == 0 else ["after", "before"]
            for name in order:
                rows[name].append(sides[name].send(question))
        elapsed = time.perf_counter() - started
        load_after = [round(x, 2) for x in os.getloadavg()]
        for side in sides.values():
            side.close()
    differing = [
        q
        for q, b, a in zip(asked, rows["before"], rows["after"], strict=True)
        if b["answer"] != a["answer"]
    ]
    result = {
        "time": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "name": args.name,
        "before": str(args.before),
        "after": str(args.after),
        "questions": len(asked),
        "seconds": round(elapsed, 1),
        "load_before": load_before,
        "load_after": load_after,
        "gc_thresholds": thresholds,
        "summary": {name: summary(r) for name, r in rows.items()},
        "answers_differing": len(differing),
        "differing_questions": differing,
        "per_question": [
            {"question": q, "before": b, "after": a}
            for q, b, a in zip(asked, rows["before"], rows["after"], strict=True)
        ],
    }
    write(result, args.name)


def write(result: dict[str, Any], name: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"ask_ab_{name}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    s = result["summary"]
    lines = [
        f"# /ask before and after, side by side ({name})",
        "",
        f"Run {result['time']} with `python -m bench.ask_ab --name {name}`: before = "
        f"`{result['before']}`, after = `{result['after']}`, each in a worker process of its "
        "own over the same index, warmed up as the app is (3 questions, then `gc.freeze()` and "
        f"the code's serving gc thresholds: {result['gc_thresholds']}). {result['questions']} "
        "bundled questions asked one at a time of both workers in turn (which one first "
        f"alternating), {result['seconds']} s in all. Load average (1, 5, 15 min) "
        f"{result['load_before']} before, {result['load_after']} after, on 2 cores shared "
        "with other jobs: wall times are upper bounds, the CPU times (process time, every "
        "thread) the steadier figure.",
        "",
        "| measure | before | after |",
        "|---|--:|--:|",
    ]
    labels = {
        "cpu_ms_mean": "CPU ms per answer, mean",
        "cpu_ms_p50": "CPU ms per answer, median",
        "wall_ms_mean": "wall ms, mean",
        "wall_ms_p50": "wall ms, p50",
        "wall_ms_p95": "wall ms, p95",
        "wall_ms_max": "wall ms, max",
    }
    for key, label in labels.items():
        lines.append(f"| {label} | {s['before'][key]} | {s['after'][key]} |")
    lines += [
        "",
        f"Answers (status, answer text, citations) differing between the two: "
        f"{result['answers_differing']} of {result['questions']}.",
    ]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
