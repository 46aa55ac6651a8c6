"""/ask latency over HTTP: the real app (uvicorn, 1 worker) on loopback, the question sets sent.

Run: ``python -m bench.ask_latency [--data-dir DIR] [--concurrency 4] [--max-questions N]
[--max-seconds S]``. Without ``--data-dir`` the bundled corpus is ingested into a temporary data
dir first (about 2 minutes with e5 on 2 cores). The embedder comes from the environment
(``POLICY_ASSISTANT_EMBEDDING__MODEL_PATH`` for the e5 folder); the default is the product's e5.
Questions (``eval/questions/*.jsonl`` and the shared ``dev-004.jsonl``) go one at a time, then
(``--concurrency N`` > 1) from N clients at once. Every loop is bounded by count and time.
Writes ``bench/results/ask_latency.{json,md,png}``: p50/p95/p99 and throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from tqdm import tqdm

from assistant import load_questions, percentile
from bench.ask_eval import question_sets

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
HOST = "127.0.0.1"
WARM_UP = 3  # requests sent before measuring (not counted)
REQUEST_TIMEOUT_S = 120.0


def _env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data_dir)}


def _cli(*args: str, data_dir: Path, **popen: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", *args], cwd=REPO, env=_env(data_dir), **popen
    )


def ingest(data_dir: Path) -> float:
    started = time.perf_counter()
    if _cli("ingest", data_dir=data_dir).wait() != 0:
        raise SystemExit("ingest failed")
    return round(time.perf_counter() - started, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextmanager
def served(data_dir: Path, log: Path, startup_s: float) -> Iterator[str]:
    """``policy-assistant serve`` with one worker; yields its base URL once /health has an index."""
    port = free_port()
    with log.open("wb") as sink:
        server = _cli(
            "serve", "--host", HOST, "--port", str(port), "--workers", "1",
            data_dir=data_dir, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://{HOST}:{port}"
        try:
            deadline = time.monotonic() + startup_s
            while True:
                if server.poll() is not None:
                    raise SystemExit(f"the server exited ({server.returncode}); see {log}")
                if time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start in {startup_s} s; see {log}")
                try:
                    health = httpx.get(f"{url}/health", timeout=2).json()
                    if health.get("index_version"):
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def ask(client: httpx.Client, url: str, question: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    response = client.post(f"{url}/api/v1/ask", json={"question": question["question"]})
    ms = (time.perf_counter() - started) * 1000
    body = response.json() if response.status_code == 200 else {}
    return {
        "id": question["id"],
        "http": response.status_code,
        "ms": round(ms, 1),
        "status": body.get("status"),
        "route": body.get("trace", {}).get("route"),
        "server_ms": body.get("trace", {}).get("timings_ms", {}).get("total"),
    }


def sequential(url: str, questions: list[dict[str, Any]], max_s: float) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    deadline = time.monotonic() + max_s
    started = time.perf_counter()
    with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:
        for q in tqdm(questions, desc="sequential", unit="question"):
            if time.monotonic() > deadline:
                break
            rows.append(ask(client, url, q))
    return summary(rows, time.perf_counter() - started, clients=1)


def concurrent(url: str, questions: list[dict[str, Any]], n: int, max_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + max_s
    local = threading.local()
    bar = tqdm(total=len(questions), desc=f"{n} clients", unit="question")

    def one(q: dict[str, Any]) -> dict[str, Any] | None:
        if time.monotonic() > deadline:
            return None
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=REQUEST_TIMEOUT_S)
        row = ask(local.client, url, q)
        bar.update()
        return row

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        rows = [r for r in pool.map(one, questions) if r is not None]
    bar.close()
    return summary(rows, time.perf_counter() - started, clients=n)


def summary(rows: list[dict[str, Any]], seconds: float, clients: int) -> dict[str, Any]:
    ok = [r["ms"] for r in rows if r["http"] == 200]
    routes: dict[str, list[float]] = {}
    for r in rows:
        if r["http"] == 200:
            routes.setdefault(str(r["route"]), []).append(r["ms"])
    return {
        "clients": clients,
        "requests": len(rows),
        "errors": len(rows) - len(ok),
        "seconds": round(seconds, 1),
        "throughput_rps": round(len(ok) / seconds, 2) if seconds else None,
        "p50_ms": percentile(ok, 50),
        "p95_ms": percentile(ok, 95),
        "p99_ms": percentile(ok, 99),
        "mean_ms": round(sum(ok) / len(ok), 1) if ok else None,
        "server_p50_ms": percentile(
            [r["server_ms"] for r in rows if r["server_ms"] is not None], 50
        ),
        "max_ms": max(ok) if ok else None,
        "by_route": {
            route: {"n": len(v), "p50_ms": percentile(v, 50), "p95_ms": percentile(v, 95)}
            for route, v in sorted(routes.items())
        },
        "rows": rows,
    }


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines()
                  if ln.startswith("model name")), "unknown")  # fmt: skip
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": model,
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def report_md(res: dict[str, Any]) -> str:
    m = res["machine"]
    lines = [
        "# /ask latency over HTTP",
        "",
        f"{m['date']} · {m['cpu']} · nproc {m['nproc']} · embedder `{res['embedder']}` · "
        f"uvicorn, 1 worker, loopback · load avg at start {res['loadavg_start']}, at end "
        f"{m['loadavg']} · {res['questions']} questions",
        "",
        "| run | clients | requests | errors | p50 ms | p95 ms | p99 ms | mean ms | max ms | req/s |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, run in res["runs"].items():
        cells = [run[k] for k in ("clients", "requests", "errors", "p50_ms", "p95_ms", "p99_ms",
                                  "mean_ms", "max_ms", "throughput_rps")]  # fmt: skip
        lines.append(f"| {name} | " + " | ".join(str(c) for c in cells) + " |")
    lines += [
        "",
        "Sequential, by route:",
        "",
        "| route | n | p50 ms | p95 ms |",
        "|---|--:|--:|--:|",
    ]
    for route, s in res["runs"]["sequential"]["by_route"].items():
        lines.append(f"| {route} | {s['n']} | {s['p50_ms']} | {s['p95_ms']} |")
    return "\n".join(lines) + "\n"


def plot(res: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    for name, run in res["runs"].items():
        values = [r["ms"] for r in run["rows"] if r["http"] == 200]
        ax.hist(values, bins=30, alpha=0.6, label=f"{name} (p50 {run['p50_ms']} ms)")
    ax.set_xlabel("/ask latency (ms)")
    ax.set_ylabel("requests")
    ax.set_title(f"/ask over HTTP, {res['embedder']}, {res['machine']['nproc']} cores")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, help="An ingested data dir (default: a fresh one).")
    ap.add_argument(
        "--concurrency", type=int, default=4, help="Clients of the second run; 1: none."
    )
    ap.add_argument("--max-questions", type=int, default=200, help="Questions per run.")
    ap.add_argument("--max-seconds", type=float, default=600.0, help="Time bound per run.")
    ap.add_argument("--startup-seconds", type=float, default=300.0, help="Server start bound.")
    ap.add_argument("--out", type=Path, default=RESULTS, help="Folder for ask_latency.*.")
    args = ap.parse_args(argv)

    loadavg_start = [round(x, 2) for x in os.getloadavg()]
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ask-latency-"))
    ingest_s = None if (data_dir / "index" / "CURRENT").is_file() else ingest(data_dir)
    questions = load_questions(question_sets())[: args.max_questions]
    runs: dict[str, Any] = {}
    with served(data_dir, data_dir / "ask-latency-server.log", args.startup_seconds) as url:
        with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:
            for q in questions[:WARM_UP]:
                ask(client, url, q)
        runs["sequential"] = sequential(url, questions, args.max_seconds)
        if args.concurrency > 1:
            runs[f"{args.concurrency} clients"] = concurrent(
                url, questions, args.concurrency, args.max_seconds
            )
    res = {
        "machine": machine(),
        "loadavg_start": loadavg_start,
        "embedder": os.environ.get("POLICY_ASSISTANT_EMBEDDING__BACKEND", "sentence-transformers"),
        "model_path": os.environ.get("POLICY_ASSISTANT_EMBEDDING__MODEL_PATH"),
        "questions": len(questions),
        "ingest_s": ingest_s,
        "runs": runs,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ask_latency.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    (args.out / "ask_latency.md").write_text(report_md(res), encoding="utf-8")
    plot(res, args.out / "ask_latency.png")
    print(report_md(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
