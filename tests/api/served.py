"""`policy-assistant serve` in a subprocess, for what only the real server shows: how uvicorn
reads connections, request heads and proxy headers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import shared_environment
from tests.support.served import free_port

STARTUP_DEADLINE_S = 120  # a deadline for the server to come up, not an assertion on speed


@contextmanager
def served(data_dir: Path, **settings: str) -> Iterator[str]:
    """Serve ``data_dir`` on a free loopback port with the fake embedder and ``settings``
    (environment variables without their prefix); yields the base URL."""
    port = free_port()
    env = {
        **os.environ,
        "POLICY_ASSISTANT_DATA_DIR": str(data_dir),
        "POLICY_ASSISTANT_EMBEDDING__BACKEND": "fake",
        # in the shared mode (make test-shared): the data dir's PostgreSQL and Chroma databases
        **shared_environment(data_dir),
        **{f"POLICY_ASSISTANT_{name}": value for name, value in settings.items()},
    }
    log = data_dir / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"serve exited ({process.returncode}): {log.read_text()}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"serve did not come up: {log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def raw_exchange(port: int, data: bytes, *, wait_s: float) -> tuple[bytes, bool]:
    """Send ``data`` on a new connection and read until the server closes it or ``wait_s``
    passes: (what came back, whether the server closed the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait_s) as sock:
        if data:
            sock.sendall(data)
        return read_until_closed(sock, wait_s)


def read_until_closed(sock: socket.socket, wait_s: float) -> tuple[bytes, bool]:
    received = b""
    deadline = time.monotonic() + wait_s
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            return received, True
        if not chunk:
            return received, True
        received += chunk
    return received, False
