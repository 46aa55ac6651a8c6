"""API keys with roles and clearances, stored hashed (argon2id) in a SQLite key store.

A key reads ``pa_<key_id>_<secret>``: the key id finds one row, argon2 checks the secret.
An unknown or revoked key id is checked against a dummy hash with the same parameters, so a
check takes the same time whether the id exists or not. The plain key is shown once, at
creation, and never stored. A key that passed the argon2 check is remembered in memory for
``auth.cache_seconds`` (by a SHA-256 of the key), so argon2 stays off the hot path; the row
is still read on every request, so a revoke holds at once, in every process. The keys live in
the state database (``assistant.state_db``), shared by the workers of one machine (SQLite) or
of several (PostgreSQL through ``DATABASE_URL``).

Roles (``reader`` < ``clerk`` < ``admin``) decide the routes; the clearance decides which
documents a key sees: every access level up to and including its clearance.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, Protocol, cast

from assistant.state_db import StateConnection, StateDatabase, state_database
from corpus import ACCESS_LEVELS, AccessLevel, InvalidRequestError, NotFoundError, Settings

Role = Literal["reader", "clerk", "admin"]
ROLES: tuple[Role, ...] = ("reader", "clerk", "admin")  # low to high
DEFAULT_CLEARANCE: dict[Role, AccessLevel] = {
    "reader": "public",
    "clerk": "internal",
    "admin": "confidential",
}
KEY_PREFIX = "pa"
_KEY = re.compile(r"^pa_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")
_KEY_ID = re.compile(r"^[0-9a-f]{12}$")


def key_id_of(key: str) -> str | None:
    """The key id of a well-formed key (``pa_<key id>_<secret>``), else None."""
    match = _KEY.match(key)
    return match.group(1) if match else None


def allowed_access(clearance: AccessLevel) -> tuple[AccessLevel, ...]:
    """The access levels a clearance may read: ``internal`` → ``("public", "internal")``."""
    return ACCESS_LEVELS[: ACCESS_LEVELS.index(clearance) + 1]


def role_at_least(role: Role, needed: Role) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking. ``key_id`` is None in the local single-user mode (auth off)."""

    role: Role
    clearance: AccessLevel
    key_id: str | None = None
    name: str | None = None

    @property
    def access(self) -> tuple[AccessLevel, ...] | None:
        """Allowed access levels for the read side; None (everything) when auth is off."""
        return allowed_access(self.clearance) if self.key_id is not None else None

    def can(self, role: Role) -> bool:
        return role_at_least(self.role, role)

    @property
    def asker(self) -> str:
        """Who owns this caller's conversations and audit records: the key id, else the name."""
        return self.key_id or self.name or self.role


LOCAL_PRINCIPAL = Principal(role="admin", clearance="confidential", name="local")


@dataclass(frozen=True, slots=True)
class KeyRecord:
    key_id: str
    name: str
    role: Role
    clearance: AccessLevel
    created_at: float
    revoked_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class KeyStore(Protocol):
    """Creates, lists, revokes and verifies API keys."""

    def create(
        self, role: Role, name: str, clearance: AccessLevel | None = None
    ) -> tuple[KeyRecord, str]: ...

    def list_keys(self) -> list[KeyRecord]: ...

    def revoke(self, key_id: str) -> KeyRecord: ...

    def verify(self, key: str) -> Principal | None: ...

    def recently_verified(self, key: str) -> bool: ...


