"""Auth in the API: 401/403/429 in the error shape, /me, rate limits, forced auth off loopback,
body limits, and the keys and serve commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from corpus import Settings, is_loopback
from tests.api.conftest import NORMAL_QUESTION, Keys, auth_settings, bearer
from tests.api.test_api import assert_error_shape
from tests.api.test_cli import run_cli
from tests.conftest import fake_settings

pytestmark = pytest.mark.unit


def test_me_tells_role_and_clearance(authed: TestClient, keys: Keys) -> None:
    me = authed.get("/api/v1/me", headers=bearer(keys.clerk)).json()
    assert me["role"] == "clerk" and me["clearance"] == "internal"
    assert me["access"] == ["public", "internal"] and me["auth_required"] is True
    assert keys.clerk.startswith(f"pa_{me['key_id']}_")


def test_health_stays_open(authed: TestClient) -> None:
    assert authed.get("/health").json()["status"] == "ok"


def test_rate_limit_per_key_is_a_429_with_retry_after(access_index: Settings, keys: Keys) -> None:
    settings = access_index.model_copy(
        update={"auth": access_index.auth.model_copy(update={"rate_limit": "3/minute"})}
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        statuses = [c.get("/api/v1/me", headers=bearer(keys.reader)).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        limited = c.get("/api/v1/me", headers=bearer(keys.reader))
        assert_error_shape(limited, 429, "rate_limited")
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        # another key has its own budget
        assert c.get("/api/v1/me", headers=bearer(keys.clerk)).status_code == 200


def test_failed_key_checks_are_limited_per_address(access_index: Settings, keys: Keys) -> None:
    settings = access_index.model_copy(
        update={"auth": access_index.auth.model_copy(update={"failed_auth_limit": "2/minute"})}
    )
    wrong = keys.admin[:-1] + ("A" if not keys.admin.endswith("A") else "B")
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        for _ in range(2):
            assert_error_shape(c.get("/api/v1/me", headers=bearer(wrong)), 401, "invalid_api_key")
        assert_error_shape(c.get("/api/v1/me", headers=bearer(wrong)), 429, "rate_limited")
        assert_error_shape(c.get("/api/v1/me", headers=bearer(keys.admin)), 429, "rate_limited")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.1.2.3", False),
        ("intranet.gemeente.nl", False),
    ],
)
def test_auth_is_forced_on_off_loopback(tmp_path: Path, host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    settings = fake_settings(tmp_path, api={"host": host})
    assert settings.auth_required is (not loopback)
    assert fake_settings(tmp_path, api={"host": host}, auth={"enabled": True}).auth_required


def test_an_app_bound_off_loopback_wants_keys(access_index: Settings) -> None:
    settings = fake_settings(access_index.data_dir, api={"host": "0.0.0.0"})
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        assert_error_shape(c.get("/api/v1/documents"), 401, "missing_api_key")


@pytest.fixture(scope="module")
def small_limits(access_index: Settings) -> Iterator[TestClient]:
    settings = access_index.model_copy(
        update={"api": access_index.api.model_copy(update={"max_body_bytes": 2048})}
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def test_body_limits_are_413_in_the_error_shape(small_limits: TestClient, keys: Keys) -> None:
    admin = bearer(keys.admin)
    big = {"question": NORMAL_QUESTION, "conversation_id": None, "pad": "x" * 5000}
    assert_error_shape(
        small_limits.post("/api/v1/ask", json=big, headers=admin), 413, "body_too_large"
    )
    # declared on a route that never reads a body
    response = small_limits.request("GET", "/api/v1/me", content=b"x" * 5000, headers=admin)
    assert_error_shape(response, 413, "body_too_large")
    assert "2,048 bytes" in response.json()["error"]["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        yield b'{"question": "'
        for _ in range(10):
            yield b"y" * 1000
        yield b'"}'

    chunked = small_limits.post(
        "/api/v1/ask", content=chunks(), headers={**admin, "Content-Type": "application/json"}
    )
    assert_error_shape(chunked, 413, "body_too_large")
    assert (
        small_limits.post(
            "/api/v1/ask", json={"question": NORMAL_QUESTION}, headers=admin
        ).status_code
        == 200
    )
    # the upload route has its own, larger limit
    upload = small_limits.post(
        "/api/v1/documents",
        files={"file": ("a.txt", b"")},
        headers=admin,
    )
    assert_error_shape(upload, 422, "empty_document")


def test_a_bad_content_length_is_a_400(authed: TestClient) -> None:
    response = authed.request("GET", "/health", headers={"Content-Length": "veel"})
    assert_error_shape(response, 400, "bad_request")


# ----- CLI ------------------------------------------------------------------------------------
def test_keys_create_list_revoke(tmp_path: Path) -> None:
    created = run_cli(
        tmp_path, "keys", "create", "--role", "clerk", "--name", "Team Werk", "--json"
    )
    assert created.returncode == 0, created.stderr
    record = json.loads(created.stdout)
    assert record["role"] == "clerk" and record["clearance"] == "internal"
    listed = run_cli(tmp_path, "keys", "list")
    assert record["key_id"] in listed.stdout and "active" in listed.stdout
    assert record["key"] not in listed.stdout
    settings = auth_settings(tmp_path)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        assert c.get("/api/v1/me", headers=bearer(record["key"])).json()["role"] == "clerk"
        assert run_cli(tmp_path, "keys", "revoke", record["key_id"]).returncode == 0
        assert_error_shape(
            c.get("/api/v1/me", headers=bearer(record["key"])), 401, "invalid_api_key"
        )
    bad = run_cli(tmp_path, "keys", "create", "--role", "root", "--name", "x")
    assert bad.returncode == 2 and "error [invalid_role]" in bad.stderr
    unknown = run_cli(tmp_path, "keys", "revoke", "not-a-key")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


def test_serve_off_loopback_refuses_to_start_without_a_key(tmp_path: Path) -> None:
    refused = run_cli(tmp_path, "serve", "--host", "0.0.0.0", "--port", "1")
    assert refused.returncode == 2
    assert "error [no_api_keys]" in refused.stderr and "keys create" in refused.stderr
