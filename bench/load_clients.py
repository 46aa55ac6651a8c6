"""Concurrent HTTP clients for the load test, their statistics, and the report files.

Each client loops for ``seconds`` (longer while ``busy`` is set, never past ``max_seconds``)
and at most ``max_requests`` requests, picking
/ask (``ask_share``) or /search with a seeded random generator, and records every request:
when it started, how long it took, its status (0 = no HTTP answer at all) and its route.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np


@dataclass(frozen=True, slots=True)
class Sample:
    start: float  # seconds since the phase started
    latency: float  # seconds
    status: int  # HTTP status; 0 = connection error or timeout
    route: str  # "ask" or "search"
    retry_status: int | None = None  # after no HTTP answer: the status of one immediate retry


@dataclass(frozen=True, slots=True)
class LoadPlan:
    base_url: str
    key: str
    questions: list[str]
    clients: int = 50
    seconds: float = 60.0
    ask_share: float = 0.3
    max_requests: int = 5000  # per client: the loop is bounded in count as well as time
    timeout: float = 120.0
    # while ``busy`` is set (e.g. a re-ingest runs) the load goes on past ``seconds``, up to
    # ``max_seconds``: the event under test happens under load, and the loop stays bounded
    busy: threading.Event = field(default_factory=threading.Event)
    max_seconds: float = 300.0


async def _client(
    plan: LoadPlan,
    http: httpx.AsyncClient,
    seed: int,
    t0: float,
    samples: list[Sample],
    tick: Callable[[], None],
) -> None:
    rng = random.Random(seed)
    deadline, cap = t0 + plan.seconds, t0 + plan.max_seconds
    for _ in range(plan.max_requests):
        now = time.monotonic()
        if now >= cap or (now >= deadline and not plan.busy.is_set()):
            return
        question = rng.choice(plan.questions)
        route = "ask" if rng.random() < plan.ask_share else "search"
        start = time.monotonic()
        status = await _request(http, route, question)
        latency = time.monotonic() - start
        retry = None
        if status == 0:  # both routes only read: a client may retry them once, as a proxy would
            await asyncio.sleep(0.05)
            retry = await _request(http, route, question)
        samples.append(Sample(start - t0, latency, status, route, retry))
        tick()


async def _request(http: httpx.AsyncClient, route: str, question: str) -> int:
    """The HTTP status, or 0 when no HTTP answer came (connection reset, timeout)."""
    try:
        if route == "ask":
            response = await http.post("/api/v1/ask", json={"question": question})
        else:
            response = await http.get("/api/v1/search", params={"q": question, "k": 10})
    except httpx.HTTPError:
        return 0
    return response.status_code


async def _run(plan: LoadPlan, tick: Callable[[], None]) -> list[Sample]:
    samples: list[Sample] = []
    limits = httpx.Limits(max_connections=plan.clients, max_keepalive_connections=plan.clients)
    async with httpx.AsyncClient(
        base_url=plan.base_url,
        headers={"Authorization": f"Bearer {plan.key}"} if plan.key else {},  # "": auth off
        timeout=plan.timeout,
        limits=limits,
    ) as http:
        t0 = time.monotonic()
        await asyncio.gather(
            *(_client(plan, http, seed, t0, samples, tick) for seed in range(plan.clients))
        )
    return samples


def run_load(plan: LoadPlan, tick: Callable[[], None]) -> list[Sample]:
    """Run the clients to the end of the plan; ``tick`` is called after every request."""
    return asyncio.run(_run(plan, tick))


def summarise(samples: list[Sample], seconds: float) -> dict[str, Any]:
    """Throughput, latency percentiles (ms) and errors, overall and per route."""

    def stats(rows: list[Sample]) -> dict[str, Any]:
        ok = [s.latency * 1000 for s in rows if 200 <= s.status < 300]
        errors: dict[str, int] = {}
        for s in rows:
            if not 200 <= s.status < 300:
                errors[str(s.status)] = errors.get(str(s.status), 0) + 1
        pct = np.percentile(ok, [50, 95, 99]).round(1).tolist() if ok else [None] * 3
        return {
            "requests": len(rows),
            "ok": len(ok),
            "errors": len(rows) - len(ok),
            "errors_by_status": errors,  # "0" = no HTTP answer (connection reset, timeout)
            "errors_after_one_retry": sum(
                1
                for s in rows
                if not 200 <= s.status < 300 and not 200 <= (s.retry_status or 0) < 300
            ),
            "throughput_rps": round(len(ok) / seconds, 2),
            "p50_ms": pct[0],
            "p95_ms": pct[1],
            "p99_ms": pct[2],
        }

    return {
        "all": stats(samples),
        "ask": stats([s for s in samples if s.route == "ask"]),
        "search": stats([s for s in samples if s.route == "search"]),
    }


def write_plot(phases: dict[str, dict[str, Any]], path: Path) -> None:
    """One panel per phase: each request's latency at the time it started; errors in red."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(phases), 1, figsize=(10, 3.2 * len(phases)), squeeze=False)
    for ax, (name, phase) in zip(axes[:, 0], phases.items(), strict=True):
        samples = [Sample(**s) for s in phase["samples"]]
        for route, color in (("search", "tab:blue"), ("ask", "tab:green")):
            rows = [s for s in samples if s.route == route and 200 <= s.status < 300]
            ax.scatter(
                [s.start for s in rows],
                [s.latency * 1000 for s in rows],
                s=3,
                alpha=0.4,
                color=color,
                label=route,
            )
        bad = [s for s in samples if not 200 <= s.status < 300]
        if bad:
            ax.scatter(
                [s.start for s in bad],
                [s.latency * 1000 for s in bad],
                s=12,
                marker="x",
                color="red",
                label=f"errors ({len(bad)})",
            )
        for label, at in phase.get("events", {}).items():
            ax.axvline(at, color="black", linestyle="--", linewidth=0.8)
            ax.text(at, ax.get_ylim()[1] * 0.9, f" {label}", fontsize=8)
        ax.set_title(name)
        ax.set_xlabel("seconds into the phase")
        ax.set_ylabel("latency (ms)")
        ax.set_yscale("log")
        ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_markdown(result: dict[str, Any], path: Path) -> None:
    env = result["environment"]
    lines = [
        "# Load test: 2 API workers over a Chroma server",
        "",
        f"Run {result['started']} with `make load` (`python -m bench.load_test`). "
        f"Embedder: **{env['embedder']}**. {env['clients']} concurrent clients, "
        f"{env['seconds']} s per phase (phase 2 until its ingest is done), {int(env['ask_share'] * 100)}% /ask and "
        f"{100 - int(env['ask_share'] * 100)}% /search, questions from eval/questions/*.jsonl. "
        f"Loopback only; auth on (an admin key); the per-key rate limit is on, shared by the "
        f"workers in SQLite (`auth.rate_limit_storage` = `sqlite://`), set to 100000/minute so "
        f"it is checked on every request but never refuses one.",
        "",
        f"Machine: {env['cpus']} CPUs shared with other jobs; load average "
        f"{env['load_before']} before the run, {env['load_after']} after. The clients, the "
        "two workers, Chroma and (phase 2) the ingest all share these cores, so the figures "
        "are a floor, not a capacity.",
        "",
        "Errors are requests without a 2xx on the first attempt (status 0: no HTTP answer, e.g. "
        "a connection reset). Both routes only read, so the client retries such a request once; "
        "'errors after one retry' counts those whose retry failed too.",
        "",
        "| phase | s | requests | ok | errors | errors after one retry | req/s | p50 ms | "
        "p95 ms | p99 ms | ask p50 | search p50 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, phase in result["phases"].items():
        s, ask, search = (
            phase["summary"]["all"],
            phase["summary"]["ask"],
            phase["summary"]["search"],
        )
        lines.append(
            f"| {name} | {phase['seconds']} | {s['requests']} | {s['ok']} | {s['errors']} | "
            f"{s['errors_after_one_retry']} | {s['throughput_rps']} | "
            f"{s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} | {ask['p50_ms']} | "
            f"{search['p50_ms']} |"
        )
    lines += ["", "## Per phase", ""]
    for name, phase in result["phases"].items():
        lines.append(f"### {name}")
        lines.append("")
        for note in phase.get("notes", []):
            lines.append(f"- {note}")
        lines.append(
            f"- errors by status: `{json.dumps(phase['summary']['all']['errors_by_status'])}`"
        )
        lines.append(f"- /health before: `{json.dumps(phase['health_before'])}`")
        lines.append(f"- /health after: `{json.dumps(phase['health_after'])}`")
        lines.append("")
    lines += ["## Counts (zero lost)", ""]
    lines += [f"- {c}" for c in result["checks"]]
    lines += ["", "![latency over time](load_test.png)", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def kill_window(phase: dict[str, Any]) -> str:
    """Where the errors of the kill phase fall: in flight at the kill, or later."""
    killed = phase["events"].get("kill -9 worker")
    if killed is None:
        return "no worker was killed"
    bad = [s for s in phase["samples"] if not 200 <= s["status"] < 300]
    in_flight = [s for s in bad if s["start"] <= killed <= s["start"] + s["latency"] + 0.5]
    later = [s for s in bad if s["start"] > killed + 0.5]
    return (
        f"{len(bad)} errors: {len(in_flight)} were requests in flight on the killed worker "
        f"(connection reset), {len(later)} started after the kill; "
        f"{sum(1 for s in bad if 200 <= (s.get('retry_status') or 0) < 300)} succeeded on one retry"
    )


def samples_to_json(samples: list[Sample]) -> list[dict[str, Any]]:
    return [asdict(s) for s in samples]
