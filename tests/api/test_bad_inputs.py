"""Property tests: random input on every route and on the CLI is a clear 4xx (or a 200 for
valid input), never a 5xx, always in the error shape, and the service answers right after."""

from __future__ import annotations

import codecs
import json
import re
import secrets
import select
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from api import create_app
from api.cli import app as cli_app
from corpus import Settings
from tests.api.conftest import NORMAL_QUESTION, PUBLIC_SOURCE, Keys, bearer, make_keys
from tests.api.served import raw_exchange, read_until_closed, served
from tests.api.test_api import assert_error_shape
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
    (root / "corpus" / "manifest.toml").write_text(f'["{PUBLIC_SOURCE}"]\naccess = "public"\n')
    settings_ = fake_settings(
        root / "data",
        corpus_dirs=[root / "corpus"],
        auth={"enabled": True, "rate_limit": "", "failed_auth_limit": "", "failed_key_limit": ""},
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


# ----- second round (issue 18) ----------------------------------------------------------------
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def _wrong_key() -> str:
    return f"pa_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"


def test_request_id_is_kept_only_as_a_short_token(client: TestClient) -> None:
    """Row 8: ``X-Request-ID`` is echoed only as ``[A-Za-z0-9._-]{1,64}``; anything else
    (markup, 20,000 characters, spaces) is replaced by a new id, in the header and the body."""
    for sent, kept in [
        ("<script>alert(1)</script>", False),
        ("x" * 20_000, False),
        ("a" * 65, False),
        ("ab cd", False),
        ("", False),
        ("abc.DEF-123_x", True),
        ("a" * 64, True),
    ]:
        response = client.get("/api/v1/me", headers={"X-Request-ID": sent})  # 401: no key
        assert_error_shape(response, 401, "missing_api_key")
        rid = response.headers["X-Request-ID"]
        if kept:
            assert rid == sent
        else:
            assert re.fullmatch(r"[0-9a-f]{32}", rid), rid
            assert not sent or sent not in response.text


def test_pages_and_charts_carry_security_headers(client: TestClient, keys: Keys) -> None:
    """Row 9: CSP, nosniff, X-Frame-Options and Referrer-Policy on every HTML and SVG response
    (and the JSON): the pages run only their own scripts, an SVG chart none at all."""
    chart = "/api/v1/metrics/chart?subject=loonkostensubsidie&format=svg"
    for url, key, kind in [
        ("/", None, "page"),
        ("/documenten", None, "page"),
        (f"/bron/{PUBLIC_ID}?line_start=3", None, "page"),
        ("/docs", None, "docs"),
        (chart, keys.clerk, "svg"),
        ("/api/v1/me", keys.reader, "json"),
    ]:
        response = client.get(url, headers=bearer(key))
        assert response.status_code == 200, (url, response.text[:200])
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["X-Frame-Options"] == "DENY", url
        assert headers["Referrer-Policy"] == "no-referrer", url
        policy = dict(
            [*part.split(" ", 1), ""][:2]
            for part in (p.strip() for p in headers["Content-Security-Policy"].split(";"))
            if part
        )
        assert policy["frame-ancestors"] == "'none'", url
        if kind == "page":
            assert headers["content-type"].startswith("text/html")
            assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'", url
        elif kind == "svg":
            assert headers["content-type"].startswith("image/svg+xml")
            assert policy["default-src"] == "'none'" and "script-src" not in policy
        elif kind == "json":
            assert policy["default-src"] == "'none'"


def test_redirects_are_relative(client: TestClient, keys: Keys) -> None:
    """Row 9: the trailing-slash redirect never sends the client to the ``Host`` it sent."""
    for url, expected in [
        ("/api/v1/documents/", "/api/v1/documents"),
        ("/api/v1/search/?q=werk&k=3", "/api/v1/search?q=werk&k=3"),
    ]:
        response = client.get(
            url,
            headers={**bearer(keys.reader), "Host": "evil.example"},
            follow_redirects=False,
        )
        assert response.status_code == 307, response.text
        assert response.headers["location"] == expected
        assert "evil" not in response.headers["location"]


MARKER_DOC = """NOTITIE FLAMINGOPROJECT

Gemeente Enschede, afdeling Werk en Inkomen, 2024.

In 2024 begeleidde het flamingoproject 312 deelnemers naar werk [c1] en zie ook [c2].
Het flamingoproject staat in **de geheime bijlage** en in [deze link](http://evil.example/x).
Het flamingoproject begeleidt deelnemers naar werk in de recreatie en de horeca [c3].
"""
MARKER_QUESTION = "Hoeveel deelnemers begeleidde het flamingoproject in 2024 naar werk?"
WRITER_MARKER = re.compile(r"(?<!\\)\[c(\d+)\]")  # a marker, not an escaped "\[c1\]"


def plain_text(markdown: str) -> str:
    """The answer as the chat page shows it: Markdown backslash escapes undone."""
    return re.sub(r"\\([\\`*\[\]<])", r"\1", markdown)


@pytest.fixture(scope="module")
def marker_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Keys]]:
    from assistant import PolicyAssistant
    from tests.api.conftest import auth_settings

    root = tmp_path_factory.mktemp("markers")
    folder = root / "corpus"
    folder.mkdir()
    (folder / "flamingo.txt").write_text(MARKER_DOC, encoding="utf-8")
    (folder / "manifest.toml").write_text('["flamingo.txt"]\naccess = "public"\n')
    settings_ = auth_settings(root / "data")
    assert PolicyAssistant(settings_).ingest([folder]).documents == 1
    with TestClient(create_app(settings_), raise_server_exceptions=False) as c:
        yield c, make_keys(settings_)


