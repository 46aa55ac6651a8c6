"""The HTTP API with the fake embedder: routes, the one error shape, OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from corpus import Settings
from tests.conftest import fake_settings

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def client(built_fake_index: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(built_fake_index), raise_server_exceptions=False) as c:
        yield c


def assert_error_shape(response, status: int, code: str | None = None) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "request_id"}
    assert body["error"]["request_id"] == response.headers["X-Request-ID"]
    if code:
        assert body["error"]["code"] == code


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["documents"] == 5 and body["chunks"] > 100
    assert body["index_version"] and "figures" in body


def test_search_returns_exact_coordinates(client: TestClient) -> None:
    response = client.get(
        "/api/v1/search", params={"q": "hoeveel loonkostensubsidie contracten gestart", "k": 5}
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 5
    top = next(
        r
        for r in results
        if r["source"] == "001_2e26a5924f710f99.txt" and r["line_start"] <= 89 <= r["line_end"]
    )
    lines = Path(f"corpus/{top['source']}").read_text(encoding="utf-8").split("\n")
    assert top["text"] == "\n".join(lines[top["line_start"] - 1 : top["line_end"]])
    assert top["municipality"] == "Enschede" and top["year"] == 2025
    # readable: title, municipality, year and the lines; the file name only in "source"
    assert top["citation"].startswith("Uitvoeringsprogramma Enschedese Arbeidsmarkt Aanpak 2025")
    place = f"r. {top['line_start']}–{top['line_end']}"
    assert top["location"] == place and place in top["citation"]
    assert top["source"] not in top["citation"] and top["page"] is None


def test_search_filters(client: TestClient) -> None:
    results = client.get(
        "/api/v1/search", params={"q": "participatie", "municipality": "Hengelo"}
    ).json()["results"]
    assert results and {r["municipality"] for r in results} == {"Hengelo"}


def test_documents_list_metadata(client: TestClient) -> None:
    docs = {d["source"]: d for d in client.get("/api/v1/documents").json()["documents"]}
    assert len(docs) == 5
    hengelo = docs["002_9a8395ceee984767.txt"]
    assert (hengelo["municipality"], hengelo["doc_type"], hengelo["year"]) == (
        "Hengelo",
        "raadsvoorstel",
        2017,
    )
    assert docs["001_2e26a5924f710f99.txt"]["period"] == "2024-Q1..Q3"
    for doc in docs.values():
        assert doc["chunks"] > 0 and len(doc["sha256"]) == 64 and doc["lines"] > 100


def test_passage_is_verbatim_with_citation(client: TestClient) -> None:
    body = client.get(
        "/api/v1/documents/001_2e26a5924f710f99/passage", params={"line_start": 87, "line_end": 92}
    ).json()
    lines = Path("corpus/001_2e26a5924f710f99.txt").read_text(encoding="utf-8").split("\n")
    assert body["text"] == "\n".join(lines[86:92])
    assert "Gestarte contracten: 220" in body["citation"] and "r. 87–92" in body["citation"]
    assert body["citation"].startswith(
        "Uitvoeringsprogramma Enschedese Arbeidsmarkt Aanpak 2025 (Enschede, 2025), r. 87–92: “"
    )
    assert body["location"] == "r. 87–92" and body["source"] not in body["citation"]
    assert [c["line"] for c in body["context_before"]] == [82, 83, 84, 85, 86]


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/api/v1/documents/unknown-doc/passage", {}, 404, "document_not_found"),
        ("/api/v1/documents/..%2F..%2Fetc/passage", {}, 404, None),
        (
            "/api/v1/documents/001_2e26a5924f710f99/passage",
            {"line_start": 99999},
            422,
            "invalid_range",
        ),
        (
            "/api/v1/documents/001_2e26a5924f710f99/passage",
            {"line_start": 10, "line_end": 5},
            422,
            "invalid_range",
        ),
        (
            "/api/v1/documents/001_2e26a5924f710f99/passage",
            {"line_start": "abc"},
            422,
            "invalid_request",
        ),
        ("/api/v1/search", {"q": ""}, 422, "empty_query"),
        ("/api/v1/search", {"q": "x" * 20_000}, 422, "query_too_long"),
        ("/api/v1/search", {}, 422, "invalid_request"),
        ("/api/v1/search", {"q": "x", "k": 0}, 422, "invalid_request"),
        ("/api/v1/search", {"q": "x", "mode": "magic"}, 422, "invalid_request"),
        ("/api/v1/nothing-here", {}, 404, "not_found"),
    ],
)
def test_errors_share_one_shape(
    client: TestClient, path: str, params: dict, status: int, code: str | None
) -> None:
    assert_error_shape(client.get(path, params=params), status, code)


def test_method_not_allowed_has_the_shape(client: TestClient) -> None:
    assert_error_shape(client.delete("/health"), 405, "method_not_allowed")


def test_unexpected_errors_become_500_without_detail(built_fake_index: Settings) -> None:
    app = create_app(built_fake_index)

    @app.get("/boom")
    def boom() -> None:
        raise ValueError("secret internal detail")

    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/boom")
    assert_error_shape(response, 500, "internal_error")
    assert "secret" not in response.text


def test_empty_index_gives_503_not_a_crash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(fake_settings(tmp_path)), raise_server_exceptions=False) as c:
        assert c.get("/health").json()["index_version"] is None
        assert_error_shape(
            c.get("/api/v1/search", params={"q": "bijstand"}), 503, "index_not_ready"
        )


def test_two_apps_with_different_settings_in_one_process(
    built_fake_index: Settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    with (
        TestClient(create_app(built_fake_index)) as a,
        TestClient(create_app(fake_settings(tmp_path))) as b,
    ):
        assert a.get("/health").json()["documents"] == 5
        assert b.get("/health").json()["documents"] == 0


def test_openapi_documents_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/health",
        "/api/v1/search",
        "/api/v1/documents",
        "/api/v1/documents/{doc_id}/passage",
    } <= set(paths)
