"""Real OpenAI clients against the served app (uvicorn on loopback, the bundled corpus, fake
embedder): the official ``openai`` SDK and LangChain's ``ChatOpenAI`` ask the LKS question,
streamed and not, get 220 with its period and citation, and keep the subject in a follow-up.
With auth on, API keys work as their ``api_key`` (a Bearer token)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langchain_openai import ChatOpenAI
from openai import OpenAI

from api import create_app
from corpus import Settings
from tests.api.conftest import NORMAL_QUESTION, PUBLIC_SOURCE, Keys
from tests.support.served import served

pytestmark = pytest.mark.e2e
MODEL = "policy-assistant"
FOLLOW_UP = "en in 2022?"


@pytest.fixture(scope="module")
def base_url(built_figure_index: Settings) -> Iterator[str]:
    with served(create_app(built_figure_index)) as url:
        yield f"{url}/v1"


@pytest.fixture(scope="module")
def authed_url(access_index: Settings) -> Iterator[str]:
    with served(create_app(access_index)) as url:
        yield f"{url}/v1"


def assert_lks_answer(content: str) -> None:
    """220 started LKS contracts, their period (Q1-Q3 2024, cumulative) and the cited line."""
    assert "**220**" in content
    assert "de eerste drie kwartalen van 2024, cumulatief" in content
    # the source by title and the place as a citation names it (issue 17), not the file name
    cited = re.search(r"Bron: Uitvoeringsprogramma [^,]+ 2025, r\. \d+ \[(\d)\]", content)
    assert cited, content
    sources = content.split("**Bronnen**", 1)[1]
    assert re.search(
        rf"^- \[{cited.group(1)}\] Uitvoeringsprogramma .+ \(Enschede, 2025\), r\. \d+(–\d+)?$",
        sources,
        re.M,
    )


def assert_keeps_the_subject(content: str) -> None:
    """The answer to 'en in 2022?' after the LKS question is about LKS, for 2022."""
    assert "(loonkostensubsidie)" in content and "[c1]" not in content
    assert "geen cijfer" in content  # the documents hold no Q3 2022 figure: partial, and said


def test_openai_sdk_not_streamed(base_url: str) -> None:
    client = OpenAI(base_url=base_url, api_key="local-mode-needs-none", max_retries=0)
    assert [m.id for m in client.models.list()] == [MODEL]
    completion = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": NORMAL_QUESTION}]
    )
    content = completion.choices[0].message.content or ""
    assert_lks_answer(content)
    extra: dict[str, Any] = (completion.model_extra or {})["policy_assistant"]
    figure = next(f for f in extra["figures"] if f["value"] == 220)
    assert (figure["period"], figure["cumulative"], figure["line"]) == ("2024-Q1..Q3", True, 90)
    assert extra["citations"][0]["source"] == PUBLIC_SOURCE
    assert completion.usage is not None and completion.usage.completion_tokens > 0

    follow = client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "user", "content": NORMAL_QUESTION},
            {"role": "assistant", "content": content},
            {"role": "user", "content": FOLLOW_UP},
        ],
    )
    assert_keeps_the_subject(follow.choices[0].message.content or "")
    turn = (follow.model_extra or {})["policy_assistant"]["trace"]["conversation"]
    assert turn["resolved_question"] == "Hoeveel LKS-contracten zijn er in Q3 2022 gestart?"


def test_openai_sdk_streamed(base_url: str) -> None:
    client = OpenAI(base_url=base_url, api_key="local-mode-needs-none", max_retries=0)

    def stream(messages: list[dict[str, str]]) -> tuple[str, dict[str, Any], Any]:
        pieces, extra, usage = [], {}, None
        for chunk in client.chat.completions.create(
            model=MODEL, messages=messages, stream=True, stream_options={"include_usage": True}
        ):
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
            extra = (chunk.model_extra or {}).get("policy_assistant") or extra
            usage = chunk.usage or usage
        return "".join(pieces), extra, usage

    content, extra, usage = stream([{"role": "user", "content": NORMAL_QUESTION}])
    assert_lks_answer(content)
    assert extra["status"] == "partial" and any(f["value"] == 220 for f in extra["figures"])
    assert usage is not None and usage.total_tokens > 0
    follow, extra, _ = stream(
        [
            {"role": "user", "content": NORMAL_QUESTION},
            {"role": "assistant", "content": content},
            {"role": "user", "content": FOLLOW_UP},
        ]
    )
    assert_keeps_the_subject(follow)
    assert extra["trace"]["conversation"]["follow_up"]


def test_langchain_chat_openai(base_url: str) -> None:
    llm = ChatOpenAI(base_url=base_url, api_key="local", model=MODEL, max_retries=0)  # type: ignore[arg-type]
    answer = llm.invoke(NORMAL_QUESTION)
    assert_lks_answer(str(answer.content))
    streamed = "".join(str(chunk.content) for chunk in llm.stream(NORMAL_QUESTION))
    assert streamed == answer.content
    history = [
        HumanMessage(NORMAL_QUESTION),
        AIMessage(str(answer.content)),
        HumanMessage(FOLLOW_UP),
    ]
    assert_keeps_the_subject(str(llm.invoke(history).content))
    assert_keeps_the_subject("".join(str(c.content) for c in llm.stream(history)))


def test_api_keys_work_as_the_clients_api_key(authed_url: str, keys: Keys) -> None:
    reader = OpenAI(base_url=authed_url, api_key=keys.reader, max_retries=0)
    completion = reader.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": NORMAL_QUESTION}]
    )
    assert_lks_answer(completion.choices[0].message.content or "")
    assert [m.id for m in reader.models.list()] == [MODEL]
    for bad in ("not-a-key", keys.revoked):
        with pytest.raises(openai.AuthenticationError) as error:
            OpenAI(base_url=authed_url, api_key=bad, max_retries=0).models.list()
        assert error.value.status_code == 401
        assert error.value.body["code"] == "invalid_api_key"  # type: ignore[index]
    llm = ChatOpenAI(base_url=authed_url, api_key=keys.clerk, model=MODEL, max_retries=0)  # type: ignore[arg-type]
    assert_lks_answer(str(llm.invoke(NORMAL_QUESTION).content))
