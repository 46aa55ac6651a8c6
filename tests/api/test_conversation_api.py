"""Follow-ups and the audit trail through the API (and the CLI), over the bundled corpus with
the fake embedder; the figures table is real."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import create_app
from assistant import create_audit_log
from corpus import Settings
from tests.api.test_api import assert_error_shape
from tests.api.test_ask_api import QUESTION
from tests.api.test_cli import run_cli

pytestmark = pytest.mark.unit

AUDIT_FIELDS = {
    "id",
    "time",
    "principal",
    "question",
    "resolved_question",
    "route",
    "status",
    "language",
    "conversation_id",
    "turn",
    "index_version",
    "latency_ms",
    "citations",
    "chunk_ids",
    "figure_ids",
}


def ask(client: TestClient, question: str, conversation_id: str | None) -> dict[str, Any]:
    response = client.post(
        "/api/v1/ask", json={"question": question, "conversation_id": conversation_id}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def fresh_id() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def places(body: dict[str, Any]) -> list[tuple[str, int, int, str]]:
    return [(c["doc_id"], c["line_start"], c["line_end"], c["quote"]) for c in body["citations"]]


def test_a_first_question_gets_a_new_conversation_id(client: TestClient) -> None:
    first = ask(client, QUESTION, None)
    assert len(first["conversation_id"]) == 32
    assert first["trace"]["conversation"] == {
        "turn": 1,
        "follow_up": False,
        "kind": "new",
        "resolved_question": QUESTION,
    }
    again = ask(client, QUESTION, None)
    assert again["conversation_id"] != first["conversation_id"]


def test_en_in_2022_carries_the_subject_and_asks_for_2022(client: TestClient) -> None:
    first = ask(client, QUESTION, None)
    cid = first["conversation_id"]
    assert first["figures"][0]["subject"] == "loonkostensubsidie"
    follow = ask(client, "en in 2022?", cid)
    conversation = follow["trace"]["conversation"]
    assert follow["conversation_id"] == cid
    assert conversation["turn"] == 2 and conversation["follow_up"]
    assert conversation["resolved_question"] == "Hoeveel LKS-contracten zijn er in Q3 2022 gestart?"
    # the subject carried: the figures are LKS figures again; 2022 has none, so it is partial
    assert follow["figures"] and {f["subject"] for f in follow["figures"]} == {"loonkostensubsidie"}
    assert follow["status"] == "partial" and follow["language"] == "nl"
    reasons = follow["trace"]["partial_reasons"]
    assert any(r.startswith("period") and "2022" in r for r in reasons), reasons
    assert all("2022" not in f["period"] for f in follow["figures"])


def test_and_in_hengelo_carries_subject_and_period_and_says_hengelo_lacks_it(
    client: TestClient,
) -> None:
    cid = fresh_id()
    first = ask(client, QUESTION, cid)
    assert first["conversation_id"] == cid  # an unknown client id starts a conversation
    follow = ask(client, "and in Hengelo?", cid)
    assert follow["trace"]["conversation"]["resolved_question"] == (
        "Hoeveel LKS-contracten zijn er in Q3 gestart in Hengelo?"
    )
    assert follow["trace"]["conversation"]["turn"] == 2
    hengelo_cited = any(c["municipality"] == "Hengelo" for c in follow["citations"])
    reasons = follow["trace"].get("partial_reasons") or []
    # the corpus has LKS figures for Enschede only: the answer is partial and says so
    assert not hengelo_cited
    assert follow["status"] == "partial"
    assert any(r.startswith("municipality") and "Hengelo" in r for r in reasons), reasons
    assert {f["subject"] for f in follow["figures"]} == {"loonkostensubsidie"}
    # asked in English, answered in English (the language of the follow-up, not of turn 1)
    assert follow["language"] == "en"
    assert "municipality you asked about" in follow["answer"]
    # "en Hengelo?" reads the same way
    short = ask(client, "en Hengelo?", ask(client, QUESTION, None)["conversation_id"])
    assert short["trace"]["conversation"]["resolved_question"].endswith("in Hengelo?")


def test_waar_staat_dat_returns_the_previous_citations(client: TestClient) -> None:
    first = ask(client, QUESTION, None)
    cid = first["conversation_id"]
    sources = ask(client, "waar staat dat?", cid)
    assert sources["trace"]["conversation"]["kind"] == "source"
    assert sources["status"] == first["status"] and sources["language"] == "nl"
    assert places(sources) == places(first) and sources["figures"] == first["figures"]
    assert sources["trace"]["route"] == first["trace"]["route"]
    assert sources["trace"]["grounding"]["ok"]
    for citation in first["citations"]:
        assert citation["quote"] in sources["answer"] and f"[{citation['id']}]" in sources["answer"]
    english = ask(client, "where does it say that?", cid)
    assert english["language"] == "en" and places(english) == places(first)


def test_a_source_request_after_a_refusal_says_there_were_none(client: TestClient) -> None:
    refused = ask(client, "Hoeveel zwembaden heeft Enschede?", None)
    assert refused["status"] == "refused"
    sources = ask(client, "bron?", refused["conversation_id"])
    assert sources["status"] == "refused" and sources["citations"] == []
    assert sources["answer"].strip()


def test_a_follow_up_over_the_stream_carries_the_conversation(client: TestClient) -> None:
    cid = ask(client, QUESTION, None)["conversation_id"]
    response = client.post(
        "/api/v1/ask/stream", json={"question": "en in 2022?", "conversation_id": cid}
    )
    assert response.status_code == 200
    final = json.loads(response.text.strip().split("\n\n")[-1].split("data: ", 1)[1])
    assert final["trace"]["conversation"]["turn"] == 2
    assert "2022" in final["trace"]["conversation"]["resolved_question"]


@pytest.mark.parametrize("bad", ["a b", "x" * 65, "../../etc", "é"])
def test_a_malformed_conversation_id_is_a_422(client: TestClient, bad: str) -> None:
    response = client.post("/api/v1/ask", json={"question": QUESTION, "conversation_id": bad})
    assert_error_shape(response, 422, "invalid_conversation_id")
    stream = client.post("/api/v1/ask/stream", json={"question": QUESTION, "conversation_id": bad})
    assert_error_shape(stream, 422, "invalid_conversation_id")


def test_a_new_app_instance_continues_the_conversation_and_sees_the_audit(
    client: TestClient, built_figure_index: Settings
) -> None:
    cid = ask(client, QUESTION, None)["conversation_id"]
    with TestClient(create_app(built_figure_index), raise_server_exceptions=False) as other:
        follow = ask(other, "en in 2022?", cid)
        assert follow["trace"]["conversation"]["turn"] == 2
        records = other.get("/api/v1/audit", params={"conversation_id": cid}).json()["records"]
    assert [r["turn"] for r in records] == [2, 1]
    # and the first app reads the record the second one wrote
    mine = client.get("/api/v1/audit", params={"conversation_id": cid}).json()["records"]
    assert [r["id"] for r in mine] == [r["id"] for r in records]


def test_audit_records_hold_the_answer_and_filter(client: TestClient) -> None:
    since = datetime.now(UTC).isoformat()
    cid = fresh_id()
    first = ask(client, QUESTION, cid)
    refused = ask(client, "Hoeveel zwembaden heeft Enschede?", cid)
    response = client.get("/api/v1/audit", params={"conversation_id": cid})
    assert response.status_code == 200
    records = response.json()["records"]
    assert [r["question"] for r in records] == ["Hoeveel zwembaden heeft Enschede?", QUESTION]
    newest, oldest = records
    assert set(oldest) == AUDIT_FIELDS
    assert oldest["principal"] == "local" and oldest["conversation_id"] == cid
    assert oldest["status"] == first["status"] and oldest["route"] == first["trace"]["route"]
    assert oldest["language"] == "nl" and oldest["turn"] == 1
    assert oldest["index_version"] == first["trace"]["index_version"]
    assert oldest["latency_ms"] >= 0 and oldest["time"].endswith("+00:00")
    assert oldest["figure_ids"] == [f["figure_id"] for f in first["figures"]]
    assert [(p["doc_id"], p["line_start"], p["line_end"]) for p in oldest["citations"]] == [
        (c["doc_id"], c["line_start"], c["line_end"]) for c in first["citations"]
    ]
    assert oldest["chunk_ids"] and all(p["chunk_ids"] for p in oldest["citations"])
    assert newest["status"] == refused["status"] == "refused" and newest["citations"] == []
    assert newest["resolved_question"] == "Hoeveel zwembaden heeft Enschede?"

    def ids(**params: Any) -> list[int]:
        got = client.get("/api/v1/audit", params={"conversation_id": cid, **params})
        assert got.status_code == 200, got.text
        return [r["id"] for r in got.json()["records"]]

    assert ids(status="refused") == [newest["id"]]
    assert ids(status="partial") == [oldest["id"]]
    assert ids(limit=1) == [newest["id"]]
    assert ids(since=since) == [newest["id"], oldest["id"]]
    assert ids(since="2999-01-01T00:00:00Z") == []
    all_recent = client.get("/api/v1/audit", params={"limit": 1}).json()["records"]
    assert len(all_recent) == 1


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"status": "maybe"}, {"since": "yesterday"}, {"conversation_id": "x" * 65}],
)
def test_bad_audit_queries_are_422(client: TestClient, params: dict[str, Any]) -> None:
    assert_error_shape(client.get("/api/v1/audit", params=params), 422)


def test_the_audit_route_is_admin_only_once_auth_is_on(built_figure_index: Settings) -> None:
    auth = type(built_figure_index.auth)(enabled=True)
    guarded = built_figure_index.model_copy(update={"auth": auth})
    with TestClient(create_app(guarded), raise_server_exceptions=False) as c:
        assert_error_shape(c.get("/api/v1/audit"), 401, "missing_api_key")


def test_cli_follow_up_across_invocations(built_figure_index: Settings) -> None:
    data = built_figure_index.data_dir
    first = run_cli(data, "ask", QUESTION, "--json")
    assert first.returncode == 0, first.stderr
    cid = json.loads(first.stdout)["conversation_id"]
    follow = run_cli(data, "ask", "en in 2022?", "--conversation", cid, "--json")
    assert follow.returncode == 0, follow.stderr
    conversation = json.loads(follow.stdout)["trace"]["conversation"]
    assert conversation["turn"] == 2
    assert conversation["resolved_question"] == "Hoeveel LKS-contracten zijn er in Q3 2022 gestart?"
    text = run_cli(data, "ask", "waar staat dat?", "--conversation", cid)
    assert text.returncode == 0 and f"--conversation {cid}" in text.stdout
    cited = [line for line in text.stdout.splitlines() if line.startswith("  [c")]
    assert cited and all(".txt" not in line and ", r. " in line for line in cited)  # by title
    records = create_audit_log(built_figure_index).records(conversation_id=cid)
    assert [(r.turn, r.principal) for r in records] == [(3, "local"), (2, "local"), (1, "local")]
