"""POST /api/v1/ask and ``policy-assistant ask`` with the fake embedder (figures are real)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from corpus import BUNDLED_CORPUS_DIR, Settings
from tests.api.test_api import assert_error_shape
from tests.api.test_cli import run_cli

pytestmark = pytest.mark.unit

QUESTION = "Hoeveel LKS-contracten zijn er in Q3 gestart?"
RESPONSE_FIELDS = {
    "status",
    "lead",
    "answer",
    "more",
    "language",
    "conversation_id",
    "citations",
    "figures",
    "trace",
    "closest",  # an extension of API.md: a refused figure question's nearest passages
}
CITATION_FIELDS = {
    "id",
    "doc_id",
    "title",
    "source",
    "municipality",
    "doc_type",
    "year",
    "page",
    "page_end",
    "line_start",
    "line_end",
    "location",
    "quote",
    "score",
}


def test_ask_figure_question_has_the_contract_shape(client: TestClient) -> None:
    response = client.post("/api/v1/ask", json={"question": QUESTION})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == RESPONSE_FIELDS
    assert body["status"] == "partial" and body["language"] == "nl"
    assert body["trace"]["route"] in ("metrics", "both") and body["trace"]["index_version"]
    assert body["trace"]["timings_ms"]["total"] >= 0 and body["trace"]["grounding"]["ok"]
    assert body["figures"][0]["value"] == 220 and "220" in body["answer"]
    # the short direct answer comes first, says the figure, and is about 40 words at most
    assert body["answer"].startswith(body["lead"]) and "220" in body["lead"]
    assert len(body["lead"].split()) <= 40
    # the rest of the evidence is the answer's end, collapsed; what is read at once is short
    assert body["more"].startswith("Meer in de bronnen:") and body["answer"].endswith(body["more"])
    assert len(body["answer"][: -len(body["more"])].split()) <= 120
    for citation in body["citations"]:
        assert set(citation) == CITATION_FIELDS
        lines = (BUNDLED_CORPUS_DIR / citation["source"]).read_text(encoding="utf-8").split("\n")
        cited = " ".join(" ".join(lines[citation["line_start"] - 1 : citation["line_end"]]).split())
        assert citation["quote"] in cited


def test_ask_keeps_the_conversation_and_applies_filters(client: TestClient) -> None:
    body = client.post(
        "/api/v1/ask",
        json={
            "question": "Wat verstaat Hengelo onder de preventiequote?",
            "conversation_id": "gesprek-1",
            "filters": {"municipality": "Hengelo", "year": None, "doc_type": None, "doc_id": None},
        },
    ).json()
    assert body["conversation_id"] == "gesprek-1"
    assert {c["municipality"] for c in body["citations"]} <= {"Hengelo"}


def test_ask_refuses_with_empty_evidence(client: TestClient) -> None:
    body = client.post("/api/v1/ask", json={"question": "Hoeveel zwembaden heeft Enschede?"}).json()
    assert body["status"] == "refused" and body["citations"] == [] and body["figures"] == []
    assert body["answer"].strip()


@pytest.mark.parametrize("question", ["", "   \n ", "x" * 20_000])
def test_ask_rejects_empty_and_overlong_questions(client: TestClient, question: str) -> None:
    response = client.post("/api/v1/ask", json={"question": question})
    assert_error_shape(response, 422)


def test_ask_without_question_is_the_one_error_shape(client: TestClient) -> None:
    assert_error_shape(client.post("/api/v1/ask", json={}), 422, "invalid_request")


def test_cli_ask_json_prints_the_ask_response(built_figure_index: Settings) -> None:
    done = run_cli(built_figure_index.data_dir, "ask", QUESTION, "--json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert set(body) == RESPONSE_FIELDS
    assert body["status"] == "partial" and "220" in body["answer"]
    text = run_cli(built_figure_index.data_dir, "ask", QUESTION)
    assert text.returncode == 0 and "[partial]" in text.stdout and "[c1]" in text.stdout
    empty = run_cli(built_figure_index.data_dir, "ask", "  ")
    assert empty.returncode == 2 and "empty_question" in empty.stderr


def test_ask_stream_sends_tokens_then_the_full_response(client: TestClient) -> None:
    response = client.post("/api/v1/ask/stream", json={"question": QUESTION})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = []
    for block in response.text.strip().split("\n\n"):
        head, data = block.split("\n", 1)
        events.append((head.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    assert events[-1][0] == "final" and {e for e, _ in events[:-1]} == {"token"}
    final = events[-1][1]
    assert set(final) == RESPONSE_FIELDS
    assert "".join(d["text"] for _, d in events[:-1]) == final["answer"]
    assert_error_shape(client.post("/api/v1/ask/stream", json={"question": " "}), 422)
