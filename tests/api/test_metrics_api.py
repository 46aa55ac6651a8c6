"""GET /api/v1/metrics (JSON, the Dutch and plain CSV, xlsx) and /api/v1/metrics/chart over the
bundled corpus."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api import create_app
from assistant.figure_export import XLSX_MEDIA_TYPE
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


def test_filtered_table_as_dutch_csv_is_the_same_table(client: TestClient) -> None:
    params = {"kind": "target", "municipality": "Enschede"}
    as_json = client.get("/api/v1/metrics", params=params).json()["figures"]
    response = client.get("/api/v1/metrics", params={**params, "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="cijfers.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")  # a UTF-8 BOM: Excel reads UTF-8
    table = pd.read_csv(io.BytesIO(response.content), sep=";", decimal=",")
    assert list(table.columns[:5]) == ["title", "municipality", "period", "kind", "subject"]
    assert {"source", "page", "line", "quote", "document_year"} <= set(table.columns)
    assert len(table) == len(as_json) > 0
    assert set(table["kind"]) == {"target"} and set(table["municipality"]) == {"Enschede"}
    assert list(table["figure_id"]) == [r["figure_id"] for r in as_json]
    assert list(table["value"]) == pytest.approx([r["value"] for r in as_json])
    titles = {d["doc_id"]: d["title"] for d in client.get("/api/v1/documents").json()["documents"]}
    assert list(table["title"]) == [titles[r["doc_id"]] for r in as_json]
    assert set(table["cumulative"]) <= {"ja", "nee"}


def test_dutch_csv_writes_decimal_commas_and_whole_numbers(client: TestClient) -> None:
    rows = client.get("/api/v1/metrics", params={"limit": 10_000}).json()["figures"]
    text = client.get("/api/v1/metrics", params={"format": "csv", "limit": 10_000}).text
    records = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    header, body = records[0], records[1:]
    values = [record[header.index("value")] for record in body]
    assert len(values) == len(rows)
    fractional = [(r["value"], v) for r, v in zip(rows, values, strict=True) if r["value"] % 1]
    whole = [(r["value"], v) for r, v in zip(rows, values, strict=True) if not r["value"] % 1]
    assert fractional and whole
    assert all(v == str(x).replace(".", ",") for x, v in fractional)  # 21.29 -> 21,29
    assert all(v == str(int(x)) for x, v in whole)  # 608, never 608,0 or 608.0
    table = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert list(table["value"]) == pytest.approx([r["value"] for r in rows])


def test_plain_csv_keeps_the_old_form_with_the_new_columns_last(client: TestClient) -> None:
    params = {"kind": "target", "municipality": "Enschede", "format": "csv", "dialect": "plain"}
    response = client.get("/api/v1/metrics", params=params)
    assert not response.content.startswith(b"\xef\xbb\xbf")
    header = response.text.splitlines()[0]
    assert header.startswith("figure_id,subject,measure,value,unit,period")
    assert header.endswith(",title,document_year")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {r["kind"] for r in rows} == {"target"}


def test_figure_question_as_xlsx_opens_with_the_right_numbers(client: TestClient) -> None:
    from openpyxl import load_workbook

    as_json = client.get("/api/v1/metrics", params={"q": QUESTION}).json()["figures"]
    response = client.get("/api/v1/metrics", params={"q": QUESTION, "format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet.title == "Cijfers"
    header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:5] == ["title", "municipality", "period", "kind", "subject"]
    assert {"source", "line", "quote", "partial_reason"} <= set(header)
    assert len(body) == len(as_json) > 0
    top = dict(zip(header, body[0], strict=True))
    assert top["value"] == 220 and isinstance(top["value"], int)
    assert top["period"] == "2024-Q1..Q3" and top["cumulative"] is True
    assert top["title"] == "Uitvoeringsprogramma Enschedese Arbeidsmarkt Aanpak 2025"
    assert top["source"] == "001_2e26a5924f710f99.txt" and top["line"] == as_json[0]["line"]
    values = [dict(zip(header, row, strict=True))["value"] for row in body]
    assert values == [r["value"] for r in as_json]


def test_exports_need_the_clerk_role_only_for_files(client: TestClient) -> None:
    # the local mode is an admin; the role matrix (test_role_matrix.py) covers reader keys
    for fmt in ("csv", "xlsx"):
        assert client.get("/api/v1/metrics", params={"format": fmt}).status_code == 200
    bad = client.get("/api/v1/metrics", params={"format": "csv", "dialect": "us"})
    assert bad.status_code == 422 and set(bad.json()) == {"error"}


def test_chart_png_and_svg(client: TestClient) -> None:
    png = client.get("/api/v1/metrics/chart", params={"subject": "loonkostensubsidie"})
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    svg = client.get(
        "/api/v1/metrics/chart", params={"subject": "loonkostensubsidie", "format": "svg"}
    )
    assert svg.status_code == 200 and b"<svg" in svg.content


def test_chart_of_results_and_a_target_draws_them_apart(client: TestClient) -> None:
    """The issue's chart: a cumulative 671, a 151 at a reference date and a 2025 target of 50
    were one line. Now each is its own series, the target a marker, the legend by title."""
    params = {"subject": "loonkostensubsidie", "measure": "lks contracten", "format": "svg"}
    svg = client.get("/api/v1/metrics/chart", params=params).text
    assert "Uitvoeringsprogramma Enschedese Arbeidsmarkt Aanpak 2025" in svg
    assert "001_2e26a5924f710f99" not in svg
    assert "cumulatief" in svg and "peildatum" in svg and "doel" in svg
    english = client.get("/api/v1/metrics/chart", params={**params, "lang": "en"}).text
    assert "cumulative" in english and "reference date" in english and "target" in english


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
