"""A deterministic, discriminative fake: a hashed bag of words.

Texts that share words get a higher cosine, so a test can predict the ranking. It is not a
constant vector, and it needs no model.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from ingest.embedding.protocol import Vectors

_WORD = re.compile(r"\w+", re.UNICODE)


def _bucket(token: str, dim: int) -> tuple[int, float]:
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dim, 1.0 if (value >> 63) & 1 else -1.0


class FakeEmbedder:
    """Hashing bag-of-words embedder for unit tests (feature hashing with signs)."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"fake-hashing-{dim}"

    def warm_up(self) -> None:
        return None

    def _embed(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _WORD.findall(text.lower()):
                index, sign = _bucket(token, self.dim)
                out[row, index] += sign
            norm = float(np.linalg.norm(out[row]))
            if norm > 0:
                out[row] /= norm
            else:
                out[row, 0] = 1.0
        return out

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._embed(texts)

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._embed(texts)
