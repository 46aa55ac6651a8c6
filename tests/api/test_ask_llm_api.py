"""``/api/v1/ask`` with ``POLICY_ASSISTANT_LLM__BACKEND=openai`` pointed at a loopback stub."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api import create_app
from corpus import LLMSettings, Settings
from tests.api.test_ask_api import RESPONSE_FIELDS
from tests.support.openai_stub import OpenAIStub

pytestmark = pytest.mark.unit

QUESTION = "Why is Enschede dropping the OpMaat meetings?"


def llm_client(settings: Settings, base_url: str, timeout_s: float = 10.0) -> TestClient:
    llm = LLMSettings(backend="openai", base_url=base_url, model="stub", timeout_s=timeout_s)
    app = create_app(settings.model_copy(update={"llm": llm}))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def stub() -> Iterator[OpenAIStub]:
    with OpenAIStub() as server:
        yield server


def _stream_events(text: str) -> list[tuple[str, dict[str, object]]]:
    events = []
    for block in text.strip().split("\n\n"):
        head, data = block.split("\n", 1)
        events.append((head.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return events


def test_ask_uses_the_verified_llm_answer(built_figure_index: Settings, stub: OpenAIStub) -> None:
    with llm_client(built_figure_index, stub.base_url) as client:
        body = client.post("/api/v1/ask", json={"question": QUESTION}).json()
    assert set(body) == RESPONSE_FIELDS and body["status"] == "answered"
    assert body["trace"]["writer"] == {
        "name": "llm",
        "model": "openai:stub",
        "fallback_reason": None,
    }
    assert body["trace"]["timings_ms"]["llm"] >= 0 and body["trace"]["grounding"]["ok"]
    assert body["answer"].startswith("According to the documents")
    prompt = stub.user_prompts()[-1]
    assert QUESTION in prompt
    for citation in body["citations"]:
        assert f'[{citation["id"]}] "{" ".join(citation["quote"].split())}"' in prompt
        assert f"[{citation['id']}]" in body["answer"]


def test_ask_stream_ends_with_the_verified_llm_answer(
    built_figure_index: Settings, stub: OpenAIStub
) -> None:
    with llm_client(built_figure_index, stub.base_url) as client:
        response = client.post("/api/v1/ask/stream", json={"question": QUESTION})
    events = _stream_events(response.text)
    kind, final = events[-1]
    assert kind == "final" and final["trace"]["writer"]["name"] == "llm"  # type: ignore[index]
    assert "".join(str(d["text"]) for _, d in events[:-1]) == final["answer"]


def test_a_slow_model_falls_back_to_the_default_answer(built_figure_index: Settings) -> None:
    with TestClient(create_app(built_figure_index)) as client:
        default = client.post("/api/v1/ask", json={"question": QUESTION}).json()
    with OpenAIStub(delay_s=30) as slow, llm_client(built_figure_index, slow.base_url, 0.3) as c:
        body = c.post("/api/v1/ask", json={"question": QUESTION}).json()
    assert len(slow.requests) == 1
    assert body["trace"]["writer"]["fallback_reason"] == "timeout"
    assert body["answer"] == default["answer"] and body["citations"] == default["citations"]
