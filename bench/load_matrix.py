"""10 and 50 clients against 2 API workers, for /ask and for search apart.

Usage: ``python -m bench.load_matrix [--seconds 30] [--clients 10,50] [--embedder real|fake]``.
The deployment is ``bench.load_test``'s (a `chroma run` server, an ingest of the bundled corpus,
auth on with an admin key, the shared rate limiter on but far above the load, ``serve
--workers 2``, all on loopback), with the product's embedder (e5 through onnxruntime).
Then one phase per route and client count: every client sends only that route, one request
after the other, for ``--seconds``. Per phase: requests, errors, answers per second and
p50/p95/p99. Writes ``bench/results/load_matrix.{json,md}`` with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.load_clients import LoadPlan, run_load, summarise
from bench.load_test import deployment, load_questions

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
MODEL_DIR = REPO / "data" / "models" / "multilingual-e5-small"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", default="10,50")
    parser.add_argument("--embedder", choices=("real", "fake"), default="real")
    args = parser.parse_args()
    questions = load_questions()
    phases: dict[str, Any] = {}
    result: dict[str, Any] = {
        "time": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": len(os.sched_getaffinity(0)),
        "embedder": "e5 (onnxruntime, fp32)" if args.embedder == "real" else "fake",
        "workers": 2,
        "seconds": args.seconds,
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "phases": phases,
    }
    with deployment(args.embedder, 2) as dep:
        if args.embedder == "real":
            dep.env.pop("POLICY_ASSISTANT_EMBEDDING__BACKEND", None)  # the default: onnx
            dep.env["POLICY_ASSISTANT_EMBEDDING__MODEL_PATH"] = str(MODEL_DIR)
        dep.start_chroma()
        started = time.perf_counter()
        report = dep.ingest()
        result["ingest"] = {
            "s": round(time.perf_counter() - started, 1),
            "chunks": report["chunks"],
        }
        key = dep.create_key()
        dep.serve()
        for route in ("ask", "search"):
            for clients in (int(c) for c in args.clients.split(",")):
                name = f"{route} x{clients}"
                plan = LoadPlan(
                    dep.base_url,
                    key,
                    questions,
                    clients=clients,
                    seconds=args.seconds,
                    ask_share=1.0 if route == "ask" else 0.0,
                )
                load = os.getloadavg()[0]
                t0 = time.monotonic()
                samples = run_load(plan, lambda: None)
                elapsed = time.monotonic() - t0
                phases[name] = {
                    "route": route,
                    "clients": clients,
                    "elapsed_s": round(elapsed, 1),
                    "load_before": round(load, 2),
                    **summarise(samples, elapsed)[route],
                }
                print(name, phases[name], flush=True)
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    write(result)


def write(result: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load_matrix.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    lines = [
        "# Load: 10 and 50 clients against 2 workers, /ask and search apart",
        "",
        f"Run {result['time']} with `python -m bench.load_matrix`: `serve --workers 2` over a "
        f"`chroma run` server, {result['embedder']}, auth and the shared rate limiter on, "
        f"loopback; each phase {result['seconds']:.0f} s of one route only. {result['cores']} "
        f"cores shared by the clients, the workers, Chroma and other jobs: load average "
        f"{result['load_before']} before, {result['load_after']} after.",
        "",
        "| phase | load avg at start | requests | errors | answers/s | p50 ms | p95 ms | p99 ms |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, p in result["phases"].items():
        lines.append(
            f"| {name} | {p['load_before']} | {p['requests']} | {p['errors']} | "
            f"{p['throughput_rps']} | {p['p50_ms']} | {p['p95_ms']} | {p['p99_ms']} |"
        )
    lines += ["", "Targets (issue #20): /ask with 10 clients p95 ≤ 1.5 s and ≥ 8 answers/s."]
    (RESULTS / "load_matrix.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
