"""Every role × every route, and every access level × every read route: zero unauthorised reads.

A new route fails ``test_every_api_route_is_in_the_matrix`` until it is added to ``ROUTES``
(and, if it reads documents, to ``read_probes``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api import create_app
from corpus import Settings
from tests.api.conftest import (
    ALLOWED,
    CONFIDENTIAL,
    NORMAL_QUESTION,
    PUBLIC_SOURCE,
    SECRET_DOCS,
    Keys,
    SecretDoc,
    bearer,
)
from tests.api.test_api import assert_error_shape
from tests.conftest import fake_settings

pytestmark = pytest.mark.unit
PUBLIC_ID = PUBLIC_SOURCE.removesuffix(".txt")
UNKNOWN_ID = "no-such-document"
CONFIDENTIAL_SOURCE = CONFIDENTIAL.source
ROLES = ("reader", "clerk", "admin")
CHAT_MESSAGE = {"role": "user", "content": NORMAL_QUESTION}


def chat(question: str, **extra: Any) -> dict[str, Any]:
    """A ``/v1/chat/completions`` body asking ``question``."""
    return {
        "model": "policy-assistant",
        "messages": [{"role": "user", "content": question}],
        **extra,
    }


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # the route's template, as FastAPI lists it
    role: str | None  # the lowest role let through; None: open
    url: str = ""  # the URL called (default: path)
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.url or self.path} {self.kwargs.get('params', '')}"


ROUTES = [
    Route("GET", "/health", None),
    Route("GET", "/", None, kwargs={"follow_redirects": False}),  # the chat page: no data
    Route("GET", "/api/v1/me", "reader"),
    Route("POST", "/api/v1/ask", "reader", kwargs={"json": {"question": NORMAL_QUESTION}}),
    Route("POST", "/api/v1/ask/stream", "reader", kwargs={"json": {"question": NORMAL_QUESTION}}),
    Route("GET", "/api/v1/search", "reader", kwargs={"params": {"q": "loonkostensubsidie"}}),
    Route("GET", "/api/v1/documents", "reader"),
    Route(
        "GET",
        "/api/v1/documents/{doc_id}/passage",
        "reader",
        url=f"/api/v1/documents/{PUBLIC_ID}/passage",
        kwargs={"params": {"line_start": 1}},
    ),
    Route("GET", "/api/v1/metrics", "reader", kwargs={"params": {"subject": "loonkosten"}}),
    Route("GET", "/api/v1/metrics", "clerk", kwargs={"params": {"format": "csv"}}),
    Route(
        "GET",
        "/api/v1/metrics/chart",
        "clerk",
        kwargs={"params": {"subject": "loonkostensubsidie"}},
    ),
    # an empty file: admins get past auth to a 422, so the shared index is not changed
    Route("POST", "/api/v1/documents", "admin", kwargs={"files": {"file": ("leeg.txt", b"")}}),
    Route("DELETE", "/api/v1/documents/{doc_id}", "admin", url=f"/api/v1/documents/{UNKNOWN_ID}"),
    Route("GET", "/api/v1/audit", "admin"),
    Route("GET", "/api/v1/conversations", "reader"),
    # an id nobody used: every role gets past auth to a 404 of its own (empty) conversation
    Route(
        "GET",
        "/api/v1/conversations/{conversation_id}",
        "reader",
        url="/api/v1/conversations/nobody-asked-this",
    ),
    Route("GET", "/api/v1/metrics", "clerk", kwargs={"params": {"format": "xlsx"}}),
    # the API docs hold no data: open, like the chat page
    Route("GET", "/docs", None),
    Route("GET", "/docs/oauth2-redirect", None),
    Route("GET", "/redoc", None),
    # the OpenAI-compatible face: the same keys and roles
    Route("GET", "/v1/models", "reader"),
    Route("GET", "/v1/models/{model}", "reader", url="/v1/models/policy-assistant"),
    Route(
        "POST",
        "/v1/chat/completions",
        "reader",
        kwargs={"json": {"model": "policy-assistant", "messages": [CHAT_MESSAGE]}},
    ),
]


@pytest.fixture(scope="module")
def client(authed: TestClient) -> TestClient:
    return authed


def call(client: TestClient, route: Route, key: str | None) -> Any:
    return client.request(
        route.method, route.url or route.path, headers=bearer(key), **route.kwargs
    )


def test_every_api_route_is_in_the_matrix(client: TestClient) -> None:
    served = {
        (method, r.path)
        for r in client.app.routes  # type: ignore[attr-defined]
        if isinstance(r, APIRoute)
        for method in r.methods
    }
    covered = {(r.method, r.path) for r in ROUTES}
    assert served - covered == set(), "add the new route(s) to ROUTES (and read_probes)"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_without_a_valid_key_only_health_answers(
    client: TestClient, keys: Keys, route: Route
) -> None:
    bad_keys = {
        "missing_api_key": [None],
        "invalid_api_key": [
            "garbage",
            "pa_000000000000_" + "x" * 43,  # well formed, unknown id
            keys.reader[:-2] + ("AA" if not keys.reader.endswith("AA") else "BB"),  # wrong secret
            keys.revoked,
        ],
    }
    for code, candidates in bad_keys.items():
        for key in candidates:
            response = call(client, route, key)
            if route.role is None:
                assert response.status_code < 400
            else:
                assert_error_shape(response, 401, code)
                assert response.headers["WWW-Authenticate"].startswith("Bearer")
    basic = client.request(
        route.method, route.url or route.path, headers={"Authorization": "Basic eDp5"}
    )
    assert (basic.status_code < 400) if route.role is None else (basic.status_code == 401)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_routes(
    client: TestClient, keys: Keys, route: Route, role: str
) -> None:
    response = call(client, route, keys.by_role()[role])
    assert response.status_code < 500, response.text
    if route.role is not None and ROLES.index(role) < ROLES.index(route.role):
        assert_error_shape(response, 403, "insufficient_role")
    else:
        assert response.status_code not in (401, 403), response.text


# ----- access levels --------------------------------------------------------------------------
Probe = tuple[str, str, dict[str, Any]]


def read_probes(doc: SecretDoc) -> list[Probe]:
    """Every read route, aimed at ``doc``."""
    return [
        ("GET", "/api/v1/documents", {}),
        ("GET", "/api/v1/search", {"params": {"q": doc.question, "k": 20}}),
        ("GET", "/api/v1/search", {"params": {"q": doc.subject, "k": 20, "mode": "bm25"}}),
        ("GET", "/api/v1/search", {"params": {"q": doc.question, "k": 20, "mode": "dense"}}),
        ("POST", "/api/v1/ask", {"json": {"question": doc.question}}),
        ("POST", "/api/v1/ask/stream", {"json": {"question": doc.question}}),
        ("POST", "/api/v1/ask", {"json": {"question": f"Wat staat er over {doc.subject}?"}}),
        ("GET", "/api/v1/metrics", {"params": {"q": doc.question}}),
        ("GET", "/api/v1/metrics", {"params": {"subject": doc.subject}}),
        ("GET", "/api/v1/metrics", {"params": {"format": "csv", "limit": 10000}}),
        ("GET", "/api/v1/metrics", {"params": {"limit": 10000}}),
        ("GET", "/api/v1/metrics", {"params": {"doc_id": doc.doc_id}}),
        ("GET", "/api/v1/metrics/chart", {"params": {"subject": doc.subject, "format": "svg"}}),
        ("GET", f"/api/v1/documents/{doc.doc_id}/passage", {"params": {"line_start": 1}}),
        ("GET", "/api/v1/search", {"params": {"q": doc.subject, "doc_id": doc.doc_id}}),
        (
            "POST",
            "/api/v1/ask",
            {"json": {"question": doc.question, "filters": {"doc_id": doc.doc_id}}},
        ),
        ("POST", "/v1/chat/completions", {"json": chat(doc.question)}),
        ("POST", "/v1/chat/completions", {"json": chat(doc.question, stream=True)}),
        (
            "POST",
            "/v1/chat/completions",
            {"json": chat(doc.question, filters={"doc_id": doc.doc_id})},
        ),
        ("GET", "/v1/models", {}),
        ("GET", "/api/v1/me", {}),
        ("GET", "/api/v1/metrics", {"params": {"format": "xlsx", "limit": 10000}}),
        # the caller's conversations now hold the questions above, with their citations
        ("GET", "/api/v1/conversations", {}),
        # last: the audit trail now holds the questions above, with their citations
        ("GET", "/api/v1/audit", {"params": {"limit": 500}}),
    ]


def leaked(body: str, doc: SecretDoc, asked: str = "") -> list[str]:
    """The markers of ``doc`` found in a response body (numbers as whole numbers only),
    except those the request itself named (a 404 repeats the id it was asked for)."""
    found = []
    for marker in doc.markers:
        if marker.lower() in asked.lower():
            continue
        if marker[0].isdigit():
            if re.search(rf"(?<![\w.,]){re.escape(marker)}(?![\w]|[.,]\d)", body):
                found.append(marker)
        elif marker.lower() in body.lower():
            found.append(marker)
    return found


CALLERS: dict[str, Callable[[Keys], str]] = {
    "reader": lambda k: k.reader,
    "clerk": lambda k: k.clerk,
    "admin": lambda k: k.admin,
    "admin_public": lambda k: k.admin_public,
}
CLEARANCE = {
    "reader": "public",
    "clerk": "internal",
    "admin": "confidential",
    "admin_public": "public",
}


def _responses(client: TestClient, key: str, doc: SecretDoc) -> Iterator[tuple[Probe, Any]]:
    for probe in read_probes(doc):
        method, url, kwargs = probe
        yield probe, client.request(method, url, headers=bearer(key), **kwargs)


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_zero_unauthorised_reads(client: TestClient, keys: Keys, caller: str) -> None:
    key = CALLERS[caller](keys)
    allowed = ALLOWED[CLEARANCE[caller]]
    for doc in SECRET_DOCS:
        seen = False
        for probe, response in _responses(client, key, doc):
            assert response.status_code < 500, (probe, response.text)
            if doc.access in allowed:
                seen = seen or bool(leaked(response.text, doc))
            else:
                assert leaked(response.text, doc, str(probe)) == [], (caller, probe, response.text)
        # the control: a key with clearance does get the document through these routes
        assert seen == (doc.access in allowed), (caller, doc.source)


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_documents_lists_exactly_the_allowed_levels(
    client: TestClient, keys: Keys, caller: str
) -> None:
    docs = client.get("/api/v1/documents", headers=bearer(CALLERS[caller](keys))).json()
    allowed = ALLOWED[CLEARANCE[caller]]
    assert {d["access"] for d in docs["documents"]} == set(allowed)
    expected = {PUBLIC_ID} | {d.doc_id for d in SECRET_DOCS if d.access in allowed}
    assert {d["doc_id"] for d in docs["documents"]} == expected


def _without_ids(response: Any, doc_id: str) -> tuple[int, str, str]:
    error = response.json()["error"]
    return response.status_code, error["code"], error["message"].replace(doc_id, "<id>")


@pytest.mark.parametrize("caller", ["reader", "admin_public"])
def test_a_forbidden_document_looks_exactly_like_a_missing_one(
    client: TestClient, keys: Keys, caller: str
) -> None:
    """404 ``document_not_found``, never 403, with the same message as an unknown id."""
    headers = bearer(CALLERS[caller](keys))
    for doc in SECRET_DOCS:
        for ident in (doc.doc_id, UNKNOWN_ID):
            requests = [
                client.get(f"/api/v1/documents/{ident}/passage", headers=headers),
                client.get(
                    "/api/v1/search", params={"q": "werk", "doc_id": ident}, headers=headers
                ),
                client.post(
                    "/api/v1/ask",
                    json={"question": "Wat is het doel?", "filters": {"doc_id": ident}},
                    headers=headers,
                ),
                client.post(
                    "/v1/chat/completions",
                    json=chat("Wat is het doel?", filters={"doc_id": ident}),
                    headers=headers,
                ),
            ]
            if caller == "admin_public":
                requests.append(client.delete(f"/api/v1/documents/{ident}", headers=headers))
            for response in requests:
                assert_error_shape(response, 404, "document_not_found")
        forbidden = client.get(f"/api/v1/documents/{doc.doc_id}/passage", headers=headers)
        unknown = client.get(f"/api/v1/documents/{UNKNOWN_ID}/passage", headers=headers)
        assert _without_ids(forbidden, doc.doc_id) == _without_ids(unknown, UNKNOWN_ID)
    # and a chart of a forbidden subject is refused like a subject nobody wrote about
    for doc in SECRET_DOCS:
        chart = client.get(
            "/api/v1/metrics/chart", params={"subject": doc.subject}, headers=bearer(keys.clerk)
        )
        if doc.access == "confidential":
            assert_error_shape(chart, 422, "nothing_to_draw")
        else:
            assert chart.status_code == 200


def test_local_mode_sees_everything(access_index: Settings) -> None:
    """Auth off (loopback, not enabled): one local user with every document."""
    settings = fake_settings(access_index.data_dir)
    assert not settings.auth_required
    with TestClient(create_app(settings)) as c:
        me = c.get("/api/v1/me").json()
        assert (me["role"], me["key_id"], me["auth_required"]) == ("admin", None, False)
        docs = c.get("/api/v1/documents").json()["documents"]
        assert {d["access"] for d in docs} == {"public", "internal", "confidential"}
        found = c.get("/api/v1/search", params={"q": SECRET_DOCS[1].question}).json()
        assert found["results"][0]["doc_id"] == SECRET_DOCS[1].doc_id


# ----- second round (issue 18): lockouts, proxies, key timing, hidden ids, default access ----
PROXY = "127.0.0.1"  # the address the test client connects from: a reverse proxy


def _wrong_key(key_id: str | None = None) -> str:
    """A well-formed key that verifies nowhere (a new random key id unless one is given)."""
    return f"pa_{key_id or secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"


def _limited_app(settings: Settings, **auth: object) -> TestClient:
    auth = {"rate_limit_storage": "memory://", "failed_key_limit": "", **auth}
    limited = settings.model_copy(update={"auth": settings.auth.model_copy(update=auth)})
    return TestClient(create_app(limited), raise_server_exceptions=False, client=(PROXY, 50000))


def _me(client: TestClient, key: str, forwarded_for: str | None = None) -> Any:
    headers = bearer(key)
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    return client.get("/api/v1/me", headers=headers)


def test_failed_keys_of_one_client_behind_a_proxy_lock_out_only_that_client(
    access_index: Settings, keys: Keys
) -> None:
    """Row 1: behind a reverse proxy every user shares its address; with the proxy trusted,
    the client is the one ``X-Forwarded-For`` names, so one client's bad keys are its own."""
    with _limited_app(
        access_index, failed_auth_limit="5/minute", trusted_proxies=[PROXY]
    ) as client:
        statuses = [_me(client, _wrong_key(), "10.9.8.1").status_code for _ in range(7)]
        assert statuses == [401] * 5 + [429] * 2
        assert _me(client, keys.admin, "10.9.8.2").status_code == 200  # another user
        # the proxy appends the address it saw: a client that names another one is still itself
        assert_error_shape(_me(client, keys.clerk, "10.9.8.2, 10.9.8.1"), 429, "rate_limited")
        assert_error_shape(_me(client, keys.reader, "10.9.8.1"), 429, "rate_limited")


