"""Issue #20's latency and ingest targets, measured side by side in one run, with the load average.

Usage: ``python -m bench.side_by_side [--questions 60] [--seconds 30] [--clients 10]
[--cli-runs 3] [--cold] [--name now]``.

One deployment (``bench.load_test``'s: the bundled corpus copied into a temporary folder, a
``chroma run`` server on loopback, the product's e5 embedder through onnxruntime, auth off as
``make serve`` has it, ``serve --workers 2``), then in this order:

1. the first ingest (the embed cache seeded from the main checkout's, so not cold);
2. an unchanged re-ingest: the whole ``policy-assistant ingest`` process, wall and CPU seconds;
3. ``/ask`` over HTTP from one client, the questions one after the other (p50/p95);
4. ``/ask`` from ``--clients`` clients at once for ``--seconds`` (p95, answers per second);
5. ``policy-assistant ask "…"`` through the running server (the whole process, wall and CPU);
6. with ``--cold``: another cold ingest, into a new data folder with the embedded index (the
   README's ``make serve`` path), wall and CPU seconds.

Every step records the 1-minute load average before and after it, and the CPU seconds of the
processes it measures (the two uvicorn workers for the HTTP steps). Writes
``bench/results/side_by_side_<name>.{json,md,png}``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.load_clients import LoadPlan, run_load, summarise
from bench.load_procs import copy_sqlite, worker_pids
from bench.load_test import REAL_MODEL, Deployment, load_questions

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
MODEL_NAME = "multilingual-e5-small"
CLI_QUESTION = "Hoeveel LKS-contracten zijn er in Q3 gestart?"
TARGETS = {
    "cold_ingest_s": 60.0,
    "unchanged_reingest_s": 2.0,
    "ask_1_p50_ms": 60.0,
    "ask_1_p95_ms": 150.0,
    "ask_n_p95_ms": 1500.0,
    "ask_n_rps": 8.0,
    "cli_ask_s": 2.0,
}


def load() -> float:
    return round(os.getloadavg()[0], 2)


def cpu_of(pids: list[int]) -> float:
    """User + system CPU seconds of the processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return round(total / tick, 2)


def timed_process(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run a whole process; its wall time, CPU seconds (user + system) and the load around it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = load()
    started = time.perf_counter()
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{args} failed:\n{done.stderr[-2000:]}")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2),
        "load_before": load_before,
        "load_after": load(),
        "stdout": done.stdout,
    }


def percentile(values: list[float], q: float) -> float | None:
    import numpy as np

    return round(float(np.percentile(values, q)), 1) if values else None


def one_client(url: str, questions: list[str], workers: list[int]) -> dict[str, Any]:
    rows: list[float] = []
    errors = 0
    load_before, cpu_before = load(), cpu_of(workers)
    started = time.perf_counter()
    with httpx.Client(timeout=120) as client:
        for q in questions[:3]:  # warm-up, not counted: each worker's first questions
            client.post(f"{url}/api/v1/ask", json={"question": q})
        started = time.perf_counter()
        cpu_before = cpu_of(workers)
        for q in questions:
            t = time.perf_counter()
            response = client.post(f"{url}/api/v1/ask", json={"question": q})
            if response.status_code == 200:
                rows.append((time.perf_counter() - t) * 1000)
            else:
                errors += 1
    wall = time.perf_counter() - started
    return {
        "requests": len(questions),
        "errors": errors,
        "p50_ms": percentile(rows, 50),
        "p95_ms": percentile(rows, 95),
        "max_ms": round(max(rows), 1) if rows else None,
        "answers_per_s": round(len(rows) / wall, 2),
        "workers_cpu_s": round(cpu_of(workers) - cpu_before, 2),
        "load_before": load_before,
        "load_after": load(),
        "latencies_ms": [round(x, 1) for x in rows],
    }


def many_clients(
    url: str, questions: list[str], clients: int, seconds: float, workers: list[int]
) -> dict[str, Any]:
    plan = LoadPlan(url, "", questions, clients=clients, seconds=seconds, ask_share=1.0)
    load_before, cpu_before = load(), cpu_of(workers)
    t0 = time.monotonic()
    samples = run_load(plan, lambda: None)
    elapsed = time.monotonic() - t0
    stats = summarise(samples, elapsed)["ask"]
    return {
        "clients": clients,
        "elapsed_s": round(elapsed, 1),
        **{
            k: stats[k]
            for k in ("requests", "errors", "throughput_rps", "p50_ms", "p95_ms", "p99_ms")
        },
        "workers_cpu_s": round(cpu_of(workers) - cpu_before, 2),
        "load_before": load_before,
        "load_after": load(),
        "latencies_ms": [round(s.latency * 1000, 1) for s in samples if s.status == 200],
    }


