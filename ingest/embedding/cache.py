"""Embedding cache by content hash, so a re-ingest does not embed unchanged text again."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ingest.embedding.protocol import Vectors


class EmbeddingCache:
    """SQLite table (model, sha256 of text) → float32 vector bytes."""

    def __init__(self, path: Path, model_name: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._model = model_name
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT, sha TEXT, vec BLOB, "
                "PRIMARY KEY (model, sha))"
            )
        self.hits = 0
        self.misses = 0

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def embed(
        self,
        texts: Sequence[str],
        compute: Callable[[list[str]], Vectors],
        *,
        batch_size: int = 32,
        on_batch: Callable[[int], None] | None = None,
        lengths: Callable[[list[str]], Sequence[int]] | None = None,
    ) -> Vectors:
        """Vectors for ``texts``: cached ones are read, the rest computed in batches and stored.

        The missing texts go to ``compute`` shortest first, by ``lengths`` (the embedder's
        token counts) where given, else by characters: a batch then pads to its own longest
        text. Characters are a poor stand-in for tokens (tables, figures): over the bundled
        corpus they left 19 % of the embedded positions padding, token counts 3 %."""
        keys = [self.key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._connect() as db:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT sha, vec FROM vectors WHERE model=? AND sha IN ({marks})",
                    [self._model, *chunk],
                )
                found.update({sha: np.frombuffer(vec, dtype=np.float32) for sha, vec in rows})
        by_key = dict(zip(keys, texts, strict=True))
        # by length, so each batch pads to its own longest text (not a random long one)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if lengths is not None and missing:
            size = dict(zip(missing, lengths([by_key[k] for k in missing]), strict=True))
            missing.sort(key=lambda k: size[k])
        else:
            missing.sort(key=lambda k: len(by_key[k]))
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        for start in range(0, len(missing), batch_size):
            batch = missing[start : start + batch_size]
            vectors = compute([by_key[k] for k in batch])
            with self._connect() as db:
                db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                    [
                        (self._model, k, v.astype(np.float32).tobytes())
                        for k, v in zip(batch, vectors, strict=True)
                    ],
                )
            found.update(dict(zip(batch, vectors, strict=True)))
            if on_batch:
                on_batch(len(batch))
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([found[k] for k in keys]).astype(np.float32)
