"""Rate limits held across workers: the default ``database://`` storage (the state database:
SQLite in the state directory, or PostgreSQL through DATABASE_URL) is one budget for every app
instance and every process over the same data directory; a real Redis server is another."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from limits import parse
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from api import create_app
from api.auth import RateLimits
from api.rate_storage import SqlRateStorage, rate_storage_uri
from corpus import RateLimitedError, Settings
from tests.api.conftest import Keys, bearer
from tests.api.test_api import assert_error_shape
from tests.conftest import REPO, fake_settings, shared_environment
from tests.support.services import Redis

pytestmark = pytest.mark.unit


def with_auth(settings: Settings, **auth: object) -> Settings:
    return settings.model_copy(update={"auth": settings.auth.model_copy(update=auth)})


def test_default_storage_is_the_state_database(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path)
    assert settings.auth.rate_limit_storage == "database://"
    assert rate_storage_uri(settings) == "database://"
    assert rate_storage_uri(with_auth(settings, rate_limit_storage="sqlite://")) == "database://"
    other = with_auth(settings, rate_limit_storage="sqlite:///srv/limits.sqlite")
    assert rate_storage_uri(other) == "sqlite:///srv/limits.sqlite"
    assert rate_storage_uri(with_auth(settings, rate_limit_storage="redis://h:6379")) == (
        "redis://h:6379"
    )


def test_two_apps_over_one_state_dir_share_the_key_limit(
    access_index: Settings, keys: Keys
) -> None:
    settings = with_auth(access_index, rate_limit="5/minute")
    with (
        TestClient(create_app(settings), raise_server_exceptions=False) as one,
        TestClient(create_app(settings), raise_server_exceptions=False) as two,
    ):
        statuses = [
            (one if i % 2 else two).get("/api/v1/me", headers=bearer(keys.reader)).status_code
            for i in range(5)
        ]
        assert statuses == [200] * 5
        for client in (one, two):
            limited = client.get("/api/v1/me", headers=bearer(keys.reader))
            assert_error_shape(limited, 429, "rate_limited")
            assert 1 <= int(limited.headers["Retry-After"]) <= 60
        # another key has its own budget, in both apps
        assert one.get("/api/v1/me", headers=bearer(keys.clerk)).status_code == 200
        assert two.get("/api/v1/me", headers=bearer(keys.clerk)).status_code == 200
    # counted in the state database: the SQLite file, or PostgreSQL when DATABASE_URL is set
    assert access_index.database_url or (access_index.state_dir / "state.sqlite").exists()


def test_two_apps_share_the_failed_check_limit(access_index: Settings, keys: Keys) -> None:
    settings = with_auth(access_index, failed_auth_limit="3/minute")
    wrong = keys.admin[:-1] + ("A" if not keys.admin.endswith("A") else "B")
    with (
        TestClient(create_app(settings), raise_server_exceptions=False) as one,
        TestClient(create_app(settings), raise_server_exceptions=False) as two,
    ):
        for client in (one, two, one):
            assert_error_shape(
                client.get("/api/v1/me", headers=bearer(wrong)), 401, "invalid_api_key"
            )
        for client in (two, one):
            assert_error_shape(client.get("/api/v1/me", headers=bearer(wrong)), 429, "rate_limited")
        # the address is blocked even with a good key, in both apps
        assert_error_shape(two.get("/api/v1/me", headers=bearer(keys.admin)), 429, "rate_limited")


def test_memory_storage_still_counts_per_process(access_index: Settings, keys: Keys) -> None:
    settings = with_auth(access_index, rate_limit="2/minute", rate_limit_storage="memory://")
    with (
        TestClient(create_app(settings), raise_server_exceptions=False) as one,
        TestClient(create_app(settings), raise_server_exceptions=False) as two,
    ):
        for client in (one, two):
            got = [
                client.get("/api/v1/me", headers=bearer(keys.admin)).status_code for _ in range(3)
            ]
            assert got == [200, 200, 429]


HAMMER = """
import json, sys
from api.auth import RateLimits
from corpus import RateLimitedError, Settings
limits = RateLimits(Settings(data_dir=sys.argv[1], auth={"rate_limit": "40/minute"}))
sys.stdout.write("ready\\n"); sys.stdout.flush(); sys.stdin.readline()
ok = 0
for _ in range(30):
    try:
        limits.hit_key("k-shared")
        ok += 1
    except RateLimitedError:
        pass
limits.hit_key("k-other")  # another key is not affected
print(json.dumps(ok))
"""


def test_separate_processes_get_exactly_the_limit(tmp_path: Path) -> None:
    """Two processes hit one key at the same time: 60 tries, exactly 40 pass (no lost update)."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", HAMMER, str(tmp_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, **shared_environment(tmp_path)},
        )
        for _ in range(2)
    ]
    for proc in procs:  # both are imported and waiting: start them together
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    outputs = [proc.communicate("go\n", timeout=120) for proc in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sum(json.loads(out) for out, _ in outputs) == 40
    limits = RateLimits(fake_settings(tmp_path, auth={"rate_limit": "40/minute"}))
    with pytest.raises(RateLimitedError, match="retry in"):
        limits.hit_key("k-shared")


def test_sqlite_storage_fixed_and_moving_windows(tmp_path: Path) -> None:
    storage = SqlRateStorage(f"sqlite://{tmp_path / 'r.sqlite'}")
    assert storage.check()
    item = parse("3/hour")
    moving = MovingWindowRateLimiter(storage)
    assert [moving.hit(item, "a") for _ in range(4)] == [True, True, True, False]
    assert moving.get_window_stats(item, "a").remaining == 0 and moving.test(item, "b")
    fixed = FixedWindowRateLimiter(storage)
    assert [fixed.hit(item, "a") for _ in range(4)] == [True, True, True, False]
    assert fixed.get_window_stats(item, "a").reset_time > 0
    fixed.clear(item, "a")
    moving.clear(item, "a")
    assert fixed.hit(item, "a") and moving.hit(item, "a")
    assert storage.reset() == 2


@pytest.fixture(scope="module")
def redis_server() -> Iterator[Redis]:
    server = Redis().start()
    yield server
    server.stop()


def test_two_apps_share_the_key_limit_in_redis(
    access_index: Settings, keys: Keys, redis_server: Redis
) -> None:
    """The store of several machines: a real redis-server, counted by `limits`' own storage."""
    settings = with_auth(access_index, rate_limit="4/minute", rate_limit_storage=redis_server.url)
    with (
        TestClient(create_app(settings), raise_server_exceptions=False) as one,
        TestClient(create_app(settings), raise_server_exceptions=False) as two,
    ):
        got = [
            (one if i % 2 else two).get("/api/v1/me", headers=bearer(keys.clerk)).status_code
            for i in range(5)
        ]
        assert got == [200, 200, 200, 200, 429]
        assert_error_shape(one.get("/api/v1/me", headers=bearer(keys.clerk)), 429, "rate_limited")
        assert two.get("/api/v1/me", headers=bearer(keys.reader)).status_code == 200
