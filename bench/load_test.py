"""Load and fault test: 2 API workers over a Chroma server, on loopback only.

Usage: ``python -m bench.load_test [--seconds 60] [--clients 50] [--embedder real|fake]``
(``make load``). It copies the bundled corpus into a temporary folder, starts ``chroma run``
on a free loopback port, ingests with ``index.backend=http``, creates an admin key (auth on,
the shared rate limit far above the load) and serves with ``--workers 2``. Then three phases of
the same load (``--clients`` clients for ``--seconds`` s, 30% /ask, 70% /search):

1. steady state;
2. during a re-ingest of a changed corpus copy (one document touched);
3. a ``kill -9`` of one uvicorn worker a few seconds in.

Chunk and figure counts (GET /health, and the Chroma collection) are compared before and
after each phase. Writes ``bench/results/load_test.{json,md,png}``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from tqdm import tqdm

from bench.load_clients import (
    LoadPlan,
    kill_window,
    run_load,
    samples_to_json,
    summarise,
    write_markdown,
    write_plot,
)
from bench.load_procs import HOST, copy_sqlite, free_port, wait_until, worker_pids

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
REAL_MODEL = REPO.parent / "main" / "data" / "models" / "multilingual-e5-small"
SEED_CACHE = REPO.parent / "main" / "data" / "embed_cache.sqlite"  # keyed by model and text


def load_questions() -> list[str]:
    questions = []
    for path in sorted((REPO / "eval" / "questions").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                questions.append(json.loads(line)["question"])
    return questions


class Deployment:
    """Chroma server + 2 API workers over a tmp data dir, driven through the real CLI."""

    def __init__(self, root: Path, embedder: str, workers: int) -> None:
        self.root = root
        self.corpus = root / "corpus"
        self.corpus.mkdir()
        for f in (REPO / "corpus").iterdir():
            if f.suffix in (".txt", ".toml"):
                (self.corpus / f.name).write_bytes(f.read_bytes())
        self.chroma_port, self.api_port = free_port(), free_port()
        self.workers = workers
        self.env = {
            **os.environ,
            "POLICY_ASSISTANT_DATA_DIR": str(root / "data"),
            "POLICY_ASSISTANT_CORPUS_DIRS": json.dumps([str(self.corpus)]),
            "POLICY_ASSISTANT_INDEX__BACKEND": "http",
            "POLICY_ASSISTANT_INDEX__CHROMA_HOST": HOST,
            "POLICY_ASSISTANT_INDEX__CHROMA_PORT": str(self.chroma_port),
            "POLICY_ASSISTANT_AUTH__ENABLED": "true",
            # the shared (SQLite) limiter is on, as deployed, but far above what the clients
            # send: it costs what it costs and never answers 429
            "POLICY_ASSISTANT_AUTH__RATE_LIMIT": "100000/minute",
            "PYTHONPATH": str(REPO),
        }
        if embedder == "fake":
            self.env["POLICY_ASSISTANT_EMBEDDING__BACKEND"] = "fake"
        else:
            self.env["POLICY_ASSISTANT_EMBEDDING__MODEL_PATH"] = str(REAL_MODEL)
            if SEED_CACHE.is_file():  # a copy of the main checkout's vectors: a faster first ingest
                (root / "data").mkdir()
                copy_sqlite(SEED_CACHE, root / "data" / SEED_CACHE.name)
        self.base_url = f"http://{HOST}:{self.api_port}"
        self.procs: list[subprocess.Popen[bytes]] = []

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "api.cli", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=1800,
        )

    @staticmethod
    def _bind(port: int) -> list[str]:
        return ["--host", HOST, "--port", str(port)]

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen[bytes]:
        out = (self.root / log).open("wb")
        proc = subprocess.Popen(args, cwd=REPO, env=self.env, stdout=out, stderr=out)
        self.procs.append(proc)
        return proc

    def start_chroma(self) -> None:
        chroma = Path(sys.executable).with_name("chroma")
        self._spawn(
            [
                str(chroma),
                "run",
                "--path",
                str(self.root / "chroma"),
                *self._bind(self.chroma_port),
            ],
            "chroma.log",
        )
        url = f"http://{HOST}:{self.chroma_port}/api/v2/heartbeat"
        wait_until(lambda: httpx.get(url, timeout=2).status_code == 200, "chroma", 120)

    def ingest(self) -> dict[str, Any]:
        done = self.cli("ingest", "--json")
        if done.returncode != 0:
            raise SystemExit(f"ingest failed:\n{done.stderr[-2000:]}")
        report: dict[str, Any] = json.loads(done.stdout)
        return report

    def create_key(self) -> str:
        done = self.cli("keys", "create", "--role", "admin", "--name", "load-test", "--json")
        if done.returncode != 0:
            raise SystemExit(f"keys create failed:\n{done.stderr[-2000:]}")
        return str(json.loads(done.stdout)["key"])

    def serve(self) -> subprocess.Popen[bytes]:
        self.server = self._spawn(
            [
                *(sys.executable, "-m", "api.cli", "serve"),
                *self._bind(self.api_port),
                *("--workers", str(self.workers)),
            ],
            "serve.log",
        )
        wait_until(
            lambda: httpx.get(f"{self.base_url}/health", timeout=5).status_code == 200,
            "the API",
            600,
        )
        wait_until(lambda: len(worker_pids(self.server.pid)) == self.workers, "workers", 60)
        return self.server

    def health(self) -> dict[str, Any]:
        got: dict[str, Any] = httpx.get(f"{self.base_url}/health", timeout=30).json()
        return got

    def chroma_count(self, version: str) -> int:
        import chromadb

        client = chromadb.HttpClient(host=HOST, port=self.chroma_port)
        return int(client.get_collection(f"chunks-{version}").count())

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()


@contextmanager
def deployment(embedder: str, workers: int) -> Iterator[Deployment]:
    with tempfile.TemporaryDirectory(prefix="pa-load-") as tmp:
        dep = Deployment(Path(tmp), embedder, workers)
        try:
            yield dep
        finally:
            dep.stop()


def run_phase(dep: Deployment, plan: LoadPlan, name: str, during: Any = None) -> dict[str, Any]:
    """Run the load; ``during(t0, events, notes)`` runs in a thread alongside it."""
    before = dep.health()
    events: dict[str, float] = {}
    notes: list[str] = []
    bar = tqdm(desc=name, unit="req", smoothing=0.1, mininterval=5)
    thread = None
    t0 = time.monotonic()
    if during is not None:
        thread = threading.Thread(target=during, args=(t0, events, notes), daemon=True)
        thread.start()
    samples = run_load(plan, bar.update)
    elapsed = time.monotonic() - t0
    bar.close()
    if thread is not None:
        thread.join(timeout=1800)
    after = dep.health()
    return {
        "summary": summarise(samples, elapsed),
        "seconds": round(elapsed, 1),
        "health_before": before,
        "health_after": after,
        "events": events,
        "notes": notes,
        "samples": samples_to_json(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--embedder", choices=["real", "fake"], default="real")
    args = parser.parse_args()
    if args.embedder == "real" and not REAL_MODEL.is_dir():
        raise SystemExit(f"no model at {REAL_MODEL}; run `policy-assistant prepare` first")
    load_before = [round(x, 2) for x in os.getloadavg()]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    checks: list[str] = []
    with deployment(args.embedder, args.workers) as dep:
        dep.start_chroma()
        t = time.monotonic()
        first = dep.ingest()
        ingest_s = time.monotonic() - t
        key = dep.create_key()
        server = dep.serve()
        plan = LoadPlan(dep.base_url, key, load_questions(), args.clients, args.seconds)
        phases: dict[str, dict[str, Any]] = {}
        phases["1 steady"] = run_phase(dep, plan, "1 steady")

        def reingest(t0: float, events: dict[str, float], notes: list[str]) -> None:
            plan.busy.set()  # the load lasts until the new version is in use
            try:
                _reingest(t0, events, notes)
            finally:
                plan.busy.clear()

        def _reingest(t0: float, events: dict[str, float], notes: list[str]) -> None:
            time.sleep(min(5.0, args.seconds / 6))
            touched = sorted(dep.corpus.glob("*.txt"))[0]
            with touched.open("a", encoding="utf-8") as f:
                f.write("\nAanvulling voor de belastingtest: dit document is gewijzigd.\n")
            events["ingest start"] = time.monotonic() - t0
            report = dep.ingest()
            events["ingest done"] = time.monotonic() - t0
            phases_report["2"] = report
            notes.append(
                f"re-ingest of a changed copy ({touched.name} touched): version "
                f"{report['version']}, {report['chunks']} chunks, {report['embedded']} embedded, "
                f"in {events['ingest done'] - events['ingest start']:.1f} s under load; the "
                "load went on until 5 s after the switch to the new version"
            )
            time.sleep(5.0)  # queries on the new version, still under load

        phases_report: dict[str, dict[str, Any]] = {}
        phases["2 during re-ingest"] = run_phase(dep, plan, "2 during re-ingest", reingest)
        second = phases_report["2"]

        def kill_worker(t0: float, events: dict[str, float], notes: list[str]) -> None:
            time.sleep(min(10.0, args.seconds / 4))
            victims = worker_pids(server.pid)
            victim = victims[0]
            os.kill(victim, signal.SIGKILL)
            events["kill -9 worker"] = time.monotonic() - t0
            notes.append(f"workers before: {victims}; killed {victim} with SIGKILL")
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline:
                now = worker_pids(server.pid)
                if len(now) == len(victims) and victim not in now:
                    events["worker replaced"] = time.monotonic() - t0
                    notes.append(
                        f"uvicorn's supervisor started a new worker: {now}, "
                        f"{events['worker replaced'] - events['kill -9 worker']:.1f} s after"
                    )
                    return
                time.sleep(0.2)
            notes.append(f"no replacement worker within 45 s: {worker_pids(server.pid)}")

        phases["3 kill -9 a worker"] = run_phase(dep, plan, "3 kill -9 a worker", kill_worker)
        phases["3 kill -9 a worker"]["notes"].append(kill_window(phases["3 kill -9 a worker"]))
        final = dep.health()
        answers = httpx.post(
            f"{dep.base_url}/api/v1/ask",
            json={"question": plan.questions[0]},
            headers={"Authorization": f"Bearer {key}"},
            timeout=120,
        )
        checks += count_checks(dep, phases, first, second, final)
        checks.append(f"after all phases a normal /ask answers HTTP {answers.status_code}")
    result = {
        "started": started,
        "environment": {
            "embedder": "multilingual-e5-small (real, sentence-transformers)"
            if args.embedder == "real"
            else "fake hashing embedder",
            "clients": args.clients,
            "seconds": args.seconds,
            "workers": args.workers,
            "ask_share": plan.ask_share,
            "cpus": os.cpu_count(),
            "load_before": load_before,
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "first_ingest_seconds": round(ingest_s, 1),
        },
        "phases": phases,
        "checks": checks,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    write_plot(phases, RESULTS / "load_test.png")
    write_markdown(result, RESULTS / "load_test.md")
    (RESULTS / "load_test.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    for name, phase in phases.items():
        print(name, json.dumps(phase["summary"]["all"]))
    for check in checks:
        print(check)


def count_checks(
    dep: Deployment,
    phases: dict[str, dict[str, Any]],
    first: dict[str, Any],
    second: dict[str, Any],
    final: dict[str, Any],
) -> list[str]:
    """Chunks and figures before and after, from /health, the ingest reports and Chroma."""
    p1, p2, p3 = phases.values()
    lines = [
        f"ingest 1: {first['chunks']} chunks; /health before phase 1: "
        f"{p1['health_before']['chunks']} chunks, {p1['health_before']['figures']} figures",
        f"phase 1: /health after = before: {p1['health_after'] == p1['health_before']}",
        f"phase 2: re-ingest wrote {second['chunks']} chunks; /health after: "
        f"{p2['health_after']['chunks']} chunks, {p2['health_after']['figures']} figures, "
        f"version {p2['health_after']['index_version']} (= new version: "
        f"{p2['health_after']['index_version'] == second['version']})",
        f"phase 3: /health after = before: {p3['health_after'] == p3['health_before']} "
        f"({p3['health_after']['chunks']} chunks, {p3['health_after']['figures']} figures)",
    ]
    vectors = dep.chroma_count(final["index_version"])
    lines.append(
        f"Chroma collection of the final version holds {vectors} vectors for "
        f"{final['chunks']} chunks (equal: {vectors == final['chunks']})"
    )
    return lines


if __name__ == "__main__":
    main()
