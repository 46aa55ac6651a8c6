"""A ``limits`` storage in the state database, so every worker counts against one limit.

The default ``auth.rate_limit_storage`` is ``database://``: the tables ``rate_window_entries``
and ``rate_counters`` of the state database (``assistant.state_db``) that the workers already
share for conversations, the audit log and the keys: SQLite under ``<data_dir>/state`` on one
machine, or PostgreSQL through ``DATABASE_URL`` on several. ``sqlite://`` is the same as
``database://`` (the name of before); ``sqlite:///some/file.sqlite`` names a SQLite file of its
own. Any other scheme (``redis://host:6379``, ``memory://``, ...) goes to the ``limits``
library unchanged: Redis is the shared store of its own for several machines.

Each operation is one short transaction (``BEGIN IMMEDIATE`` in SQLite, an advisory lock on the
key in PostgreSQL for a check-then-insert), so two processes can never both take the last slot
of a window. A database failure is a :class:`corpus.StateError` (503).
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from limits.errors import ConfigurationError
from limits.storage import MovingWindowSupport, Storage, storage_from_string

from assistant.state_db import StateDatabase, state_database
from corpus import Settings, StateError

if TYPE_CHECKING:
    from limits.storage import StorageTypes

DATABASE_SCHEMES = ("database://", "sqlite://")  # the state database
SWEEP_SHARE = 0.01  # share of checks that also remove every key's expired entries


def rate_storage_uri(settings: Settings) -> str:
    """The configured URI; ``database://`` (or a bare ``sqlite://``) is the state database."""
    uri = settings.auth.rate_limit_storage.strip()
    if uri.rstrip("/") + "//" in DATABASE_SCHEMES:
        return "database://"
    return uri


def create_rate_storage(settings: Settings) -> StorageTypes:
    uri = rate_storage_uri(settings)
    if uri == "database://":
        return SqlRateStorage(db=state_database(settings))
    if uri.startswith("sqlite:"):
        return SqlRateStorage(uri, timeout_s=settings.state.busy_timeout_s)
    return storage_from_string(uri)


class SqlRateStorage(Storage, MovingWindowSupport):
    """Moving-window entries and fixed-window counters in the state database (or a SQLite
    file of their own: ``sqlite:///path``)."""

    STORAGE_SCHEME = ["sqlite"]  # noqa: RUF012 (the type `limits` declares)

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        timeout_s: float = 10.0,
        db: StateDatabase | None = None,
        **options: Any,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if db is None:
            path = (uri or "").removeprefix("sqlite://")
            if not path:
                raise ConfigurationError("a sqlite:// rate limit storage needs a file path")
            db = StateDatabase.sqlite(Path(path), timeout_s=float(timeout_s))
        self.db = db

    @property
    def base_exceptions(self) -> type[Exception]:
        return StateError

    # ----- moving window (MovingWindowRateLimiter) -------------------------------------------
    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        if random.random() < SWEEP_SHARE:
            self._sweep(now)
        with self.db.transaction(lock=f"rate:{key}") as conn:
            conn.execute(
                "DELETE FROM rate_window_entries WHERE key = ? AND expires_at < ?", (key, now)
            )
            (taken,) = conn.execute(
                "SELECT COUNT(*) FROM rate_window_entries WHERE key = ? AND at >= ?",
                (key, now - expiry),
            ).fetchone()
            if taken + amount > limit:
                return False
            conn.executemany(
                "INSERT INTO rate_window_entries (key, at, expires_at) VALUES (?, ?, ?)",
                [(key, now, now + expiry)] * amount,
            )
        return True

    def _sweep(self, now: float) -> None:
        """Every key's expired entries (a key seen once, such as a failed address, is not
        checked again); best effort: a sweep that loses a race is left to the next one."""
        try:
            with self.db.transaction(lock="rate:sweep") as conn:
                conn.execute("DELETE FROM rate_window_entries WHERE expires_at < ?", (now,))
                conn.execute("DELETE FROM rate_counters WHERE expires_at <= ?", (now,))
        except StateError:
            pass

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        with self.db.connect() as conn:
            oldest, taken = conn.execute(
                "SELECT MIN(at), COUNT(*) FROM (SELECT at FROM rate_window_entries "
                "WHERE key = ? AND at >= ? ORDER BY at DESC LIMIT ?) AS recent",
                (key, now - expiry, limit),
            ).fetchone()
        return (float(oldest), int(taken)) if taken else (now, 0)

    # ----- fixed window (FixedWindowRateLimiter) and the base API ----------------------------
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self.db.transaction(lock=f"rate:{key}") as conn:
            conn.execute("DELETE FROM rate_counters WHERE key = ? AND expires_at <= ?", (key, now))
            conn.execute(
                "INSERT INTO rate_counters (key, count, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET count = count + excluded.count",
                (key, amount, now + expiry),
            )
            (count,) = conn.execute(
                "SELECT count FROM rate_counters WHERE key = ?", (key,)
            ).fetchone()
        return int(count)

    def get(self, key: str) -> int:
        with self.db.connect() as conn:
            row = conn.execute(
                "SELECT count FROM rate_counters WHERE key = ? AND expires_at > ?",
                (key, time.time()),
            ).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with self.db.connect() as conn:
            row = conn.execute(
                "SELECT expires_at FROM rate_counters WHERE key = ? AND expires_at > ?", (key, now)
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
            removed = conn.execute("DELETE FROM rate_window_entries").rowcount or 0
            removed += conn.execute("DELETE FROM rate_counters").rowcount or 0
        return int(removed)

    def clear(self, key: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM rate_window_entries WHERE key = ?", (key,))
            conn.execute("DELETE FROM rate_counters WHERE key = ?", (key,))
