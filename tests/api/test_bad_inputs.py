"""Property tests: random input on every route and on the CLI is a clear 4xx (or a 200 for
valid input), never a 5xx, always in the error shape, and the service answers right after."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from api import create_app
from api.cli import app as cli_app
from corpus import Settings
from tests.api.conftest import NORMAL_QUESTION, PUBLIC_SOURCE, Keys, bearer, make_keys
from tests.api.test_cli import run_cli
from tests.conftest import fake_settings

pytestmark = pytest.mark.unit
PUBLIC_ID = PUBLIC_SOURCE.removesuffix(".txt")
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

# ----- strategies -----------------------------------------------------------------------------
SPECIAL = [
    "",
    " ",
    "\x00",
    "null",
    "[]",
    "{}",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 40,
    "../../etc/passwd",
    "..%2F..%2Fetc",
    "%00",
    "\u202e\u200b",
    "😀" * 50,
    "x" * 5000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    PUBLIC_ID,
]
junk = st.one_of(
    st.text(max_size=200),
    st.sampled_from(SPECIAL),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(str),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | junk,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)
QUERY_ROUTES: dict[str, tuple[str, ...]] = {
    "/api/v1/search": ("q", "k", "municipality", "year", "doc_type", "doc_id", "mode"),
    "/api/v1/metrics": (
        "q",
        "subject",
        "measure",
        "period",
        "municipality",
        "kind",
        "doc_id",
        "format",
        "dialect",
        "limit",
    ),
    "/api/v1/metrics/chart": ("subject", "measure", "format", "lang"),
    "/api/v1/conversations": ("limit",),
    "/api/v1/documents": (),
    "/api/v1/me": (),
    "/health": (),
}
ask_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"question": json_values},
        optional={
            "conversation_id": json_values,
            "filters": st.one_of(
                json_values,
                st.fixed_dictionaries(
                    {},
                    optional={
                        k: json_values for k in ("municipality", "year", "doc_type", "doc_id")
                    },
                ),
            ),
        },
    ),
    st.fixed_dictionaries({"question": junk}),
)
raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"",
            b"{",
            b'{"question": "\\ud800"}',
            b'{"question": "a\\u0000b"}',
            b"\xff\xfe",
            b"[" * 500,
        ]
    ),
)


def check(response: Any) -> None:
    """Never a 5xx; an error always has the one shape and a message."""
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
        assert set(body["error"]) == {"code", "message", "request_id"}, body
        assert body["error"]["code"] and body["error"]["message"]


def assert_still_answers(client: TestClient, key: str) -> None:
    body = client.post(
        "/api/v1/ask", json={"question": NORMAL_QUESTION}, headers=bearer(key)
    ).json()
    assert body["status"] in ("answered", "partial") and "220" in body["answer"], body


@pytest.fixture(scope="module")
def client(authed: TestClient) -> TestClient:
    return authed


# ----- every route ----------------------------------------------------------------------------
def test_query_routes(client: TestClient, keys: Keys) -> None:
    @FUZZ
    @given(
        route=st.sampled_from(sorted(QUERY_ROUTES)),
        params=st.dictionaries(st.sampled_from([*sum(QUERY_ROUTES.values(), ()), "x"]), junk),
    )
    def run(route: str, params: dict[str, str]) -> None:
        check(client.get(route, params=params, headers=bearer(keys.admin)))

    run()
    assert_still_answers(client, keys.reader)


def test_raw_query_strings_and_paths(client: TestClient, keys: Keys) -> None:
    @FUZZ
    @given(raw=st.binary(max_size=80), doc_id=junk)
    def run(raw: bytes, doc_id: str) -> None:
        encoded = quote(raw, safe="=&")
        check(client.get(f"/api/v1/search?{encoded}", headers=bearer(keys.admin)))
        check(client.get(f"/api/v1/metrics?q={quote(raw)}", headers=bearer(keys.admin)))
        check(
            client.get(
                f"/api/v1/documents/{quote(doc_id, safe='')}/passage", headers=bearer(keys.admin)
            )
        )
        check(
            client.get(
                f"/api/v1/conversations/{quote(doc_id, safe='')}", headers=bearer(keys.admin)
            )
        )

    run()
    assert_still_answers(client, keys.reader)


def test_passage_parameters(client: TestClient, keys: Keys) -> None:
    @FUZZ
    @given(
        params=st.dictionaries(st.sampled_from(["line_start", "line_end", "page", "context"]), junk)
    )
    def run(params: dict[str, str]) -> None:
        check(
            client.get(
                f"/api/v1/documents/{PUBLIC_ID}/passage", params=params, headers=bearer(keys.admin)
            )
        )

    run()


@pytest.mark.parametrize("path", ["/api/v1/ask", "/api/v1/ask/stream"])
def test_ask_bodies(client: TestClient, keys: Keys, path: str) -> None:
    @FUZZ
    @given(body=ask_bodies, raw=raw_bodies)
    def run(body: Any, raw: bytes) -> None:
        check(client.post(path, json=body, headers=bearer(keys.reader)))
        check(
            client.post(
                path,
                content=raw,
                headers={**bearer(keys.reader), "Content-Type": "application/json"},
            )
        )

    run()
    assert_still_answers(client, keys.reader)


def test_authorization_headers(client: TestClient) -> None:
    @FUZZ
    @given(value=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=120))
    def run(value: str) -> None:
        response = client.get("/api/v1/documents", headers={"Authorization": value})
        check(response)
        assert response.status_code == 401

    run()


def test_wrong_methods_and_paths(client: TestClient, keys: Keys) -> None:
    @FUZZ
    @given(
        method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
        path=st.sampled_from(
            ["/api/v1/ask", "/api/v1/documents", "/api/v1/me", "/api/v2/x", "/health"]
        ),
    )
    def run(method: str, path: str) -> None:
        if (method, path) in {("POST", "/api/v1/ask"), ("POST", "/api/v1/documents")}:
            return  # bodies are fuzzed above
        check(client.request(method, path, headers=bearer(keys.reader)))

    run()


# ----- uploads and deletes, on their own index ------------------------------------------------
@pytest.fixture(scope="module")
def upload_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Keys]]:
    import shutil

    from assistant import PolicyAssistant
    from corpus import BUNDLED_CORPUS_DIR

    root = tmp_path_factory.mktemp("fuzz-uploads")
    (root / "corpus").mkdir()
    shutil.copy2(BUNDLED_CORPUS_DIR / PUBLIC_SOURCE, root / "corpus" / PUBLIC_SOURCE)
    settings_ = fake_settings(
        root / "data",
        corpus_dirs=[root / "corpus"],
        auth={"enabled": True, "rate_limit": "", "failed_auth_limit": ""},
    )
    PolicyAssistant(settings_).ingest()
    with TestClient(create_app(settings_), raise_server_exceptions=False) as c:
        yield c, make_keys(settings_)


def test_uploads_and_deletes(upload_client: tuple[TestClient, Keys]) -> None:
    client, keys = upload_client
    admin = bearer(keys.admin)

    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        data=st.one_of(st.binary(max_size=400), st.text(max_size=200).map(str.encode)),
        name=junk,
        form=st.dictionaries(
            st.sampled_from(["title", "municipality", "doc_type", "year", "period", "access"]), junk
        ),
        doc_id=junk,
    )
    def run(data: bytes, name: str, form: dict[str, str], doc_id: str) -> None:
        response = client.post(
            "/api/v1/documents", files={"file": (name or "x", data)}, data=form, headers=admin
        )
        check(response)
        assert response.status_code in (201, 413, 415, 422), response.text
        if response.status_code == 201:
            assert (
                client.delete(
                    f"/api/v1/documents/{response.json()['doc_id']}", headers=admin
                ).status_code
                == 200
            )
        deleted = client.delete(f"/api/v1/documents/{quote(doc_id, safe='')}", headers=admin)
        check(deleted)
        assert deleted.status_code in (404, 405), deleted.text

    run()
    check(client.post("/api/v1/documents", headers=admin))  # no file at all
    check(client.post("/api/v1/documents", data={"title": "x"}, headers=admin))
    check(
        client.post(
            "/api/v1/documents",
            content=b"--x\r\n",
            headers={**admin, "Content-Type": "multipart/form-data; boundary=x"},
        )
    )
    docs = client.get("/api/v1/documents", headers=admin).json()["documents"]
    assert [d["doc_id"] for d in docs] == [PUBLIC_ID]
    assert_still_answers(client, keys.reader)


# ----- the CLI --------------------------------------------------------------------------------
def test_cli_ask_with_random_questions(access_index: Settings) -> None:
    runner = CliRunner()
    env = {
        "POLICY_ASSISTANT_DATA_DIR": str(access_index.data_dir),
        "POLICY_ASSISTANT_EMBEDDING__BACKEND": "fake",
    }

    @settings(max_examples=15, deadline=None, derandomize=True)
    @given(
        question=junk,
        options=st.lists(st.sampled_from(["--json", "--year", "--doc-id"]), max_size=2),
        value=junk,
    )
    def run(question: str, options: list[str], value: str) -> None:
        args = ["ask", question]
        for option in options:
            args += [option] if option == "--json" else [option, value]
        result = runner.invoke(cli_app, args, env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert result.exit_code in (0, 2), result.output
        assert "Traceback" not in result.output

    run()


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["ask", ""], "empty_question"),
        (["ask", "   "], "empty_question"),
        (["ask", "x" * 100_000], "question_too_long"),
        (["ask", NORMAL_QUESTION, "--doc-id", "bestaat-niet"], "document_not_found"),
        (["ask", NORMAL_QUESTION, "--doc-id", "../../etc/passwd"], "document_not_found"),
        (["search", "werk", "--doc-id", "bestaat-niet"], "document_not_found"),
        (["search", "x" * 100_000], "query_too_long"),
    ],
    ids=[
        "empty",
        "blank",
        "huge",
        "unknown-doc",
        "traversal-doc",
        "search-unknown-doc",
        "search-huge",
    ],
)
def test_cli_bad_input_is_a_clear_error(access_index: Settings, args: list[str], code: str) -> None:
    result: subprocess.CompletedProcess[str] = run_cli(access_index.data_dir, *args)
    assert result.returncode == 2, result.stdout
    assert f"error [{code}]" in result.stderr and "Traceback" not in result.stderr


def test_cli_json_answer_after_bad_input(access_index: Settings) -> None:
    result = run_cli(access_index.data_dir, "ask", NORMAL_QUESTION, "--json")
    assert result.returncode == 0, result.stderr
    assert "220" in json.loads(result.stdout)["answer"]