def test_an_active_key_keeps_working_when_its_address_is_locked(
    access_index: Settings, keys: Keys
) -> None:
    """Row 1 without a trusted proxy (every user one address): a key in use (verified in the
    last ``auth.cache_seconds``, no argon2 needed) is not locked out by others' bad keys."""
    with _limited_app(access_index, failed_auth_limit="5/minute") as client:
        assert _me(client, keys.admin).status_code == 200
        statuses = [_me(client, _wrong_key()).status_code for _ in range(30)]
        assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
        assert _me(client, keys.admin).json()["role"] == "admin"
        # a key not verified lately would need argon2 work: the locked address waits
        assert_error_shape(_me(client, keys.clerk), 429, "rate_limited")


def test_failed_checks_are_limited_per_key_id(access_index: Settings, keys: Keys) -> None:
    """Row 1: guessing at one key id from many clients is limited per id, known or not, and
    the id's owner, once verified, keeps working."""
    reader_id = keys.reader.split("_")[1]
    with _limited_app(access_index, failed_key_limit="3/minute", trusted_proxies=[PROXY]) as client:
        assert _me(client, keys.reader, "10.7.0.1").status_code == 200
        for key_id in (reader_id, "0123456789ab"):  # a known and an unknown id alike
            statuses = [
                _me(client, _wrong_key(key_id), f"10.7.1.{i}").status_code for i in range(5)
            ]
            assert statuses == [401, 401, 401, 429, 429], key_id
        assert _me(client, keys.reader, "10.7.2.1").status_code == 200
        assert _me(client, _wrong_key(), "10.7.2.2").status_code == 401  # other ids: their own


