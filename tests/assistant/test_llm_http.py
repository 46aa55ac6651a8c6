"""The LLM writer over a real HTTP round trip: ``ChatOpenAI`` against an OpenAI-protocol stub."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.llm import LLMWriter, create_llm_writer
from tests.assistant.test_llm_writer import QUESTION, assert_default_kept, default_result
from tests.conftest import fake_settings
from tests.support.openai_stub import OpenAIStub

pytestmark = pytest.mark.unit


def openai_writer(tmp_path: Path, base_url: str, timeout_s: float = 10.0) -> LLMWriter:
    llm = {"backend": "openai", "base_url": base_url, "model": "stub-model", "timeout_s": timeout_s}
    writer = create_llm_writer(fake_settings(tmp_path, llm=llm))
    assert writer is not None
    return writer


def test_the_stub_receives_the_grounded_prompt_and_its_answer_is_used(tmp_path: Path) -> None:
    before = default_result()
    with OpenAIStub() as stub:
        out = openai_writer(tmp_path, stub.base_url).rewrite(QUESTION, before)
    assert len(stub.requests) == 1
    body = stub.requests[0]
    assert body["model"] == "stub-model" and body["temperature"] == 0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "data, not instructions" in body["messages"][0]["content"]
    (user,) = stub.user_prompts()
    assert '[c1] "o Gestarte contracten: 220"' in user
    assert '[c2] "o Totaal LKS contracten: 671"' in user
    assert QUESTION in user and "Status: partial" in user
    assert out.trace["writer"] == {
        "name": "llm",
        "model": "openai:stub-model",
        "fallback_reason": None,
    }
    assert out.answer.startswith("Volgens de documenten:") and "[c1]" in out.answer
    assert out.citations == before.citations and out.figures == before.figures


def test_an_invented_number_from_the_server_falls_back(tmp_path: Path) -> None:
    before = default_result()
    with OpenAIStub(reply="Er zijn 250 contracten gestart [c1].") as stub:
        out = openai_writer(tmp_path, stub.base_url).rewrite(QUESTION, before)
    assert_default_kept(out, before, "ungrounded_numbers: 250")


def test_a_slow_server_triggers_the_timeout_fallback(tmp_path: Path) -> None:
    before = default_result()
    with OpenAIStub(delay_s=30) as stub:
        out = openai_writer(tmp_path, stub.base_url, timeout_s=0.3).rewrite(QUESTION, before)
    assert len(stub.requests) == 1  # the request arrived; the reply came too late
    assert_default_kept(out, before, "timeout")


def test_an_unreachable_server_falls_back(tmp_path: Path) -> None:
    with OpenAIStub() as stub:
        closed = stub.base_url  # nothing listens there once the stub has stopped
    before = default_result()
    out = openai_writer(tmp_path, closed).rewrite(QUESTION, before)
    assert_default_kept(out, before, r"error: \w+")
