"""The hybrid retriever as a LangChain ``BaseRetriever`` (langchain imports stay in here)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from corpus import locate
from ingest.retrieval import HybridRetriever, SearchFilters


class PolicyRetriever(BaseRetriever):
    """``retriever.invoke("vraag")`` returns LangChain documents with exact coordinates."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    hybrid: Any
    k: int = 5
    filters: SearchFilters = SearchFilters()

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        retriever: HybridRetriever = self.hybrid
        hits = retriever.search(query, k=self.k, filters=self.filters)
        snap = retriever.index.snapshot()
        out = []
        for hit in hits:
            metadata = {k: v for k, v in hit.to_dict().items() if k not in ("text", "clean_text")}
            doc = snap.document(hit.doc_id)
            if doc is not None:  # the place as a citation names it (a PDF: line on its page)
                where = locate(doc, hit.line_start, hit.line_end)
                metadata.update(
                    page=where.page,
                    page_end=where.page_end,
                    line_start=where.line_start,
                    line_end=where.line_end,
                )
            out.append(LCDocument(page_content=hit.text, metadata=metadata, id=hit.chunk_id))
        return out


def as_langchain_retriever(
    retriever: HybridRetriever, k: int = 5, filters: SearchFilters | None = None
) -> PolicyRetriever:
    return PolicyRetriever(hybrid=retriever, k=k, filters=filters or SearchFilters())
