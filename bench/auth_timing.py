"""How long a key check takes, by what the key is: does the time tell whether a key id exists?

Run: ``python -m bench.auth_timing [--rounds 30]``. A key store in a temporary folder, with
verify caching off (every check runs argon2 when it should): a valid key, a wrong secret for a
known key id, an unknown key id, a revoked key and a malformed key, interleaved round by round
so drift on a shared machine hits every kind alike. Writes
``bench/results/auth_timing.{json,md}``: p50/p95 per kind and the unknown/known ratio.
"""

from __future__ import annotations

import argparse
import json
import platform
import secrets
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant import percentile
from assistant.keys import SqliteKeyStore

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"


def wrong(key_id: str | None = None) -> str:
    return f"pa_{key_id or secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"


def measure(rounds: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteKeyStore(Path(tmp) / "keys.sqlite", cache_seconds=0)
        known, key = store.create("reader", "known")
        revoked, revoked_key = store.create("reader", "revoked")
        store.revoke(revoked.key_id)
        kinds = {
            "valid key": lambda: key,
            "known id, wrong secret": lambda: wrong(known.key_id),
            "unknown id": wrong,
            "revoked key": lambda: revoked_key,
            "malformed key": lambda: "pa_not-a-key",
        }
        store.verify(wrong())  # warm up (the dummy hash is made on first use)
        times: dict[str, list[float]] = {name: [] for name in kinds}
        for _ in range(rounds):
            for name, make in kinds.items():
                probe = make()
                started = time.perf_counter()
                store.verify(probe)
                times[name].append((time.perf_counter() - started) * 1000)
    return times


def report(times: dict[str, list[float]], rounds: int) -> dict[str, Any]:
    rows = {
        name: {
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 95) or 0.0, 1),
            "min_ms": round(min(values), 1),
        }
        for name, values in times.items()
    }
    known, unknown = rows["known id, wrong secret"]["p50_ms"], rows["unknown id"]["p50_ms"]
    return {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "rounds": rounds,
        "kinds": rows,
        "unknown_over_known_p50": round(unknown / known, 3) if known else None,
    }


def write(result: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "auth_timing.json").write_text(json.dumps(result, indent=1) + "\n")
    lines = [
        "# Key check timing",
        "",
        f"`python -m bench.auth_timing`, {result['when']}, {result['machine']}, "
        f"{result['rounds']} rounds, verify cache off.",
        "",
        "| key | p50 ms | p95 ms | min ms |",
        "|---|---|---|---|",
        *(
            f"| {name} | {row['p50_ms']} | {row['p95_ms']} | {row['min_ms']} |"
            for name, row in result["kinds"].items()
        ),
        "",
        f"Unknown id / known id with a wrong secret, p50: {result['unknown_over_known_p50']}.",
        "",
    ]
    (RESULTS / "auth_timing.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    result = report(measure(args.rounds), args.rounds)
    write(result)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