def test_markers_in_document_text_stay_text(marker_client: tuple[TestClient, Keys]) -> None:
    """Row 10: a ``[c1]``, ``**bold**`` or ``[link](url)`` written in a document is quoted as
    text (escaped in the answer's Markdown); only the writer's own markers cite."""
    client, keys = marker_client
    first = client.post(
        "/api/v1/ask", json={"question": MARKER_QUESTION}, headers=bearer(keys.reader)
    ).json()
    assert first["status"] in ("answered", "partial"), first
    source = client.post(
        "/api/v1/ask",
        json={"question": "waar staat dat?", "conversation_id": first["conversation_id"]},
        headers=bearer(keys.reader),
    ).json()
    for body in (first, source):
        answer, ids = body["answer"], {c["id"] for c in body["citations"]}
        assert "werk [c1] en zie ook [c2]" in plain_text(answer), answer  # shown as written
        for line in answer.splitlines():
            markers = WRITER_MARKER.findall(line)
            assert len(markers) <= 1, line  # one per quote or figure, the writer's
            assert {f"c{m}" for m in markers} <= ids, line
        assert not re.search(r"(?<!\\)\*\*de geheime", answer), answer
        assert not re.search(r"(?<!\\)\[deze link\]", answer), answer
        # the quotes themselves stay verbatim
        assert any("werk [c1] en zie ook [c2]" in c["quote"] for c in body["citations"])


def test_malformed_json_is_invalid_json(upload_client: tuple[TestClient, Keys]) -> None:
    """Row 11: a body that is not JSON is a 400 ``invalid_json`` (was 422 "16: JSON decode
    error")."""
    client, keys = upload_client
    broken = client.post(
        "/api/v1/ask",
        content=b'{"question": "x",,}',
        headers={**bearer(keys.reader), "Content-Type": "application/json"},
    )
    assert_error_shape(broken, 400, "invalid_json")
    assert "not valid JSON" in broken.json()["error"]["message"]


def test_an_empty_file_is_empty_document_whatever_its_name(
    upload_client: tuple[TestClient, Keys],
) -> None:
    """Row 11: a 0-byte ``.pdf`` is 422 ``empty_document``, as a 0-byte ``.txt`` (was 415
    "unsupported file type")."""
    client, keys = upload_client
    for name in ("leeg.pdf", "leeg.txt", "leeg.docx"):
        empty = client.post(
            "/api/v1/documents", files={"file": (name, b"")}, headers=bearer(keys.admin)
        )
        assert_error_shape(empty, 422, "empty_document")


