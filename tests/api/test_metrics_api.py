"""GET /api/v1/metrics (JSON and CSV) and /api/v1/metrics/chart over the bundled corpus."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from tests.conftest import fake_settings

pytestmark = pytest.mark.unit

QUESTION = "Hoeveel LKS-contracten zijn er in Q3 gestart?"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from assistant import PolicyAssistant

    settings = fake_settings(tmp_path_factory.mktemp("metrics-api"))
    assert not PolicyAssistant(settings).ingest().failed
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def test_health_and_documents_count_figures(client: TestClient) -> None:
    health = client.get("/health").json()
    docs = client.get("/api/v1/documents").json()["documents"]
    assert health["figures"] == sum(d["figures"] for d in docs) > 300
    assert all(d["figures"] > 0 for d in docs)


def test_figure_question_as_json(client: TestClient) -> None:
    body = client.get("/api/v1/metrics", params={"q": QUESTION}).json()
    assert body["status"] == "partial"
    top = body["figures"][0]
    assert top["period"] == "2024-Q1..Q3" and top["cumulative"] is True
    lines = Path("corpus", top["source"]).read_text(encoding="utf-8").split("\n")
    assert top["quote"] in lines[top["line"] - 1]
    assert isinstance(top["value"], int) and str(top["value"]) in top["quote"]


def test_filtered_table_as_csv_is_the_same_table(client: TestClient) -> None:
    params = {"kind": "target", "municipality": "Enschede"}
    as_json = client.get("/api/v1/metrics", params=params).json()["figures"]
    response = client.get("/api/v1/metrics", params={**params, "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(as_json) > 0
    assert {r["kind"] for r in rows} == {"target"}
    assert [r["figure_id"] for r in rows] == [r["figure_id"] for r in as_json]


def test_chart_png_and_svg(client: TestClient) -> None:
    png = client.get("/api/v1/metrics/chart", params={"subject": "loonkostensubsidie"})
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    svg = client.get(
        "/api/v1/metrics/chart", params={"subject": "loonkostensubsidie", "format": "svg"}
    )
    assert svg.status_code == 200 and b"<svg" in svg.content


def test_bad_metrics_requests_use_the_error_shape(client: TestClient) -> None:
    bad_kind = client.get("/api/v1/metrics", params={"kind": "wens"})
    assert bad_kind.status_code == 422 and set(bad_kind.json()) == {"error"}
    nothing = client.get("/api/v1/metrics/chart", params={"subject": "zwembaden"})
    assert nothing.status_code in (404, 422) and nothing.json()["error"]["code"]


def test_a_chart_of_a_subject_that_matches_too_much_is_a_clear_422(client: TestClient) -> None:
    """Issue #18/#20 'Cost': subject=a matched every figure and took 8-10 s to draw."""
    wide = client.get("/api/v1/metrics/chart", params={"subject": "a"})
    assert wide.status_code == 422, wide.text
    error = wide.json()["error"]
    assert error["code"] == "too_many_figures"
    assert "at most 200" in error["message"]
    narrow = client.get("/api/v1/metrics/chart", params={"subject": "loonkostensubsidie"})
    assert narrow.status_code == 200
