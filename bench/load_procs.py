"""Process helpers for the load test: free loopback ports, waiting, uvicorn worker pids."""

from __future__ import annotations

import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_until(check: Any, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"{what} did not come up within {timeout:.0f} s")


def children(pid: int) -> list[int]:
    """Direct child pids of ``pid`` (Linux /proc)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def worker_pids(serve_pid: int) -> list[int]:
    """Uvicorn workers: the children of the supervisor that run the app (not the
    multiprocessing resource tracker)."""
    out = []
    for pid in children(serve_pid):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "resource_tracker" not in cmd:
            out.append(pid)
    return out


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite file (its WAL included), read-only on the source."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
