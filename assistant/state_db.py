"""SQLite files under ``<data_dir>/state`` that several worker processes share.

One connection per operation (so any thread and any process may call), WAL journal (readers
never block the writer), a busy timeout for concurrent writers, and ``BEGIN IMMEDIATE`` for
read-modify-write transactions. Nothing is cached in the process except "the schema exists".
SQLite errors become :class:`corpus.StateError` (503).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from corpus import StateError


def utc_iso(ts: float) -> str:
    """``2026-11-05T10:11:12.123456+00:00``: one fixed form, so the text sorts like the time."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds")


class SqliteFile:
    """A SQLite database file with its schema, opened per operation."""

    def __init__(
        self,
        path: Path,
        schema: str,
        *,
        timeout_s: float,
        added_columns: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        self.path = path
        self.schema = schema
        self.timeout_s = timeout_s
        # (table, column, declaration) added after a file was first made: a file of an older
        # version gets them on first open, so the schema only ever grows
        self.added_columns = tuple(added_columns)
        self._ready = False

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self.timeout_s, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout_s * 1000)}")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def _prepare(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._open()
        try:
            conn.execute("PRAGMA journal_mode = WAL")  # persistent: set once per file
            conn.executescript(self.schema)
            for table, column, declaration in self.added_columns:
                have = {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
                if column not in have:
                    try:
                        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
                    except sqlite3.OperationalError as exc:  # another process added it first
                        if "duplicate column" not in str(exc):
                            raise
        finally:
            conn.close()
        self._ready = True

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode, closed afterwards."""
        try:
            if not self._ready or not self.path.exists():
                self._prepare()
            conn = self._open()
        except sqlite3.Error as exc:
            raise StateError(f"cannot open {self.path.name}: {exc}") from exc
        try:
            yield conn
        except sqlite3.Error as exc:
            raise StateError(f"{self.path.name}: {exc}") from exc
        finally:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds the database's write lock from its first statement."""
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