def cold_ingest(root: Path) -> dict[str, Any]:
    """The README path: ``policy-assistant ingest`` into an empty data folder (embedded index,
    no embed cache), the bundled corpus."""
    data = root / "cold-data"
    data.mkdir()
    env = {
        **os.environ,
        "POLICY_ASSISTANT_DATA_DIR": str(data),
        "POLICY_ASSISTANT_EMBEDDING__MODEL_PATH": str(REPO / "data" / "models" / MODEL_NAME),
        "PYTHONPATH": str(REPO),
    }
    done = timed_process([sys.executable, "-m", "api.cli", "ingest", "--json"], env)
    report = json.loads(done.pop("stdout"))
    return {**done, "chunks": report.get("chunks"), "report": report}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--cli-runs", type=int, default=3)
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--name", default="now")
    parser.add_argument("--model-dir", type=Path, default=REAL_MODEL, help="The e5 folder.")
    parser.add_argument("--commit", help="The code's commit, when REPO is not a git checkout.")
    parser.add_argument(
        "--keep-cache",
        type=Path,
        help="Copy the embed cache here after the first ingest (to seed a later run).",
    )
    parser.add_argument(
        "--seed-cache",
        type=Path,
        help="Seed the embed cache from this copy: "
        "the first ingest is then not cold (reported so).",
    )
    args = parser.parse_args()
    every = load_questions()
    asked = every[:: max(1, len(every) // args.questions)][: args.questions]
    result: dict[str, Any] = {
        "time": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": args.commit
        or subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip(),
        "cores": len(os.sched_getaffinity(0)),
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
        "questions": len(asked),
    }
    with tempfile.TemporaryDirectory(prefix="pa-sbs-") as tmp:
        dep = Deployment(Path(tmp), "real", 2)
        dep.env["POLICY_ASSISTANT_EMBEDDING__MODEL_PATH"] = str(args.model_dir)
        dep.env["POLICY_ASSISTANT_AUTH__ENABLED"] = "false"  # as `make serve`; the CLI can use it
        dep.env["POLICY_ASSISTANT_API__HOST"] = "127.0.0.1"
        dep.env["POLICY_ASSISTANT_API__PORT"] = str(dep.api_port)
        for stale in (Path(tmp) / "data").glob("embed_cache.sqlite*"):
            stale.unlink()  # cold: nothing embedded yet
        if args.seed_cache is not None:
            (Path(tmp) / "data").mkdir(exist_ok=True)
            copy_sqlite(args.seed_cache, Path(tmp) / "data" / "embed_cache.sqlite")
        result["first_ingest_cold"] = args.seed_cache is None
        try:
            dep.start_chroma()
            ingest = [sys.executable, "-m", "api.cli", "ingest", "--json"]
            first = timed_process(ingest, dep.env)
            first["report"] = json.loads(first.pop("stdout"))
            result["first_ingest"] = first
            if args.keep_cache is not None:
                copy_sqlite(Path(tmp) / "data" / "embed_cache.sqlite", args.keep_cache)
            print("first ingest", {k: v for k, v in first.items() if k != "report"}, flush=True)
            again = timed_process(ingest, dep.env)
            again["report"] = json.loads(again.pop("stdout"))
            result["unchanged_reingest"] = again
            print("re-ingest", {k: v for k, v in again.items() if k != "report"}, flush=True)
            dep.serve()
            workers = worker_pids(dep.server.pid)
            result["ask_1_client"] = one_client(dep.base_url, asked, workers)
            print(
                "1 client",
                {k: v for k, v in result["ask_1_client"].items() if k != "latencies_ms"},
                flush=True,
            )
            result["ask_n_clients"] = many_clients(
                dep.base_url, every, args.clients, args.seconds, workers
            )
            print(
                f"{args.clients} clients",
                {k: v for k, v in result["ask_n_clients"].items() if k != "latencies_ms"},
                flush=True,
            )
            runs = []
            for _ in range(args.cli_runs):
                cpu_before = cpu_of(workers)
                run = timed_process(
                    [sys.executable, "-m", "api.cli", "ask", "--json", CLI_QUESTION], dep.env
                )
                answer = json.loads(run.pop("stdout"))
                run["workers_cpu_s"] = round(cpu_of(workers) - cpu_before, 2)
                run["served_by_server"] = run["workers_cpu_s"] > 0
                run["status"] = answer.get("status")
                runs.append(run)
            result["cli_ask_via_server"] = runs
            print("cli", runs, flush=True)
            health = httpx.get(f"{dep.base_url}/health", timeout=10).json()
            result["index_version"] = health.get("index_version")
        finally:
            dep.stop()
        if args.cold:
            result["cold_ingest"] = cold_ingest(Path(tmp))
            print("cold", {k: v for k, v in result["cold_ingest"].items() if k != "report"})
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    write(result, args.name)


def write(result: dict[str, Any], name: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"side_by_side_{name}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    one, many = result["ask_1_client"], result["ask_n_clients"]
    again = result["unchanged_reingest"]
    cli = sorted(result["cli_ask_via_server"], key=lambda r: r["wall_s"])
    mid = cli[len(cli) // 2]
    rows = [
        (
            "`/ask`, one client over HTTP, p50 / p95",
            f"{one['p50_ms']} / {one['p95_ms']} ms",
            "≤ 60 / 150 ms",
            f"{one['requests']} questions one after the other, {one['errors']} "
            f"errors; the 2 workers used {one['workers_cpu_s']} CPU s "
            f"({one['workers_cpu_s'] * 1000 / max(1, one['requests']):.0f} ms per question)",
            one,
        ),
        (
            f"`/ask`, {many['clients']} clients at once (2 workers)",
            f"p95 {many['p95_ms']} ms, {many['throughput_rps']} answers/s",
            "p95 ≤ 1.5 s, ≥ 8 answers/s",
            f"{many['elapsed_s']} s, {many['requests']} requests, "
            f"{many['errors']} errors, p50 {many['p50_ms']} ms; workers {many['workers_cpu_s']} "
            "CPU s",
            many,
        ),
        (
            "Unchanged re-ingest, whole process",
            f"{again['wall_s']} s",
            "≤ 2 s",
            f"{again['cpu_s']} CPU s",
            again,
        ),
        (
            "`policy-assistant ask` through the running server",
            f"{mid['wall_s']} s (median of {len(cli)})",
            "≤ 2 s",
            f"{mid['cpu_s']} CPU s in the CLI, {mid['workers_cpu_s']} in the server; all runs "
            + ", ".join(f"{r['wall_s']} s" for r in result["cli_ask_via_server"]),
            mid,
        ),
    ]
    first = result["first_ingest"]
    report = first["report"]
    cold = result["first_ingest_cold"]
    rows.append(
        (
            "Cold ingest of the bundled corpus (empty embed cache, into the Chroma server)"
            if cold
            else "First ingest, embed cache seeded (not cold)",
            f"{first['wall_s']} s",
            "≤ 60 s" if cold else "–",
            f"{first['cpu_s']} CPU s, {report.get('chunks')} chunks, {report.get('embedded')} "
            f"embedded, {report.get('cached')} from the cache; stages (s): "
            + ", ".join(f"{k} {v:.1f}" for k, v in report.get("timings", {}).items() if v >= 1),
            first,
        )
    )
    if "cold_ingest" in result:
        cold = result["cold_ingest"]
        rows.append(
            (
                "Cold ingest of the bundled corpus (empty embed cache, embedded index)",
                f"{cold['wall_s']} s",
                "≤ 60 s",
                f"{cold['cpu_s']} CPU s, {cold['chunks']} chunks",
                cold,
            )
        )
    lines = [
        f"# Issue #20 targets side by side ({name})",
        "",
        f"Run {result['time']} at commit {result['commit']} with `python -m bench.side_by_side"
        f" --name {name}`: one deployment on loopback (a `chroma run` server, `serve --workers "
        "2`, e5-small through onnxruntime fp32, auth off as `make serve`), the bundled corpus. "
        f"{result['cores']} cores shared with other jobs: load average "
        f"{result['loadavg_before']} before the run, {result['loadavg_after']} after.",
        "",
        "| measure | measured | target | details | load avg before → after |",
        "|---|--:|--:|---|--:|",
    ]
    for label, got, target, details, step in rows:
        lines.append(
            f"| {label} | {got} | {target} | {details} | "
            f"{step['load_before']} → {step['load_after']} |"
        )
    lines += [
        "",
        f"Index version {result.get('index_version')}.",
        "",
        f"![latencies](side_by_side_{name}.png)",
    ]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    plot(result, out.with_suffix(".png"))
    print(out.with_suffix(".md").read_text())


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    one, many = result["ask_1_client"], result["ask_n_clients"]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.boxplot(
        [one["latencies_ms"], many["latencies_ms"]],
        orientation="horizontal",
        tick_labels=["1 client", f"{many['clients']} clients"],
    )
    ax.axvline(TARGETS["ask_1_p95_ms"], color="tab:green", ls="--", label="1 client p95 target")
    ax.axvline(TARGETS["ask_n_p95_ms"], color="tab:red", ls="--", label="10 clients p95 target")
    ax.set_xscale("log")
    ax.set_xlabel("/ask latency over HTTP (ms)")
    ax.set_title(
        f"/ask, 2 workers, e5; load avg {result['loadavg_before'][0]} → "
        f"{result['loadavg_after'][0]}"
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
