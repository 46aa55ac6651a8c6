"""A ``limits`` storage in a SQLite file, so every worker process counts against one limit.

The default ``auth.rate_limit_storage`` is ``sqlite://``: the file ``ratelimits.sqlite`` in the
state directory (``<data_dir>/state``) that the workers already share for conversations, the
audit log and the keys. ``sqlite:///some/file.sqlite`` names another file. Importing this
module registers the ``sqlite`` scheme with ``limits.storage.storage_from_string``; any other
scheme (``memory://``, ``redis://host:6379``, ...) goes to the ``limits`` library unchanged.

Each operation is one short transaction on its own connection (WAL journal, a busy timeout,
``BEGIN IMMEDIATE`` for a check-then-insert), so two processes can never both take the last
slot of a window. A SQLite failure is a :class:`corpus.StateError` (503).
"""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from limits.errors import ConfigurationError
from limits.storage import MovingWindowSupport, Storage, storage_from_string

from assistant.state_db import SqliteFile
from corpus import Settings, StateError

if TYPE_CHECKING:
    from limits.storage import StorageTypes

STATE_FILE = "ratelimits.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS window_entries (
    key TEXT NOT NULL,
    at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS window_entries_key ON window_entries (key, at);
CREATE INDEX IF NOT EXISTS window_entries_expiry ON window_entries (expires_at);
CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires_at REAL NOT NULL
);
"""


def rate_storage_uri(settings: Settings) -> str:
    """The configured URI, with the bare ``sqlite://`` resolved to the state directory."""
    uri = settings.auth.rate_limit_storage.strip()
    if uri.rstrip("/") == "sqlite:":
        return f"sqlite://{settings.state_dir / STATE_FILE}"
    return uri


def create_rate_storage(settings: Settings) -> StorageTypes:
    uri = rate_storage_uri(settings)
    if uri.startswith("sqlite:"):
        return SqliteRateStorage(uri, timeout_s=settings.state.busy_timeout_s)
    return storage_from_string(uri)


class SqliteRateStorage(Storage, MovingWindowSupport):
    """Moving-window entries and fixed-window counters in one SQLite file."""

    STORAGE_SCHEME = ["sqlite"]  # noqa: RUF012 (the type `limits` declares)

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        timeout_s: float = 10.0,
        **options: Any,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        parsed = urllib.parse.urlparse(uri or "")
        path = parsed.netloc + parsed.path
        if not path:
            raise ConfigurationError("a sqlite:// rate limit storage needs a file path")
        self.db = SqliteFile(Path(path), _SCHEMA, timeout_s=float(timeout_s))

    @property
    def base_exceptions(self) -> type[Exception]:
        return StateError

    # ----- moving window (MovingWindowRateLimiter) -------------------------------------------
    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM window_entries WHERE expires_at < ?", (now,))
            (taken,) = conn.execute(
                "SELECT COUNT(*) FROM window_entries WHERE key = ? AND at >= ?",
                (key, now - expiry),
            ).fetchone()
            if taken + amount > limit:
                return False
            conn.executemany(
                "INSERT INTO window_entries (key, at, expires_at) VALUES (?, ?, ?)",
                [(key, now, now + expiry)] * amount,
            )
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        with self.db.connect() as conn:
            oldest, taken = conn.execute(
                "SELECT MIN(at), COUNT(*) FROM (SELECT at FROM window_entries "
                "WHERE key = ? AND at >= ? ORDER BY at DESC LIMIT ?)",
                (key, now - expiry, limit),
            ).fetchone()
        return (float(oldest), int(taken)) if taken else (now, 0)

    # ----- fixed window (FixedWindowRateLimiter) and the base API ----------------------------
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
            conn.execute(
                "INSERT INTO counters (key, count, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET count = count + excluded.count",
                (key, amount, now + expiry),
            )
            (count,) = conn.execute("SELECT count FROM counters WHERE key = ?", (key,)).fetchone()
        return int(count)

    def get(self, key: str) -> int:
        with self.db.connect() as conn:
            row = conn.execute(
                "SELECT count FROM counters WHERE key = ? AND expires_at > ?", (key, time.time())
            ).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with self.db.connect() as conn:
            row = conn.execute(
                "SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?", (key, now)
            ).fetchone()
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            with self.db.connect() as conn:
                conn.execute("SELECT 1").fetchone()
        except StateError:
            return False
        return True

    def reset(self) -> int | None:
        with self.db.transaction() as conn:
            removed = conn.execute("DELETE FROM window_entries").rowcount
            removed += conn.execute("DELETE FROM counters").rowcount
        return int(removed)

    def clear(self, key: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM window_entries WHERE key = ?", (key,))
            conn.execute("DELETE FROM counters WHERE key = ?", (key,))
