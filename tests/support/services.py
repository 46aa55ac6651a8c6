"""Real services for the tests, started from Debian's packages on loopback: a throwaway
PostgreSQL cluster, a Redis server and a `chroma run` server. No mocks.

``SharedServices`` is what the "several machines" mode of the test suite uses
(``POLICY_ASSISTANT_TEST_SHARED=1``, ``make test-shared``): every data directory a test makes
gets its own PostgreSQL database and its own Chroma database on the one server of the session,
so the tests stay independent while all their state goes through the shared services.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


class ServiceError(RuntimeError):
    """A service could not be started (its log tail is in the message)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[Any] | None, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            if proc is not None and proc.poll() is not None:
                raise ServiceError(f"{what} exited at start") from None
            time.sleep(0.2)
    raise ServiceError(f"{what} did not listen on {port} within {seconds:.0f} s")


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise ServiceError(
            "PostgreSQL is not installed: apt-get install postgresql (Debian's package)"
        )
    return path


class Postgres:
    """A PostgreSQL cluster in a temporary folder, trust auth, loopback only, fsync off."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "pgdata"
        self.port = free_port()
        self.user = "postgres"
        self._as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run as its own user
            self._as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self._as_user, *args], capture_output=True, text=True, timeout=120, check=False
        )

    def start(self) -> Postgres:
        self.root.mkdir(parents=True, exist_ok=True)
        if self._as_user:
            for parent in (self.root.parent, *self.root.parent.parents):
                if parent == Path(tempfile.gettempdir()) or parent == Path("/"):
                    break
                parent.chmod(parent.stat().st_mode | 0o711)  # the server user may pass through
            shutil.chown(self.root, "postgres", "postgres")
        else:
            self.user = os.environ.get("USER", "postgres")
        init = self._run(
            _pg_bin("initdb"), "-D", str(self.data), "-U", self.user, "-A", "trust", "-E", "UTF8"
        )
        if init.returncode:
            raise ServiceError(f"initdb failed: {init.stderr[-800:]}")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses={HOST} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        started = self._run(
            _pg_bin("pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.root / "postgres.log"), "-w", "-t", "60", "start",
        )  # fmt: skip
        if started.returncode:
            log = (self.root / "postgres.log").read_text(errors="replace")[-1500:]
            raise ServiceError(f"pg_ctl start failed: {started.stderr[-500:]}\n{log}")
        return self

    def stop(self) -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@{HOST}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import pg8000.native

        conn = pg8000.native.Connection(self.user, host=HOST, port=self.port, database="postgres")
        try:
            exists = conn.run("SELECT 1 FROM pg_database WHERE datname = :n", n=name)
            if not exists:
                conn.run(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)


class Redis:
    """A Redis server without persistence, loopback only."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Redis:
        binary = shutil.which("redis-server")
        if binary is None:
            raise ServiceError("Redis is not installed: apt-get install redis-server")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", HOST, "--save", "",
             "--appendonly", "no", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port, self.proc, 30, "redis-server")
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}"


class ChromaServer:
    """`chroma run` (the chromadb package's own server) over a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ChromaServer:
        found = Path(sys.executable).with_name("chroma")
        binary = str(found) if found.exists() else (shutil.which("chroma") or "chroma")
        self.root.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [binary, "run", "--path", str(self.root), "--host", HOST, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.proc, 90, "chroma run")
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


class SharedServices:
    """PostgreSQL and a Chroma server for the whole session; a database of each per data dir."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="pa-shared-"))
        self.postgres = Postgres(self.root / "postgres")
        self.chroma = ChromaServer(self.root / "chroma")
        self._stops: list[Callable[[], None]] = []

    def start(self) -> SharedServices:
        self.postgres.start()
        self._stops.append(self.postgres.stop)
        self.chroma.start()
        self._stops.append(self.chroma.stop)
        return self

    def stop(self) -> None:
        for stop in reversed(self._stops):
            stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def overrides(self, data_dir: Path) -> dict[str, Any]:
        """Settings for ``data_dir``: its own PostgreSQL database and Chroma database."""
        name = "t_" + hashlib.sha1(str(Path(data_dir).resolve()).encode()).hexdigest()[:20]
        return {
            "database_url": self.postgres.create_database(name),
            "index": {
                "backend": "http",
                "chroma_host": HOST,
                "chroma_port": self.chroma.port,
                "chroma_database": name,
            },
        }

    def environment(self, data_dir: Path) -> dict[str, str]:
        """The same as environment variables, for a CLI or server process."""
        found = self.overrides(data_dir)
        index = found["index"]
        return {
            "DATABASE_URL": found["database_url"],
            "POLICY_ASSISTANT_INDEX__BACKEND": "http",
            "POLICY_ASSISTANT_INDEX__CHROMA_HOST": index["chroma_host"],
            "POLICY_ASSISTANT_INDEX__CHROMA_PORT": str(index["chroma_port"]),
            "POLICY_ASSISTANT_INDEX__CHROMA_DATABASE": index["chroma_database"],
        }