class _CountingHasher:
    """The store's argon2 hasher, counting its checks."""

    def __init__(self, hasher: Any) -> None:
        self.hasher = hasher
        self.checked: list[str] = []

    def hash(self, secret: str) -> str:
        return str(self.hasher.hash(secret))

    def verify(self, stored: str, key: str) -> bool:
        self.checked.append(stored)
        return bool(self.hasher.verify(stored, key))


def test_an_unknown_key_id_costs_the_same_argon2_check(tmp_path: Path) -> None:
    """Row 5: a wrong secret for a known id, an unknown id and a revoked key each cost one
    argon2 check with the same parameters (timings: bench/auth_timing.py)."""
    import argon2

    from assistant.keys import SqliteKeyStore

    store = SqliteKeyStore(tmp_path / "keys.sqlite", cache_seconds=0)
    known, key = store.create("reader", "known")
    revoked, revoked_key = store.create("reader", "revoked")
    store.revoke(revoked.key_id)
    counting = _CountingHasher(store._hasher)
    store._hasher = counting  # type: ignore[assignment]
    for probe in (_wrong_key(known.key_id), _wrong_key(), revoked_key):
        counting.checked.clear()
        assert store.verify(probe) is None
        assert len(counting.checked) == 1, probe
        params = argon2.extract_parameters(counting.checked[0])
        assert params == argon2.extract_parameters(store._hasher.hash("x")), probe
    assert store.verify(key) is not None


