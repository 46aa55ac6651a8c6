"""The caller's conversations (``GET /api/v1/conversations`` and ``/{id}``): listed newest
first, resumed with their answers, and never another key's."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import NORMAL_QUESTION, Keys, bearer
from tests.api.test_api import assert_error_shape

pytestmark = pytest.mark.unit


def ask(
    client: TestClient, question: str, cid: str | None = None, key: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"question": question}
    if cid:
        body["conversation_id"] = cid
    response = client.post("/api/v1/ask", json=body, headers=bearer(key))
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def listed(client: TestClient, key: str | None = None, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/conversations", params=params, headers=bearer(key))
    assert response.status_code == 200, response.text
    conversations: list[dict[str, Any]] = response.json()["conversations"]
    return conversations


def test_conversations_are_listed_newest_first_and_resumed_with_their_answers(
    client: TestClient,
) -> None:
    older = ask(client, "Hoeveel zwembaden heeft Enschede?")
    first = ask(client, NORMAL_QUESTION)
    follow = ask(client, "en in 2022?", first["conversation_id"])
    ids = [c["conversation_id"] for c in listed(client)]
    assert ids.index(first["conversation_id"]) < ids.index(older["conversation_id"])
    mine = next(c for c in listed(client) if c["conversation_id"] == first["conversation_id"])
    assert mine["title"] == NORMAL_QUESTION and mine["turns"] == 2
    assert mine["last_status"] == follow["status"] and mine["updated_at"] >= mine["created_at"]
    assert len(listed(client, limit=1)) == 1

    response = client.get(f"/api/v1/conversations/{first['conversation_id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["conversation_id"] == first["conversation_id"]
    turns = body["turns"]
    assert [t["turn"] for t in turns] == [1, 2]
    assert [t["question"] for t in turns] == [NORMAL_QUESTION, "en in 2022?"]
    for turn, answer in zip(turns, [first, follow], strict=True):
        # what the page shows again on resume is what /ask sent
        assert turn["answer"] == answer["answer"] and turn["status"] == answer["status"]
        assert turn["citations"] == answer["citations"] and turn["figures"] == answer["figures"]
    assert turns[1]["resolved_question"] == follow["trace"]["conversation"]["resolved_question"]

    # resuming: the next question with that id is its third turn
    again = ask(client, "waar staat dat?", first["conversation_id"])
    assert again["trace"]["conversation"]["turn"] == 3


def test_an_unknown_or_malformed_conversation_is_an_error(client: TestClient) -> None:
    unknown = client.get(f"/api/v1/conversations/nooit-{uuid.uuid4().hex[:8]}")
    assert_error_shape(unknown, 404, "conversation_not_found")
    malformed = client.get("/api/v1/conversations/a%20b")
    assert_error_shape(malformed, 422, "invalid_conversation_id")
    too_many = client.get("/api/v1/conversations", params={"limit": 0})
    assert too_many.status_code == 422 and set(too_many.json()) == {"error"}


def test_a_key_sees_only_its_own_conversations(authed: TestClient, keys: Keys) -> None:
    cid = f"gedeeld-{uuid.uuid4().hex[:8]}"
    mine = ask(authed, NORMAL_QUESTION, cid, keys.reader)
    assert mine["conversation_id"] == cid
    assert cid in [c["conversation_id"] for c in listed(authed, keys.reader)]
    assert cid not in [c["conversation_id"] for c in listed(authed, keys.clerk)]
    theirs = authed.get(f"/api/v1/conversations/{cid}", headers=bearer(keys.clerk))
    assert_error_shape(theirs, 404, "conversation_not_found")
    # the same id used by another key is that key's own conversation, listed apart
    ask(authed, "Hoeveel zwembaden heeft Enschede?", cid, keys.clerk)
    own = authed.get(f"/api/v1/conversations/{cid}", headers=bearer(keys.clerk)).json()
    assert [t["question"] for t in own["turns"]] == ["Hoeveel zwembaden heeft Enschede?"]
    reader = authed.get(f"/api/v1/conversations/{cid}", headers=bearer(keys.reader)).json()
    assert [t["question"] for t in reader["turns"]] == [NORMAL_QUESTION]
    assert_error_shape(authed.get("/api/v1/conversations"), 401, "missing_api_key")