def test_an_upload_without_a_file_name_is_missing_file_name(
    upload_client: tuple[TestClient, Keys],
) -> None:
    """Row 11: ``filename=""`` (or a plain field named file) is 422 ``missing_file_name`` (was
    "Value error, Expected UploadFile, received: <class 'str'>"); no file part, ``missing_file``."""
    client, keys = upload_client
    admin = bearer(keys.admin)
    for disposition in (b'name="file"; filename=""', b'name="file"'):
        part = (
            b"--x\r\nContent-Disposition: form-data; " + disposition + b"\r\n\r\nhallo\r\n--x--\r\n"
        )
        nameless = client.post(
            "/api/v1/documents",
            content=part,
            headers={**admin, "Content-Type": "multipart/form-data; boundary=x"},
        )
        assert_error_shape(nameless, 422, "missing_file_name")
    assert_error_shape(client.post("/api/v1/documents", headers=admin), 422, "missing_file")


def test_a_question_of_invisible_characters_is_empty_question(
    upload_client: tuple[TestClient, Keys],
) -> None:
    """Row 11: a question (or query) of only zero-width characters is 422 ``empty_question``
    (``empty_query``), not answered as ``refused``."""
    client, keys = upload_client
    reader = bearer(keys.reader)
    invisible = client.post("/api/v1/ask", json={"question": ZERO_WIDTH}, headers=reader)
    assert_error_shape(invisible, 422, "empty_question")
    query = client.get("/api/v1/search", params={"q": f" {ZERO_WIDTH} "}, headers=reader)
    assert_error_shape(query, 422, "empty_query")


def test_a_utf16_text_file_is_read(upload_client: tuple[TestClient, Keys]) -> None:
    """Row 11: a UTF-16 (or UTF-32) text file with its byte order mark, as Windows Notepad
    saves it, is read (was 415 "binary content"); one that is not valid after its mark is 422
    ``unsupported_encoding``."""
    client, keys = upload_client
    admin, reader = bearer(keys.admin), bearer(keys.reader)
    text = "Notitie kraanvogels.\nIn 2024 telden we 4242 kraanvogels bij Hengelo.\n"
    for encoding in ("utf-16", "utf-16-be", "utf-32"):
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = codecs.BOM_UTF16_BE + data
        uploaded = client.post(
            "/api/v1/documents",
            files={"file": ("kraanvogels.txt", data)},
            data={"access": "public"},
            headers=admin,
        )
        assert uploaded.status_code == 201, (encoding, uploaded.text)
        doc_id = uploaded.json()["doc_id"]
        passage = client.get(
            f"/api/v1/documents/{doc_id}/passage", params={"line_start": 2}, headers=reader
        ).json()
        assert passage["text"] == "In 2024 telden we 4242 kraanvogels bij Hengelo.", encoding
        assert client.delete(f"/api/v1/documents/{doc_id}", headers=admin).status_code == 200
    odd = client.post(
        "/api/v1/documents",
        files={"file": ("kapot.txt", codecs.BOM_UTF16_LE + b"a\x00b")},
        headers=admin,
    )
    assert_error_shape(odd, 422, "unsupported_encoding")


# ----- the served app: what only uvicorn shows -------------------------------------------------
HEADER_TIMEOUT_S = 1.0
BODY_TIMEOUT_S = 1.5
SLACK_S = 10.0  # a deadline for the server to act, not an assertion on its speed


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Keys]]:
    """`policy-assistant serve` over the access corpus: auth on, 5 failed checks per client,
    a 1 s deadline for a request's head and 1.5 s for the next part of a body."""
    from assistant import PolicyAssistant
    from tests.api.conftest import auth_settings, write_access_corpus

    root = tmp_path_factory.mktemp("served")
    settings_ = auth_settings(root / "data")
    PolicyAssistant(settings_).ingest([write_access_corpus(root / "corpus")])
    keys = make_keys(settings_)
    with served(
        settings_.data_dir,
        AUTH__ENABLED="true",
        AUTH__RATE_LIMIT="",
        AUTH__FAILED_AUTH_LIMIT="5/minute",
        AUTH__FAILED_KEY_LIMIT="",
        AUTH__RATE_LIMIT_STORAGE="memory://",
        API__HEADER_TIMEOUT_S=str(HEADER_TIMEOUT_S),
        API__BODY_TIMEOUT_S=str(BODY_TIMEOUT_S),
    ) as base:
        yield int(base.rsplit(":", 1)[1]), keys


