"""The state database: conversations, the audit log, API keys and rate limits.

One SQLAlchemy engine per database URL and process. By default the database is the SQLite
file ``<data_dir>/state/state.sqlite`` (WAL journal, a busy timeout, ``BEGIN IMMEDIATE`` for
read-modify-write transactions), which the workers of one machine share. With ``DATABASE_URL``
set (``postgresql://user:password@host/db``; the pure-Python, BSD-licensed ``pg8000`` driver
is used) every process on every machine shares a PostgreSQL database; a read-modify-write
transaction there takes a transaction-level advisory lock on what it changes.

The schema is Alembic's (``assistant/migrations``): the first connection of a process brings
the database to the newest revision, under a lock (a file lock beside a SQLite file, an
advisory lock in PostgreSQL), so two processes starting at once migrate it once.

The stores keep their SQL with ``?`` placeholders, as in SQLite; :class:`StateConnection`
binds them for either database. SQLAlchemy errors become :class:`corpus.StateError` (503).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus import Settings, StateError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

log = logging.getLogger("policy_assistant.state")
STATE_FILE = "state.sqlite"
HEAD_REVISION = "0003"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 0x5041_5354  # "PAST": the advisory lock id of a migration
_QMARK = re.compile(r"\?")


def utc_iso(ts: float) -> str:
    """``2026-11-05T10:11:12.123456+00:00``: one fixed form, so the text sorts like the time."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds")


