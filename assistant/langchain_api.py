"""The assistant for LangChain code: a retriever of citable passages and an ``ask`` Runnable.

Build them with the factories of the package (``from assistant import retriever, ask_runnable``);
langchain-core is imported here only, on first use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict, Field

from assistant.passage_search import cited_passages
from assistant.services import PolicyAssistant
from ingest import SearchFilters


class PolicyRetriever(BaseRetriever):
    """``retriever.invoke("vraag")``: the best citable passages as LangChain Documents.

    Each Document's ``page_content`` is the exact passage an answer would quote (a sentence or
    a few, a list or a table; a whole chunk only when too few passages stand out), and its
    ``metadata`` holds ``title``, ``municipality``, ``year``, ``doc_type``, ``doc_id``,
    ``source``, ``page``, ``line_start``, ``line_end``, ``score``, ``unit``, ``context`` and a
    ready ``citation`` string. ``k`` may also be given per call: ``invoke(query, k=2)``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    policy_assistant: PolicyAssistant = Field(description="The assistant whose index is searched.")
    k: int = Field(4, ge=1, le=100, description="Passages returned.")
    filters: SearchFilters = Field(
        default_factory=SearchFilters, description="Municipality, year, document type or id."
    )

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[Document]:
        passages = cited_passages(self.policy_assistant, query, k or self.k, self.filters)
        return [
            Document(
                page_content=p.text,
                metadata=p.metadata(),
                id=f"{p.doc_id}:{p.page or 0}:{p.line_start}-{p.line_end}",
            )
            for p in passages
        ]


def policy_retriever(
    policy_assistant: PolicyAssistant, k: int = 4, filters: SearchFilters | None = None
) -> PolicyRetriever:
    return PolicyRetriever(
        policy_assistant=policy_assistant, k=k, filters=filters or SearchFilters()
    )


def ask_chain(policy_assistant: PolicyAssistant) -> Runnable[Any, dict[str, Any]]:
    """A Runnable named ``ask``: a question in, the ``/ask`` response (a dict) out.

    Its input is a question; a dict ``{"question", "conversation_id", "filters"}`` as
    ``POST /api/v1/ask`` takes it; or a list of chat messages, whose last human message is
    the question and the earlier ones the conversation (as ``/v1/chat/completions`` reads it).
    """

    def ask(value: Any) -> dict[str, Any]:
        if isinstance(value, str):
            return policy_assistant.ask(value).to_dict()
        if isinstance(value, Mapping):
            filters = SearchFilters(**dict(value.get("filters") or {}))
            result = policy_assistant.ask(
                str(value["question"]), value.get("conversation_id"), filters
            )
            return result.to_dict()
        if isinstance(value, Sequence):
            return policy_assistant.ask_transcript(_human_texts(value)).to_dict()
        raise TypeError(f"ask takes a question, a dict or chat messages, not {type(value)!r}")

    return RunnableLambda(ask, name="ask")


def _human_texts(messages: Sequence[Any]) -> list[str]:
    texts: list[str] = []
    for message in messages:
        if isinstance(message, BaseMessage):
            if isinstance(message, HumanMessage):
                texts.append(str(message.text))
        elif isinstance(message, tuple) and message and message[0] in ("human", "user"):
            texts.append(str(message[1]))
    return texts