def _error_of(raw: bytes) -> tuple[int, dict[str, Any]]:
    """The status and JSON error of a raw HTTP response (the one error shape, or a failure)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    headers = dict(
        line.decode("latin-1").lower().split(": ", 1) for line in head.split(b"\r\n")[1:]
    )
    assert headers["content-type"].startswith("application/json"), raw[:300]
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message", "request_id"} and error["message"], error
    assert error["request_id"] == headers["x-request-id"]
    return status, error


def test_half_open_connections_are_closed(server: tuple[int, Keys]) -> None:
    """Row 7: connections that send half a request (or nothing) are closed after
    ``api.header_timeout_s``, with a 408 in the error shape when they sent something; one that
    trickles its headers a byte at a time does not get longer."""
    port, _ = server
    sockets = []
    for i in range(200):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if i % 2:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sockets.append(sock)
    trickle = socket.create_connection(("127.0.0.1", port), timeout=5)
    started = time.monotonic()
    trickle.sendall(b"GET /health HTTP/1.1\r\nX-Slow: ")
    while time.monotonic() - started < SLACK_S:
        if select.select([trickle], [], [], 0.2)[0]:
            break  # the server answered (or closed)
        trickle.sendall(b"x")
    data, closed = read_until_closed(trickle, 2)
    assert closed and data, "a trickling connection is still open"
    status, error = _error_of(data)
    assert (status, error["code"]) == (408, "request_timeout")
    assert time.monotonic() - started < HEADER_TIMEOUT_S + SLACK_S / 2
    deadline = time.monotonic() + SLACK_S
    for i, sock in enumerate(sockets):
        data, closed = read_until_closed(sock, max(0.1, deadline - time.monotonic()))
        sock.close()
        assert closed, f"connection {i} still open"
        if i % 2:
            status, error = _error_of(data)
            assert (status, error["code"]) == (408, "request_timeout")
        else:
            assert data == b""
    trickle.close()
    assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200


def test_a_stalled_body_is_a_408(server: tuple[int, Keys]) -> None:
    """Row 7: a body that stops arriving holds no worker: 408 ``request_timeout``."""
    port, keys = server
    head = (
        b"POST /api/v1/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\nAuthorization: Bearer " + keys.reader.encode() + b"\r\n\r\n"
    )
    data, _ = raw_exchange(port, head + b'{"question": "', wait_s=BODY_TIMEOUT_S + SLACK_S)
    assert data, "no answer: the request waits for its body for ever"
    status, error = _error_of(data)
    assert (status, error["code"]) == (408, "request_timeout")


def test_a_long_url_or_bad_request_is_in_the_error_shape(server: tuple[int, Keys]) -> None:
    """Row 11: a 200 KB URL, 100 KB of headers and a request that is not HTTP get the one
    error shape from the server itself (uvicorn's parser answered in plain text)."""
    port, _ = server
    cases = [
        (b"GET /api/v1/search?q=" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * 100_000 + b"\r\n\r\n", 431),
        (b"GARBAGE\x00 / HTTP/9\r\n\r\n", 400),
    ]
    for request, expected in cases:
        data, _ = raw_exchange(port, request, wait_s=SLACK_S)
        status, error = _error_of(data)
        assert status == expected, (expected, error)
        assert error["code"] in ("uri_too_long", "headers_too_large", "bad_request")
    assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200


def test_forwarded_for_from_loopback_is_not_trusted(server: tuple[int, Keys]) -> None:
    """Row 2: with no trusted proxy configured, ``X-Forwarded-For`` is ignored, also from
    loopback: a new address per request does not get round the failed-check limit. (Last of
    the served tests: it locks the loopback address for a minute.)"""
    port, _ = server
    statuses = [
        httpx.get(
            f"http://127.0.0.1:{port}/api/v1/me",
            headers={"Authorization": f"Bearer {_wrong_key()}", "X-Forwarded-For": f"10.9.8.{i}"},
            timeout=30,
        ).status_code
        for i in range(8)
    ]
    assert statuses == [401] * 5 + [429] * 3
