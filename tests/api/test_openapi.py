"""``/openapi.json`` documents the contract: the Bearer scheme, a description on every field
and parameter, enums for every closed set of values, examples that validate, and the error
responses each route really gives. ``/docs`` and ``/redoc`` load nothing from a CDN (the
browser check with no network is ``tests/e2e/test_api_docs.py``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient

from api import create_app
from api.examples import ASK_EXAMPLE, METRICS_EXAMPLE, SEARCH_EXAMPLE
from api.openapi import ERRORS
from api.schemas import AskRequest, AskResponse, MetricsResponse, SearchResponse
from assistant.followup import Kind
from assistant.keys import Role
from corpus import ACCESS_LEVELS, Settings
from metrics.schema import KINDS, UNITS
from tests.api.conftest import NORMAL_QUESTION, Keys, bearer
from tests.api.test_role_matrix import ROUTES
from tests.conftest import fake_settings

pytestmark = pytest.mark.unit
METHODS = ("get", "post", "put", "delete", "patch")


@pytest.fixture(scope="module")
def spec(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"][name]
    return found


def enum(spec: dict[str, Any], model: str, field: str) -> list[str]:
    """The enum of a field, through a nullable anyOf."""
    prop = schema(spec, model)["properties"][field]
    for option in [prop, *prop.get("anyOf", [])]:
        if "enum" in option:
            return list(option["enum"])
        if option.get("type") == "array" and "enum" in option.get("items", {}):
            return list(option["items"]["enum"])
    raise AssertionError(f"{model}.{field} has no enum: {prop}")


def test_the_api_key_is_an_http_bearer_scheme(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["APIKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "keys create" in scheme["description"]
    secured = {(m, p) for m, p, op in operations(spec) if op.get("security")}
    open_routes = {(m, p) for m, p, op in operations(spec) if not op.get("security")}
    assert open_routes == {("GET", "/health")}
    for _, _, op in operations(spec):
        if op.get("security"):
            assert op["security"] == [{"APIKey": []}]
    assert ("POST", "/v1/chat/completions") in secured and ("GET", "/v1/models") in secured


def test_every_field_and_parameter_has_a_description(spec: dict[str, Any]) -> None:
    missing = []
    for name, model in spec["components"]["schemas"].items():
        for field, prop in model.get("properties", {}).items():
            if not prop.get("description"):
                missing.append(f"{name}.{field}")
    for method, path, op in operations(spec):
        for parameter in op.get("parameters", []):
            if not parameter.get("description"):
                missing.append(f"{method} {path} ?{parameter['name']}")
    assert missing == []
    assert len(spec["components"]["schemas"]) >= 30


def test_closed_sets_are_enums(spec: dict[str, Any]) -> None:
    assert enum(spec, "AskResponse", "status") == ["answered", "partial", "refused"]
    assert enum(spec, "AskResponse", "language") == ["nl", "en"]
    assert enum(spec, "AskTrace", "route") == ["metrics", "passages", "both", "none"]
    assert enum(spec, "MetricsResponse", "status") == ["answered", "partial", "none"]
    assert enum(spec, "FigureRow", "unit") == list(UNITS)
    assert enum(spec, "FigureRow", "kind") == list(KINDS)
    assert enum(spec, "ConversationTrace", "kind") == list(get_args(Kind))
    assert enum(spec, "MeResponse", "role") == list(get_args(Role))
    assert enum(spec, "MeResponse", "clearance") == list(ACCESS_LEVELS)
    assert enum(spec, "DocumentPublic", "access") == list(ACCESS_LEVELS)
    assert enum(spec, "AuditRecordPublic", "status") == ["answered", "partial", "refused"]
    kinds = next(
        p for p in spec["paths"]["/api/v1/metrics"]["get"]["parameters"] if p["name"] == "kind"
    )
    assert kinds["schema"]["anyOf"][0]["enum"] == list(KINDS)


@pytest.mark.parametrize(
    ("model", "example"),
    [
        (AskResponse, ASK_EXAMPLE),
        (SearchResponse, SEARCH_EXAMPLE),
        (MetricsResponse, METRICS_EXAMPLE),
    ],
)
def test_examples_are_valid_responses(model: Any, example: dict[str, Any]) -> None:
    model.model_validate(example)


def test_ask_search_and_metrics_carry_examples(spec: dict[str, Any]) -> None:
    for name in ("AskRequest", "AskResponse", "SearchResponse", "MetricsResponse"):
        assert schema(spec, name)["examples"], name
    for example in schema(spec, "AskRequest")["examples"]:
        AskRequest.model_validate(example)
    for path in ("/api/v1/search", "/api/v1/metrics"):
        parameters = spec["paths"][path]["get"]["parameters"]
        assert any(p["schema"].get("examples") for p in parameters), path


def test_every_route_documents_its_errors(spec: dict[str, Any]) -> None:
    for method, path, op in operations(spec):
        documented = {int(s) for s in op["responses"] if s.startswith(("4", "5"))}
        where = f"{method} {path}"
        assert 500 in documented, where
        if op.get("security"):
            assert {401, 429} <= documented, where
        if op.get("parameters") or op.get("requestBody"):
            assert 422 in documented, where
        if "requestBody" in op and "multipart/form-data" not in op["requestBody"]["content"]:
            assert 413 in documented, where
        for status in documented:
            response = op["responses"][str(status)]
            content = response["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}, where
            code = content["example"]["error"]["code"]
            assert code in ERRORS[status][1] and f"`{code}`" in response["description"]


def _status_documented(spec: dict[str, Any], method: str, path: str, status: int) -> bool:
    return str(status) in spec["paths"][path][method.lower()]["responses"]


def test_the_errors_routes_give_are_documented(
    spec: dict[str, Any], authed: TestClient, keys: Keys, tmp_path: Any
) -> None:
    """Every 4xx/5xx a route gives in these requests is among its documented responses."""
    seen: set[tuple[str, str, int]] = set()

    def record(route: Any, response: Any) -> None:
        if response.status_code >= 400:
            seen.add((route.method, route.path, response.status_code))

    for route in ROUTES:
        if route.path not in spec["paths"]:
            continue  # the pages and the docs: no API
        url = route.url or route.path
        record(route, authed.request(route.method, url, **route.kwargs))  # no key: 401
        record(
            route, authed.request(route.method, url, headers=bearer(keys.reader), **route.kwargs)
        )
        record(route, authed.request(route.method, url, headers=bearer(keys.reader)))  # no params
        if route.method == "POST":
            record(
                route,
                authed.request(
                    route.method, url, headers=bearer(keys.admin), content=b"x" * 2_000_000
                ),
            )
    empty = fake_settings(tmp_path / "empty")
    with TestClient(create_app(empty), raise_server_exceptions=False) as bare:
        for route in ROUTES:
            if route.path in spec["paths"]:
                record(route, bare.request(route.method, route.url or route.path, **route.kwargs))
    undocumented = sorted(s for s in seen if not _status_documented(spec, *s))
    assert undocumented == []
    statuses = {status for *_, status in seen}
    assert {401, 403, 413, 422, 503} <= statuses  # the check saw each kind of error


def test_docs_pages_load_their_assets_from_this_server(client: TestClient) -> None:
    for page, assets in (
        ("/docs", ("swagger-ui-bundle.js", "swagger-ui.css")),
        ("/redoc", ("redoc.standalone.js",)),
    ):
        response = client.get(page)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "img-src 'self' data:" in policy
        html = response.text
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url:\s*["']([^"']+)["']""", html)
        flat = [u for pair in urls for u in pair if u]
        assert flat and all(u.startswith("/") for u in flat), flat
        for asset in assets:
            assert f"/docs-assets/{asset}" in flat
            served = client.get(f"/docs-assets/{asset}")
            assert served.status_code == 200 and len(served.content) > 100_000
        assert "cdn" not in html.lower() and "googleapis" not in html.lower()


def test_the_docs_need_no_key(authed: TestClient) -> None:
    for page in ("/docs", "/redoc", "/openapi.json", "/docs-assets/swagger-ui-bundle.js"):
        assert authed.get(page).status_code == 200, page
    assert authed.get("/api/v1/me").status_code == 401


def test_the_ask_example_is_the_live_answer(client: TestClient) -> None:
    """The documented /ask example is a shortened real answer: same status, figure, period."""
    live = client.post("/api/v1/ask", json={"question": NORMAL_QUESTION}).json()
    assert live["status"] == ASK_EXAMPLE["status"]
    figure = ASK_EXAMPLE["figures"][0]
    assert any(
        (f["value"], f["period"], f["line"]) == (figure["value"], figure["period"], figure["line"])
        for f in live["figures"]
    )


def test_settings_from_another_app_do_not_leak(built_figure_index: Settings) -> None:
    """Two apps in one process keep their own OpenAPI (no module-level state)."""
    first = create_app(built_figure_index).openapi()
    second = create_app(built_figure_index).openapi()
    assert first == second and first is not second
