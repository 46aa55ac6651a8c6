"""``/v1/models`` and ``/v1/chat/completions`` over the bundled corpus (fake embedder): the
OpenAI shapes, footnoted content, the ``policy_assistant`` field, streaming, conversations read
from the transcript, and the errors. Real clients (the ``openai`` SDK, ``ChatOpenAI``) are in
``test_openai_clients.py``."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import create_app
from tests.api.conftest import NORMAL_QUESTION, PUBLIC_SOURCE
from tests.api.test_api import assert_error_shape
from tests.conftest import fake_settings

pytestmark = pytest.mark.unit
MODEL = "policy-assistant"


def chat(client: TestClient, *messages: str | dict[str, Any], **extra: Any) -> Any:
    """POST /v1/chat/completions; a str message alternates user / assistant from the first."""
    body_messages = [
        m if isinstance(m, dict) else {"role": ("user", "assistant")[n % 2], "content": m}
        for n, m in enumerate(messages)
    ]
    return client.post(
        "/v1/chat/completions", json={"model": MODEL, "messages": body_messages, **extra}
    )


def sse_chunks(response: Any) -> list[Any]:
    """The ``data:`` payloads of a stream, ``[DONE]`` kept as a string."""
    assert response.headers["content-type"].startswith("text/event-stream")
    payloads = []
    for event in response.text.split("\n\n"):
        if not event.strip():
            continue
        assert event.startswith("data: "), event
        data = event.removeprefix("data: ")
        payloads.append(data if data == "[DONE]" else json.loads(data))
    return payloads


def test_models_lists_the_assistant(client: TestClient) -> None:
    body = client.get("/v1/models").json()
    assert body["object"] == "list"
    assert [(m["id"], m["object"]) for m in body["data"]] == [(MODEL, "model")]
    assert body["data"][0]["created"] > 1_700_000_000  # the index version's build time
    assert client.get(f"/v1/models/{MODEL}").json()["id"] == MODEL
    assert_error_shape(client.get("/v1/models/gpt-4o"), 404, "model_not_found")


def test_a_completion_holds_the_footnoted_answer_and_the_ask_response(
    client: TestClient,
) -> None:
    response = chat(client, NORMAL_QUESTION)
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion" and body["model"] == MODEL
    assert body["id"].startswith("chatcmpl-") and isinstance(body["created"], int)
    (choice,) = body["choices"]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
    content = choice["message"]["content"]
    extra = body["policy_assistant"]
    # the figure, its period and its citation, as the /ask route gives them
    assert extra["status"] == "partial"
    lks = next(f for f in extra["figures"] if f["value"] == 220)
    assert (lks["period"], lks["source"], lks["line"]) == ("2024-Q1..Q3", PUBLIC_SOURCE, 90)
    assert "**220**" in content and "de eerste drie kwartalen van 2024" in content
    # readable footnotes: [1] markers, no internal labels, the sources listed below
    assert "[c1]" not in content and "[1]" in content
    body_text, sources = content.split("\n\n**Bronnen**\n\n")
    listed = sources.splitlines()
    assert len(listed) == len(extra["citations"])
    first = extra["citations"][0]
    assert listed[0] == (  # the place as a citation names it, no file name (issue 17)
        f"- [1] {first['title']} (Enschede, 2025), r. {first['line_start']}–{first['line_end']}"
    )
    assert all(f"[{n}]" in body_text for n in range(1, len(listed) + 1))
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    assert body["system_fingerprint"] == extra["trace"]["index_version"]


def test_the_extra_field_is_the_ask_response(client: TestClient) -> None:
    asked = client.post("/api/v1/ask", json={"question": NORMAL_QUESTION}).json()
    extra = chat(client, NORMAL_QUESTION).json()["policy_assistant"]
    assert set(extra) == set(asked)
    for key in ("status", "answer", "language", "citations", "figures"):
        assert extra[key] == asked[key], key


def test_content_parts_and_other_roles(client: TestClient) -> None:
    parts = [{"type": "text", "text": NORMAL_QUESTION}, {"type": "image_url", "image_url": {}}]
    response = chat(
        client,
        {"role": "system", "content": "Je bent een behulpzame assistent."},
        {"role": "user", "content": parts},
        temperature=0.2,
        max_tokens=300,
        user="tester",
    )
    assert response.status_code == 200
    extra = response.json()["policy_assistant"]
    assert extra["trace"]["conversation"]["resolved_question"] == NORMAL_QUESTION


def test_the_stream_sends_the_same_content_then_the_extra_field(client: TestClient) -> None:
    whole = chat(client, NORMAL_QUESTION).json()
    response = chat(client, NORMAL_QUESTION, stream=True, stream_options={"include_usage": True})
    assert response.status_code == 200
    chunks = sse_chunks(response)
    assert chunks[-1] == "[DONE]"
    *deltas, last, usage = chunks[:-1]
    assert deltas[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert {c["id"] for c in [*deltas, last, usage]} == {deltas[0]["id"]}
    assert all(c["object"] == "chat.completion.chunk" for c in [*deltas, last, usage])
    text = "".join(c["choices"][0]["delta"]["content"] or "" for c in deltas)
    assert text == whole["choices"][0]["message"]["content"]
    assert len(deltas) > 50  # streamed piece by piece
    assert last["choices"][0]["finish_reason"] == "stop"
    assert last["policy_assistant"]["figures"] == whole["policy_assistant"]["figures"]
    assert "policy_assistant" not in deltas[1] and "usage" not in deltas[1]
    assert usage["choices"] == [] and usage["usage"] == whole["usage"]
    # without include_usage there is no usage chunk
    plain = sse_chunks(chat(client, NORMAL_QUESTION, stream=True))
    assert plain[-1] == "[DONE]" and plain[-2]["choices"][0]["finish_reason"] == "stop"


def conversation(body: dict[str, Any]) -> dict[str, Any]:
    trace: dict[str, Any] = body["policy_assistant"]["trace"]["conversation"]
    return trace


def test_a_follow_up_is_read_from_the_transcript(client: TestClient) -> None:
    first = chat(client, NORMAL_QUESTION).json()
    reply = first["choices"][0]["message"]["content"]
    follow = chat(client, NORMAL_QUESTION, reply, "en in 2022?").json()
    turn = conversation(follow)
    assert turn["follow_up"] and turn["kind"] == "refine"
    assert turn["resolved_question"] == "Hoeveel LKS-contracten zijn er in Q3 2022 gestart?"
    figures = follow["policy_assistant"]["figures"]
    assert figures and {f["subject"] for f in figures} == {"loonkostensubsidie"}
    # the same transcript again (a client's "regenerate") reads the same way
    again = chat(client, NORMAL_QUESTION, reply, "en in 2022?").json()
    assert conversation(again)["resolved_question"] == turn["resolved_question"]
    assert (
        again["policy_assistant"]["conversation_id"]
        != follow["policy_assistant"]["conversation_id"]
    )
    # the assistant's reply is not needed: another client may send it shortened
    short = chat(client, NORMAL_QUESTION, "220.", "en in 2022?").json()
    assert conversation(short)["resolved_question"] == turn["resolved_question"]
    # a third turn follows the second
    third = chat(client, NORMAL_QUESTION, reply, "en in 2022?", "...", "and in Hengelo?").json()
    assert conversation(third)["resolved_question"] == (
        "Hoeveel LKS-contracten zijn er in Q3 2022 gestart in Hengelo?"
    )


def test_a_new_chat_never_continues_another(client: TestClient) -> None:
    chat(client, NORMAL_QUESTION, "...", "en in 2022?")
    # the same follow-up as the first message of a chat is no follow-up of anything
    alone = chat(client, "en in 2022?").json()
    assert not conversation(alone)["follow_up"]
    # and a chat that begins with another question carries that one's subject
    other = chat(client, "Hoeveel mensen volgden de onderwijsroute?", "...", "en in 2022?").json()
    assert "onderwijsroute" in conversation(other)["resolved_question"]


def test_earlier_questions_never_answered_here_are_asked_first(client: TestClient) -> None:
    # a transcript begun elsewhere (or expired): its earlier question is asked again first
    question = f"Hoeveel LKS-contracten zijn er in Q3 gestart? ({uuid.uuid4().hex[:6]})"
    follow = chat(client, question, "(an answer from elsewhere)", "en in 2022?").json()
    turn = conversation(follow)
    assert turn["follow_up"] and turn["turn"] == 2 and "2022" in turn["resolved_question"]
    audit = client.get("/api/v1/audit", params={"limit": 2}).json()["records"]
    assert [r["question"] for r in audit] == ["en in 2022?", question]


def test_a_conversation_id_continues_an_ask_conversation(client: TestClient) -> None:
    cid = client.post("/api/v1/ask", json={"question": NORMAL_QUESTION}).json()["conversation_id"]
    follow = chat(client, "en in 2022?", conversation_id=cid).json()
    assert follow["policy_assistant"]["conversation_id"] == cid
    assert conversation(follow)["turn"] == 2 and conversation(follow)["follow_up"]


def test_filters_apply(client: TestClient) -> None:
    body = chat(client, NORMAL_QUESTION, filters={"municipality": "Hengelo"}).json()
    citations = body["policy_assistant"]["citations"]
    assert all(c["municipality"] == "Hengelo" for c in citations)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]},
            404,
            "model_not_found",
        ),
        ({"model": MODEL, "messages": []}, 422, "invalid_request"),
        ({"model": MODEL, "messages": [{"role": "system", "content": "x"}]}, 422, "empty_question"),
        ({"model": MODEL, "messages": [{"role": "user", "content": "  "}]}, 422, "empty_question"),
        (
            {"model": MODEL, "messages": [{"role": "user", "content": "x" * 2001}]},
            422,
            "question_too_long",
        ),
        ({"model": MODEL, "messages": [{"role": "robot", "content": "x"}]}, 422, "invalid_request"),
        (
            {"model": MODEL, "n": 2, "messages": [{"role": "user", "content": "x"}]},
            422,
            "invalid_request",
        ),
        ({"messages": [{"role": "user", "content": "x"}]}, 422, "invalid_request"),
        (
            {
                "model": MODEL,
                "conversation_id": "no spaces",
                "messages": [{"role": "user", "content": "x"}],
            },
            422,
            "invalid_conversation_id",
        ),
    ],
    ids=["model", "no-messages", "no-user", "blank", "too-long", "role", "n", "no-model", "cid"],
)
def test_bad_requests_get_the_one_error_shape(
    client: TestClient, body: dict[str, Any], status: int, code: str
) -> None:
    assert_error_shape(client.post("/v1/chat/completions", json=body), status, code)


def test_an_empty_index_is_a_503(tmp_path: Any) -> None:
    with TestClient(create_app(fake_settings(tmp_path / "data"))) as c:
        assert c.get("/v1/models").status_code == 200  # listed even before ingest
        assert_error_shape(chat(c, NORMAL_QUESTION), 503, "index_not_ready")


def test_a_refusal_has_no_sources_list(client: TestClient) -> None:
    body = chat(client, "Hoeveel zwembaden heeft Enschede?").json()
    assert body["policy_assistant"]["status"] == "refused"
    content = body["choices"][0]["message"]["content"]
    assert "Bronnen" not in content and not re.search(r"\[\d+\]", content)