@pytest.fixture(scope="module")
def writable_access(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Keys]]:
    """The access corpus in its own data dir, for uploads."""
    from assistant import PolicyAssistant
    from tests.api.conftest import auth_settings, make_keys, write_access_corpus

    root = tmp_path_factory.mktemp("access-uploads")
    settings = auth_settings(root / "data")
    assert PolicyAssistant(settings).ingest([write_access_corpus(root / "corpus")]).documents == 3
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c, make_keys(settings)


def test_upload_ids_do_not_betray_hidden_documents(
    writable_access: tuple[TestClient, Keys],
) -> None:
    """Row 3: an upload named like a document the uploader cannot see gets an id of the same
    form as any other upload (a random suffix), never ``<name>-2``."""
    client, keys = writable_access
    uploaded = []
    for name in (CONFIDENTIAL_SOURCE, "nieuw-memo.txt", PUBLIC_SOURCE):
        response = client.post(
            "/api/v1/documents",
            files={"file": (name, b"Memo over de zwemlessen.\nTweede regel van de memo.\n")},
            data={"access": "public"},
            headers=bearer(keys.admin_public),
        )
        assert response.status_code == 201, response.text
        entry = response.json()
        stem = name.removesuffix(".txt")
        assert re.fullmatch(rf"{re.escape(stem)}-[0-9a-f]{{8}}", entry["doc_id"]), entry
        assert entry["source"] == f"{entry['doc_id']}.txt"
        uploaded.append(entry["doc_id"])
    listed = client.get("/api/v1/documents", headers=bearer(keys.reader)).json()["documents"]
    assert set(uploaded) <= {d["doc_id"] for d in listed}
    assert not any(d["doc_id"].endswith("-2") for d in listed)
    for doc_id in uploaded:
        assert client.delete(f"/api/v1/documents/{doc_id}", headers=bearer(keys.admin)).is_success


