"""Growth: the same product at ×1, ×10 and ×100 of the bundled corpus.

Run: ``python -m bench.growth [--runs x1:fake,x10:fake,x100:fake,x1:onnx,x10:onnx]
[--questions 40] [--keep DIR]`` (``make growth``).

A corpus at ×N is the five bundled documents plus ``5 × (N - 1)`` synthetic ones
(``bench/synthetic_corpus.py``: plausible municipal text with figures, periods and 30
municipalities), so the bundled questions keep their answers at every scale. Each run:

1. writes the corpus and ingests it in a fresh process (``policy-assistant ingest DIR``):
   wall seconds, the process's peak memory, the stages of the report, chunks, units, figures;
2. measures the index on disk (the data directory without the model);
3. serves it (``policy-assistant serve``, one worker, loopback) and sends ``--questions`` of
   the bundled questions one at a time, to ``/api/v1/search`` (k=10) and ``/api/v1/ask``:
   p50/p95 in ms, and the server's resident memory after them (VmRSS; VmHWM for its peak).

``fake`` is the deterministic hashing embedder (it tests the structure: ingest without
embedding, search and answer over ×100); ``onnx`` is the product's e5 (onnxruntime). Writes
``bench/results/growth.{json,md}`` after every run, with the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.synthetic_corpus import write_corpus  # noqa: E402
from corpus import BUNDLED_CORPUS_DIR  # noqa: E402
from tests.support.services import free_port, wait_for_port  # noqa: E402

RESULTS = REPO / "bench" / "results"
MODEL_DIR = REPO / "data" / "models" / "multilingual-e5-small"
CLI = str(Path(sys.executable).with_name("policy-assistant"))


def bundled_questions() -> list[str]:
    out = []
    for path in sorted((REPO / "eval" / "questions").glob("*.jsonl")):
        out += [json.loads(x)["question"] for x in path.read_text().splitlines() if x.strip()]
    return out


def make_corpus(folder: Path, scale: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in [*sorted(BUNDLED_CORPUS_DIR.glob("00*.txt"))]:
        shutil.copy2(path, folder / path.name)
    manifest = (BUNDLED_CORPUS_DIR / "manifest.toml").read_text(encoding="utf-8")
    if scale > 1:
        extra = folder / "synthetic"
        write_corpus(extra, scale - 1)
        for path in extra.glob("*.txt"):
            path.rename(folder / path.name)
        manifest += "\n" + (extra / "manifest.toml").read_text(encoding="utf-8")
        shutil.rmtree(extra)
    (folder / "manifest.toml").write_text(manifest, encoding="utf-8")


def folder_bytes(folder: Path, skip: str = "models") -> int:
    total = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != skip]
        total += sum((Path(root) / f).stat().st_size for f in files)
    return total


def env_for(data: Path, embedder: str) -> dict[str, str]:
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data)}
    if embedder == "fake":
        env["POLICY_ASSISTANT_EMBEDDING__BACKEND"] = "fake"
    else:
        env["POLICY_ASSISTANT_EMBEDDING__BACKEND"] = "onnx"
        env["POLICY_ASSISTANT_EMBEDDING__MODEL_PATH"] = str(MODEL_DIR)
    return env


def ingest(corpus: Path, env: dict[str, str]) -> dict[str, Any]:
    """One ingest process, measured by GNU time: wall, CPU and peak resident memory."""
    done = subprocess.run(
        ["/usr/bin/time", "-f", "TIME %e %U %S %M", CLI, "ingest", str(corpus), "--json"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr[-2000:])
    measured = next(x for x in done.stderr.splitlines()[::-1] if x.startswith("TIME "))
    wall, user, system, peak_kb = (float(v) for v in measured.split()[1:])
    report = json.loads(done.stdout)
    return {
        "process_s": round(wall, 1),
        "cpu_s": round(user + system, 1),
        "peak_rss_mb": round(peak_kb / 1024),
        "documents": report["documents"],
        "chunks": report["chunks"],
        "units": report["steps"].get("sentences", {}).get("sentences"),
        "figures": report["steps"].get("metrics", {}).get("figures"),
        "timings": report.get("timings", {}),
        "failed": [f["source"] for f in report["files"] if f["status"] == "failed"],
    }


def rss_mb(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    return fields


def percentiles(times: list[float]) -> dict[str, float]:
    p50, p95 = np.percentile(times, [50, 95]) if times else (0.0, 0.0)
    return {"n": len(times), "p50_ms": round(float(p50), 1), "p95_ms": round(float(p95), 1)}


def serve_and_query(env: dict[str, str], questions: list[str]) -> dict[str, Any]:
    port = free_port()
    proc = subprocess.Popen(
        [CLI, "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    started = time.perf_counter()
    try:
        wait_for_port(port, proc, 900, "serve")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            while client.get("/health").status_code != 200:
                time.sleep(0.5)
            ready_s = time.perf_counter() - started
            idle = rss_mb(proc.pid)
            client.post("/api/v1/ask", json={"question": questions[0]})  # warm-up
            out: dict[str, Any] = {"ready_s": round(ready_s, 1), "rss_idle_mb": idle["VmRSS"]}
            for route in ("search", "ask"):
                times, errors = [], 0
                for question in questions:
                    t = time.perf_counter()
                    if route == "search":
                        r = client.get("/api/v1/search", params={"q": question, "k": 10})
                    else:
                        r = client.post("/api/v1/ask", json={"question": question})
                    times.append((time.perf_counter() - t) * 1000)
                    errors += r.status_code != 200
                out[route] = {**percentiles(times), "errors": errors}
            mem = rss_mb(proc.pid)
            out["rss_after_mb"], out["rss_peak_mb"] = mem["VmRSS"], mem["VmHWM"]
            return out
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def run(spec: str, questions: list[str], keep: Path | None) -> dict[str, Any]:
    scale_text, embedder = spec.split(":")
    scale = int(scale_text.lstrip("x"))
    root = Path(tempfile.mkdtemp(prefix=f"growth-{scale_text}-", dir=keep))
    try:
        corpus, data = root / "corpus", root / "data"
        t = time.perf_counter()
        make_corpus(corpus, scale)
        lines = sum(p.read_text(encoding="utf-8").count("\n") for p in corpus.glob("*.txt"))
        env = env_for(data, embedder)
        result: dict[str, Any] = {
            "run": spec,
            "scale": scale,
            "embedder": embedder,
            "corpus_lines": lines,
            "corpus_s": round(time.perf_counter() - t, 1),
            "load_before": [round(x, 2) for x in os.getloadavg()],
        }
        print(f"== {spec}: {lines} lines", flush=True)
        result["ingest"] = ingest(corpus, env)
        print(result["ingest"], flush=True)
        result["index_mb"] = round(folder_bytes(data) / 2**20, 1)
        result["serve"] = serve_and_query(env, questions)
        print(result["serve"], flush=True)
        result["load_after"] = [round(x, 2) for x in os.getloadavg()]
        return result
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def write(results: list[dict[str, Any]]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "growth.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    lines = [
        "# Growth: ×1, ×10 and ×100 of the corpus",
        "",
        "`python -m bench.growth`. A corpus at ×N is the 5 bundled documents plus 5(N-1) "
        "synthetic ones (`bench/synthetic_corpus.py`). Ingest is one `policy-assistant ingest` "
        "process; search and /ask are sent one at a time over HTTP to `policy-assistant serve` "
        "(1 worker, loopback) with the bundled questions. 2 cores shared with other jobs: the "
        "load average is given per run; wall times under load are upper bounds.",
        "",
        "| run | lines | docs | chunks | units | figures | ingest s | ingest CPU s | ingest peak MB | index MB | server MB (idle / after / peak) | search p50 / p95 ms | /ask p50 / p95 ms | load before / after | measured |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|---|---|",
    ]
    for r in results:
        i, s = r["ingest"], r["serve"]
        lines.append(
            f"| {r['run']} | {r['corpus_lines']} | {i['documents']} | {i['chunks']} | "
            f"{i['units']} | {i['figures']} | {i['process_s']} | {i['cpu_s']} | "
            f"{i['peak_rss_mb']} | {r['index_mb']} | {s['rss_idle_mb']} / {s['rss_after_mb']} / "
            f"{s['rss_peak_mb']} | {s['search']['p50_ms']} / {s['search']['p95_ms']} | "
            f"{s['ask']['p50_ms']} / {s['ask']['p95_ms']} | {r['load_before'][0]} / "
            f"{r['load_after'][0]} | {r.get('time', '')} |"
        )
    by = {r["run"]: r for r in results}
    for embedder in ("fake", "onnx"):
        base = by.get(f"x1:{embedder}")
        for scale in (10, 100):
            top = by.get(f"x{scale}:{embedder}")
            if base and top:

                def ratio(route: str, q: str, top: Any = top, base: Any = base) -> float:
                    return round(top["serve"][route][q] / max(base["serve"][route][q], 1e-9), 2)

                lines.append(
                    f"\n×{scale} / ×1 ({embedder}): search p50 ×{ratio('search', 'p50_ms')}, "
                    f"p95 ×{ratio('search', 'p95_ms')}; /ask p50 ×{ratio('ask', 'p50_ms')}, "
                    f"p95 ×{ratio('ask', 'p95_ms')} (target: p95 ≤ ×3 at ×100)"
                )
    notes = [f"- {r['run']}: {r['note']}" for r in results if r.get("note")]
    lines += ["", "Notes:", "", *notes] if notes else []
    lines += ["", "Stages of each ingest (s):", ""]
    for r in results:
        stages = ", ".join(f"{k} {v}" for k, v in r["ingest"]["timings"].items())
        lines.append(f"- {r['run']}: {stages}")
    (RESULTS / "growth.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", default="x1:fake,x10:fake,x100:fake,x1:onnx,x10:onnx")
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--keep", type=Path, default=None, help="keep the data dirs here")
    args = parser.parse_args()
    every = bundled_questions()
    questions = every[:: max(1, len(every) // args.questions)][: args.questions]
    path = RESULTS / "growth.json"
    results = json.loads(path.read_text()) if path.exists() else []
    for spec in args.runs.split(","):
        result = run(spec, questions, args.keep)
        result["time"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        results = [r for r in results if r["run"] != spec] + [result]
        write(results)
    print((RESULTS / "growth.md").read_text())


if __name__ == "__main__":
    main()
