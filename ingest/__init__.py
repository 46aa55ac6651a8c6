"""The ingest layer: embedders, the Chroma and BM25 indexes, versioned ingest, hybrid search.

Public entry points only; heavy libraries (torch, chromadb, bm25s) load on first use.
"""

from __future__ import annotations

from ingest.embedding import (
    Embedder,
    FakeEmbedder,
    common_words,
    create_embedder,
    is_common_word,
)
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
    "build_index",
    "chunk_size_summary",
    "common_words",
    "create_embedder",
    "create_vector_index",
    "is_common_word",
    "read_document",
    "top_k",
]