def database_url(settings: Settings) -> str:
    """``DATABASE_URL`` when set, else the SQLite file in the state directory."""
    if settings.database_url:
        return normalise_url(settings.database_url)
    return f"sqlite:///{settings.state_dir / STATE_FILE}"


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` use the pg8000 driver."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+pg8000://" + url[len(prefix) :]
    return url


@lru_cache(maxsize=256)
def _named(sql: str) -> tuple[str, int]:
    """``a = ? AND b = ?`` → ``a = :p0 AND b = :p1`` (our SQL has no ``?`` in literals)."""
    count = 0

    def bind(_: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f":p{count - 1}"

    return _QMARK.sub(bind, sql), count


class StateConnection:
    """A connection inside one transaction, taking SQLite-style ``?`` placeholders."""

    def __init__(self, conn: Connection, dialect: str) -> None:
        self._conn = conn
        self.dialect = dialect

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        """The SQLAlchemy ``CursorResult`` (typed loosely, as sqlite3's cursor is)."""
        from sqlalchemy import text

        if isinstance(params, Mapping):
            return self._conn.execute(text(sql), {k: self._value(v) for k, v in params.items()})
        named, count = _named(sql)
        if count != len(params):
            raise StateError(f"{count} placeholders, {len(params)} values: {sql[:60]}")
        return self._conn.execute(text(named), self._binds(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        from sqlalchemy import text

        if rows:
            named, _ = _named(sql)
            self._conn.execute(text(named), [self._binds(row) for row in rows])

    def _binds(self, row: Sequence[Any]) -> dict[str, Any]:
        return {f"p{i}": self._value(v) for i, v in enumerate(row)}

    def _value(self, value: Any) -> Any:
        # PostgreSQL text holds no NUL character (SQLite does): it is kept as U+FFFD
        if self.dialect == "postgresql" and isinstance(value, str) and "\x00" in value:
            return value.replace("\x00", "\ufffd")
        return value

    def lock(self, name: str) -> None:
        """Hold a lock on ``name`` until the transaction ends (PostgreSQL; a SQLite write
        transaction already holds the whole database)."""
        if self.dialect == "postgresql":
            key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big")
            self.execute("SELECT pg_advisory_xact_lock(?)", (key - (1 << 63),))


class StateDatabase:
    """The engine of one state database, migrated to the newest schema on first use."""

    def __init__(self, url: str, *, timeout_s: float = 10.0) -> None:
        self.url = normalise_url(url)
        self.timeout_s = timeout_s
        self._engine: Engine | None = None
        self._migrated = False
        self._lock = threading.Lock()  # the migration
        self._engine_lock = threading.Lock()

    @classmethod
    def sqlite(cls, path: Path, *, timeout_s: float = 10.0) -> StateDatabase:
        return shared_database(f"sqlite:///{Path(path).resolve()}", timeout_s)

    @property
    def dialect(self) -> str:
        return "postgresql" if self.url.startswith("postgresql") else "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.url.removeprefix("sqlite:///")) if self.dialect == "sqlite" else None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = self._create_engine()
        return self._engine

    def _create_engine(self) -> Engine:
        from sqlalchemy import create_engine, event

        if self.dialect == "postgresql":
            return create_engine(
                self.url,
                pool_pre_ping=True,
                pool_size=5,
                max_overflow=10,
                connect_args={"timeout": max(1, int(self.timeout_s))},
            )
        path = self.sqlite_path
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            self.url, connect_args={"timeout": self.timeout_s, "check_same_thread": False}
        )
        busy_ms = int(self.timeout_s * 1000)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi: Any, _record: Any) -> None:
            dbapi.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cursor = dbapi.cursor()
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            immediate = conn.info.get("immediate")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    # ----- schema -------------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the database to the newest revision (once per process)."""
        if self._migrated:
            return
        with self._lock:
            if self._migrated:
                return
            try:
                self._migrate()
            except StateError:
                raise
            except Exception as exc:
                raise StateError(f"cannot migrate the state database: {_brief(exc)}") from exc
            self._migrated = True

    def _current_revision(self) -> str | None:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            return None

    def _migrate(self) -> None:
        if self._current_revision() == HEAD_REVISION:
            return
        if self.dialect == "postgresql":
            from sqlalchemy import text

            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
                try:
                    conn.commit()
                    _upgrade(conn)
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK})
                    conn.commit()
            return
        from filelock import FileLock

        path = self.sqlite_path
        assert path is not None
        lock = FileLock(str(path) + ".migrate.lock", timeout=max(30.0, self.timeout_s))
        with lock, self.engine.connect() as conn:
            _upgrade(conn)

    # ----- connections --------------------------------------------------------------------
    @contextmanager
    def connect(self) -> Iterator[StateConnection]:
        """A read (or a single write) in one short transaction."""
        with self._transaction(immediate=False) as conn:
            yield conn

    @contextmanager
    def transaction(self, lock: str | None = None) -> Iterator[StateConnection]:
        """A read-modify-write transaction: SQLite takes the write lock at BEGIN; PostgreSQL
        takes an advisory lock on ``lock`` (when given) before anything is read."""
        with self._transaction(immediate=True) as conn:
            if lock is not None:
                conn.lock(lock)
            yield conn

    @contextmanager
    def _transaction(self, *, immediate: bool) -> Iterator[StateConnection]:
        from sqlalchemy.exc import SQLAlchemyError

        path = self.sqlite_path
        if path is not None and self._migrated and not path.exists():
            self._migrated = False  # the file was removed: make it again
        self.migrate()
        try:
            raw = self.engine.connect()
        except SQLAlchemyError as exc:
            raise StateError(f"cannot open the state database: {_brief(exc)}") from exc
        try:
            raw.info["immediate"] = immediate
            with raw.begin():
                yield StateConnection(raw, self.dialect)
        except SQLAlchemyError as exc:
            raise StateError(f"state database: {_brief(exc)}") from exc
        finally:
            raw.info.pop("immediate", None)
            raw.close()


def _brief(exc: Exception) -> str:
    """What the client is told: the kind of failure, never the driver's message (it may quote
    data or the schema); the full error goes to the log."""
    log.warning("state database error: %s", exc)
    return type(getattr(exc, "orig", None) or exc).__name__


def _upgrade(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
    conn.commit()


_DATABASES: dict[str, StateDatabase] = {}
_DATABASES_LOCK = threading.Lock()


def shared_database(url: str, timeout_s: float = 10.0) -> StateDatabase:
    """One :class:`StateDatabase` (one engine, one pool) per URL in this process."""
    url = normalise_url(url)
    with _DATABASES_LOCK:
        db = _DATABASES.get(url)
        if db is None:
            db = _DATABASES[url] = StateDatabase(url, timeout_s=timeout_s)
        return db


def state_database(settings: Settings) -> StateDatabase:
    """The state database of these settings."""
    return shared_database(database_url(settings), settings.state.busy_timeout_s)