class SqliteKeyStore:
    """Keys in the state database (a SQLite file, or PostgreSQL through ``DATABASE_URL``),
    hashed with argon2id (argon2-cffi)."""

    def __init__(self, path: Path | StateDatabase, *, cache_seconds: float = 60.0) -> None:
        from argon2 import PasswordHasher

        self.db = path if isinstance(path, StateDatabase) else StateDatabase.sqlite(path)
        self.path = self.db.sqlite_path  # None in PostgreSQL
        self.cache_seconds = cache_seconds
        self._hasher = PasswordHasher()
        self._verified: dict[str, tuple[str, float]] = {}  # key_id -> (sha256 of key, until)
        self._lock = threading.Lock()

    @contextmanager
    def _connect(self) -> Iterator[StateConnection]:
        with self.db.connect() as db:  # one transaction: commit or roll back
            yield db

    def create(
        self, role: Role, name: str, clearance: AccessLevel | None = None
    ) -> tuple[KeyRecord, str]:
        if role not in ROLES:
            raise InvalidRequestError(f"role must be one of {ROLES}", code="invalid_role")
        clearance = clearance or DEFAULT_CLEARANCE[role]
        if clearance not in ACCESS_LEVELS:
            raise InvalidRequestError(
                f"clearance must be one of {ACCESS_LEVELS}", code="invalid_clearance"
            )
        name = " ".join(name.split())
        if not 0 < len(name) <= 100:
            raise InvalidRequestError("the key needs a name of 1 to 100 characters")
        key_id = secrets.token_hex(6)
        key = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        record = KeyRecord(key_id, name, role, clearance, time.time())
        with self._connect() as db:
            db.execute(
                "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (key_id, name, role, clearance, self._hasher.hash(key), record.created_at),
            )
        return record, key

    def list_keys(self) -> list[KeyRecord]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT key_id, name, role, clearance, created_at, revoked_at FROM api_keys "
                "ORDER BY created_at"
            ).fetchall()
        return [_record(row) for row in rows]

    def revoke(self, key_id: str) -> KeyRecord:
        if not _KEY_ID.match(key_id):
            raise InvalidRequestError(
                f"{key_id!r} is not a key id (12 hex digits)", code="invalid_key_id"
            )
        with self._connect() as db:
            db.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
                (time.time(), key_id),
            )
            row = db.execute(
                "SELECT key_id, name, role, clearance, created_at, revoked_at FROM api_keys "
                "WHERE key_id = ?",
                (key_id,),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no key with id {key_id}", code="key_not_found")
        with self._lock:
            self._verified.pop(key_id, None)
        return _record(row)

    def verify(self, key: str) -> Principal | None:
        """The key's principal, or None for a malformed, unknown, wrong or revoked key."""
        match = _KEY.match(key)
        if match is None:
            return None
        key_id = match.group(1)
        with self._connect() as db:
            row = db.execute(
                "SELECT name, role, clearance, hash FROM api_keys "
                "WHERE key_id = ? AND revoked_at IS NULL",
                (key_id,),
            ).fetchone()
        if row is None:
            self._check(self._dummy_hash, key)  # the same argon2 work as for a known id
            return None
        name, role, clearance, stored = row
        if not self.recently_verified(key):
            if not self._check(stored, key):
                return None
            with self._lock:
                self._verified[key_id] = (_digest(key), time.monotonic() + self.cache_seconds)
        return Principal(cast(Role, role), cast(AccessLevel, clearance), key_id, name)

    def recently_verified(self, key: str) -> bool:
        """True when this process verified exactly this key in the last ``cache_seconds``
        (no argon2 needed; revocation is still checked by :meth:`verify`)."""
        match = _KEY.match(key)
        if match is None:
            return False
        with self._lock:
            cached = self._verified.get(match.group(1))
        return (
            cached is not None
            and cached[1] >= time.monotonic()
            and hmac.compare_digest(cached[0], _digest(key))
        )

    @cached_property
    def _dummy_hash(self) -> str:
        return self._hasher.hash(secrets.token_urlsafe(32))

    def _check(self, stored: str, key: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return bool(self._hasher.verify(stored, key))
        except (VerificationError, InvalidHashError):
            return False


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _record(row: tuple[Any, ...]) -> KeyRecord:
    key_id, name, role, clearance, created_at, revoked_at = row
    return KeyRecord(key_id, name, role, clearance, created_at, revoked_at)


def create_key_store(settings: Settings) -> KeyStore:
    return SqliteKeyStore(state_database(settings), cache_seconds=settings.auth.cache_seconds)
