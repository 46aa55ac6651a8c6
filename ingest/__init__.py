"""The ingest layer: embedders, the Chroma and BM25 indexes, versioned ingest, hybrid search.

Public entry points only; heavy libraries (torch, chromadb, bm25s) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ingest.embedding import Embedder, FakeEmbedder, create_embedder
from ingest.embedding.cache import EmbeddingCache
from ingest.lexical import BM25Index
from ingest.pipeline import FileResult, IndexStep, IngestReport, build_index, chunk_size_summary
from ingest.retrieval import (
    HybridRetriever,
    IndexSnapshot,
    SearchFilters,
    SearchHit,
    SearchIndex,
    top_k,
)
from ingest.store import IndexStore, read_document
from ingest.vector_index import ChromaIndex, VectorHit, VectorIndex, create_vector_index

if TYPE_CHECKING:
    from ingest.langchain_adapter import PolicyRetriever


def as_langchain_retriever(retriever: HybridRetriever, **kwargs: Any) -> PolicyRetriever:
    """Wrap the hybrid retriever as a LangChain ``BaseRetriever`` (imports langchain lazily)."""
    from ingest.langchain_adapter import as_langchain_retriever as _wrap

    return _wrap(retriever, **kwargs)


__all__ = [
    "BM25Index",
    "ChromaIndex",
    "Embedder",
    "EmbeddingCache",
    "FakeEmbedder",
    "FileResult",
    "HybridRetriever",
    "IndexSnapshot",
    "IndexStep",
    "IndexStore",
    "IngestReport",
    "SearchFilters",
    "SearchHit",
    "SearchIndex",
    "VectorHit",
    "VectorIndex",
    "as_langchain_retriever",
    "build_index",
    "chunk_size_summary",
    "create_embedder",
    "create_vector_index",
    "read_document",
    "top_k",
]