def test_cli_ingest_is_internal_unless_told_public(tmp_path: Path) -> None:
    """Row 4: one default access level, ``internal``, for CLI ingest as for uploads; a folder
    is published only by ``ingest --access public`` (or its manifest)."""
    from tests.api.conftest import auth_settings, make_keys
    from tests.api.test_cli import run_cli

    folder = tmp_path / "map"
    folder.mkdir()
    (folder / "reiskosten.txt").write_text(
        "Notitie reiskosten.\nIn 2024 kregen 77 reizigers een vergoeding voor reiskosten.\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    first = run_cli(data, "ingest", str(folder))
    assert first.returncode == 0, first.stderr
    settings = auth_settings(data)
    own = make_keys(settings)

    def seen_by(key: str) -> dict[str, str]:
        with TestClient(create_app(settings), raise_server_exceptions=False) as c:
            docs = c.get("/api/v1/documents", headers=bearer(key)).json()["documents"]
        return {d["doc_id"]: d["access"] for d in docs}

    assert seen_by(own.reader) == {}
    assert seen_by(own.clerk) == {"reiskosten": "internal"}
    assert "are internal" in first.stdout
    published = run_cli(data, "ingest", str(folder), "--access", "public")
    assert published.returncode == 0, published.stderr
    assert "public" in published.stdout
    assert seen_by(own.reader) == {"reiskosten": "public"}
    # a manifest entry that names no access gets the default too
    (folder / "manifest.toml").write_text('["reiskosten.txt"]\ntitle = "Reiskosten"\n')
    assert run_cli(data, "ingest", str(folder)).returncode == 0
    assert seen_by(own.reader) == {}
