"""The SQLite key store: argon2-hashed keys, roles, clearances, revocation, the verify cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant.keys import (
    DEFAULT_CLEARANCE,
    Principal,
    SqliteKeyStore,
    allowed_access,
    create_key_store,
)
from corpus import InvalidRequestError, NotFoundError
from tests.conftest import fake_settings

pytestmark = pytest.mark.unit


@pytest.fixture
def store(tmp_path: Path) -> SqliteKeyStore:
    return SqliteKeyStore(tmp_path / "state" / "keys.sqlite")


def test_a_key_is_shown_once_and_stored_only_as_an_argon2_hash(store: SqliteKeyStore) -> None:
    record, key = store.create("clerk", "Afdeling Werk")
    assert key.startswith(f"pa_{record.key_id}_") and len(key) > 50
    with sqlite3.connect(store.path) as db:
        stored = db.execute("SELECT hash FROM api_keys").fetchone()[0]
    assert stored.startswith("$argon2id$") and key not in stored
    assert key not in str([r.to_dict() for r in store.list_keys()])
    assert store.verify(key) == Principal("clerk", "internal", record.key_id, "Afdeling Werk")


def test_default_clearance_per_role_and_an_override(store: SqliteKeyStore) -> None:
    for role, clearance in DEFAULT_CLEARANCE.items():
        assert store.create(role, role)[0].clearance == clearance
    _, key = store.create("admin", "beperkt", "public")
    principal = store.verify(key)
    assert principal is not None and principal.access == ("public",)
    assert allowed_access("internal") == ("public", "internal")


@pytest.mark.parametrize(
    "mangle",
    [
        lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"),  # wrong secret
        lambda k: k.replace("pa_", "pb_", 1),
        lambda k: k + "x" * 200,
        lambda k: "",
        lambda k: "pa_000000000000_" + k.split("_", 2)[2],  # unknown id, same secret
        lambda k: k.upper(),
    ],
)
def test_wrong_keys_do_not_verify(store: SqliteKeyStore, mangle) -> None:  # type: ignore[no-untyped-def]
    _, key = store.create("reader", "r")
    assert store.verify(mangle(key)) is None


def test_revoke_holds_at_once_in_every_process(tmp_path: Path) -> None:
    path = tmp_path / "keys.sqlite"
    worker_a, worker_b = SqliteKeyStore(path), SqliteKeyStore(path, cache_seconds=3600)
    record, key = worker_a.create("admin", "a")
    assert worker_b.verify(key) is not None  # now cached in worker b
    worker_a.revoke(record.key_id)
    assert worker_b.verify(key) is None
    assert [r.revoked_at is not None for r in worker_b.list_keys()] == [True]


def test_a_verified_key_skips_argon2_until_the_cache_expires(
    store: SqliteKeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, key = store.create("reader", "r")
    assert store.verify(key) is not None
    monkeypatch.setattr(store, "_check", lambda stored, k: pytest.fail("argon2 ran again"))
    assert store.verify(key) is not None
    # a different (wrong) key for the same id is never taken from the cache
    monkeypatch.setattr(store, "_check", lambda stored, k: False)
    assert store.verify(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    store.cache_seconds = 0
    store._verified.clear()
    assert store.verify(key) is None  # _check (patched to False) ran: no cache


def test_bad_arguments_are_typed_errors(store: SqliteKeyStore) -> None:
    with pytest.raises(InvalidRequestError):
        store.create("root", "x")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError):
        store.create("reader", "x", "geheim")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError):
        store.create("reader", "   ")
    with pytest.raises(InvalidRequestError):
        store.revoke("../../etc")
    with pytest.raises(NotFoundError):
        store.revoke("0123456789ab")


def test_the_factory_keeps_keys_in_the_state_database(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path)
    store = create_key_store(settings)
    store.create("reader", "r")
    assert (tmp_path / "state" / "state.sqlite").is_file()
    assert [k.name for k in create_key_store(settings).list_keys()] == ["r"]
