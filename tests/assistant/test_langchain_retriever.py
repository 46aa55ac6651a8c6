"""The assistant for LangChain code, over the bundled corpus (fake embedder): the README's
three-line retriever, LangChain's own standard retriever suite, the cited passages and their
metadata, and the ``ask`` Runnable."""

from __future__ import annotations

import ast
import json
import re
import statistics
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.retrievers import BaseRetriever
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant import PolicyAssistant, ask_runnable, retriever
from assistant.langchain_api import PolicyRetriever
from corpus import BUNDLED_CORPUS_DIR, Settings
from tests.conftest import REPO

pytestmark = pytest.mark.unit
QUESTION = "Hoeveel LKS-contracten zijn er in Q3 gestart?"
METADATA = {
    "doc_id",
    "title",
    "source",
    "municipality",
    "doc_type",
    "year",
    "page",
    "line_start",
    "line_end",
    "score",
    "citation",
    "unit",
    "context",
    "page_end",
    "location",
}


@pytest.fixture(scope="module")
def policy_assistant(built_figure_index: Settings) -> PolicyAssistant:
    return PolicyAssistant(built_figure_index)


def readme_example() -> str:
    """The Python block after the README's ``<!-- retriever-example -->`` marker."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- retriever-example -->\s*```python\n(.*?)```", readme, re.S)
    assert match, "the README has no retriever example"
    return match.group(1)


def test_the_readme_retriever_example_runs(
    built_figure_index: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = readme_example()
    assert (
        len(ast.parse(code).body) == 3
    )  # three lines (ruff formats the block: a blank after the import)
    # the default settings come from the environment, as for the CLI
    monkeypatch.setenv("POLICY_ASSISTANT_DATA_DIR", str(built_figure_index.data_dir))
    monkeypatch.setenv("POLICY_ASSISTANT_EMBEDDING__BACKEND", "fake")
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    docs = namespace["docs"]
    assert isinstance(namespace["r"], BaseRetriever) and len(docs) == 4
    # the pipeline's best passage for the question: the LKS figures of 2024
    assert "LKS contracten" in docs[0].page_content
    assert (
        docs[0]
        .metadata["citation"]
        .startswith(
            "Uitvoeringsprogramma Enschedese Arbeidsmarkt Aanpak 2025 (Enschede, 2025), r. "
        )
    )


def source_text(metadata: dict[str, Any]) -> str:
    lines = (BUNDLED_CORPUS_DIR / metadata["source"]).read_text(encoding="utf-8").split("\n")
    return " ".join(" ".join(lines[metadata["line_start"] - 1 : metadata["line_end"]]).split())


@pytest.mark.parametrize(
    "query",
    [
        QUESTION,
        "Waarom stopt Enschede met de OpMaat bijeenkomsten?",
        "Wat zijn de drie beleidslijnen van de EAA?",
        "How many people took the education route?",
    ],
)
def test_documents_hold_the_cited_passage_with_its_metadata(
    policy_assistant: PolicyAssistant, query: str
) -> None:
    docs = retriever(policy_assistant=policy_assistant, k=5).invoke(query)
    assert len(docs) == 5
    for doc in docs:
        meta = doc.metadata
        assert set(meta) == METADATA
        assert meta["unit"] in ("sentence", "block", "chunk")
        # the passage stands verbatim at its lines (whitespace collapsed)
        assert " ".join(doc.page_content.split()) in source_text(meta)
        # a text file is cited by its lines, named as a citation names them (no file name)
        place = (
            f"r. {meta['line_start']}"
            if meta["line_start"] == meta["line_end"]
            else (f"r. {meta['line_start']}–{meta['line_end']}")
        )
        assert meta["location"] == place and meta["page_end"] is None
        assert meta["citation"] == (
            f"{meta['title']} ({meta['municipality']}, {meta['year']}), "
            f"{place}: “{' '.join(doc.page_content.split())}”"
        )
        assert doc.id == f"{meta['doc_id']}:0:{meta['line_start']}-{meta['line_end']}"


def test_passages_are_the_quoted_lines_not_whole_chunks(policy_assistant: PolicyAssistant) -> None:
    """Each Document is what an answer quotes: over our own questions, a passage is well under
    half a search chunk (measured: median 328 against 942 characters, 8 against 22 lines)."""
    questions = [
        json.loads(line)["question"]
        for path in sorted((REPO / "eval" / "questions").glob("own-*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()[:4]
    ]
    passages, chunks = [], []
    r = retriever(policy_assistant=policy_assistant, k=4)
    for query in questions:
        passages += [len(doc.page_content) for doc in r.invoke(query)]
        chunks += [len(" ".join(hit.text.split())) for hit in policy_assistant.search(query, k=4)]
    assert len(questions) == 20
    assert statistics.median(passages) * 2 <= statistics.median(chunks)
    # and the first passage of the LKS question is the one /ask cites for it
    answer = policy_assistant.ask(QUESTION)
    cited = {(c["line_start"], c["line_end"]) for c in answer.citations}
    first = retriever(policy_assistant=policy_assistant).invoke(QUESTION)[0].metadata
    assert (first["line_start"], first["line_end"]) in cited


def test_k_and_filters(policy_assistant: PolicyAssistant) -> None:
    from ingest import SearchFilters

    r = retriever(policy_assistant=policy_assistant, k=2)
    assert len(r.invoke(QUESTION)) == 2 and len(r.invoke(QUESTION, k=7)) == 7
    hengelo = retriever(
        policy_assistant=policy_assistant, filters=SearchFilters(municipality="Hengelo")
    ).invoke(QUESTION)
    assert hengelo and {d.metadata["municipality"] for d in hengelo} == {"Hengelo"}
    with pytest.raises(ValueError):
        PolicyRetriever(policy_assistant=policy_assistant, k=0)


def test_ask_runnable(policy_assistant: PolicyAssistant) -> None:
    ask = ask_runnable(policy_assistant=policy_assistant)
    assert ask.get_name() == "ask"
    first = ask.invoke(QUESTION)
    assert first["status"] == "partial"
    assert any(f["value"] == 220 and f["period"] == "2024-Q1..Q3" for f in first["figures"])
    follow = ask.invoke({"question": "en in 2022?", "conversation_id": first["conversation_id"]})
    assert follow["trace"]["conversation"]["resolved_question"] == (
        "Hoeveel LKS-contracten zijn er in Q3 2022 gestart?"
    )
    chat = ask.invoke([HumanMessage(QUESTION), AIMessage("..."), HumanMessage("en in 2022?")])
    assert chat["trace"]["conversation"]["follow_up"]
    batch = ask.batch([QUESTION, "Hoeveel zwembaden heeft Enschede?"])
    assert [b["status"] for b in batch] == ["partial", "refused"]
    # it composes like any Runnable
    status = (ask | (lambda out: out["status"])).invoke(QUESTION)
    assert status == "partial"


def test_the_factories_use_the_default_settings(
    built_figure_index: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICY_ASSISTANT_DATA_DIR", str(built_figure_index.data_dir))
    monkeypatch.setenv("POLICY_ASSISTANT_EMBEDDING__BACKEND", "fake")
    r = retriever()
    assert r.policy_assistant.settings.data_dir == Path(built_figure_index.data_dir)
    assert ask_runnable().invoke(QUESTION)["status"] == "partial"


class TestPolicyRetrieverStandard(RetrieversIntegrationTests):
    """LangChain's standard retriever suite, none of its tests overridden."""

    @pytest.fixture(autouse=True)
    def _with_assistant(self, policy_assistant: PolicyAssistant) -> None:
        self._assistant = policy_assistant

    @property
    def retriever_constructor(self) -> type[PolicyRetriever]:
        return PolicyRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"policy_assistant": self._assistant}

    @property
    def retriever_query_example(self) -> str:
        return QUESTION


def test_documents_are_langchain_documents(policy_assistant: PolicyAssistant) -> None:
    docs = retriever(policy_assistant=policy_assistant).invoke("bijstand")
    assert all(isinstance(d, Document) for d in docs)
