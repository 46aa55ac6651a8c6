"""Sentence vectors: every quotable sentence of the corpus, embedded once at ingest.

Chunks are what search finds; sentences are what an answer quotes. :class:`SentenceStep` is an
index step (beside the chunks and the figures table) that splits every document into the same
sentences the answerer quotes (``assistant.sentences``), embeds them with the product embedder
(through the embedding cache) and stores ``sentences.parquet`` and ``sentence_vectors.npy`` in
the index version. At question time :class:`SentenceVectors` scores the sentences of the top
hits against the question vector, so an English question finds the Dutch sentence that answers
it even when no word is shared.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from assistant.sentences import Sentence, split_sentences, usable
from corpus import Document, Settings, read_stored_document
from ingest import Embedder, EmbeddingCache

SENTENCES_FILE = "sentences.parquet"
VECTORS_FILE = "sentence_vectors.npy"
META_FILE = "sentences_meta.json"
STEP_VERSION = "1"
_COLUMNS = ["doc_id", "page", "line_start", "line_end", "text"]


def document_sentences(doc: Document) -> list[tuple[int | None, Sentence]]:
    """The quotable sentences of a document, page by page (a sentence never crosses a page)."""
    pages: dict[int | None, list[tuple[int, str]]] = {}
    for sl in doc.lines:
        pages.setdefault(sl.page, []).append((sl.line, sl.text))
    return [
        (page, sentence)
        for page, lines in pages.items()
        for sentence in split_sentences(lines)
        if usable(sentence)
    ]


class SentenceStep:
    """Index step: split, embed and store the sentences; carry those of unchanged documents."""

    name = "sentences"
    version = STEP_VERSION

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder

    def build(
        self,
        version_dir: Path,
        new_docs: Sequence[Document],
        carried: Sequence[str],
        previous: Path | None,
    ) -> dict[str, Any]:
        frames: list[pd.DataFrame] = []
        vectors: list[np.ndarray] = []
        reuse: set[str] = set()
        if previous is not None and _compatible(previous, self.embedder.name):
            old = pd.read_parquet(previous / SENTENCES_FILE)
            old_vectors = np.load(previous / VECTORS_FILE)
            reuse = set(carried) & set(old["doc_id"])
            keep = old["doc_id"].isin(sorted(reuse)).to_numpy()
            frames.append(old[keep])
            vectors.append(old_vectors[keep])
        docs = list(new_docs)
        for doc_id in carried:
            if doc_id not in reuse:
                docs.append(read_stored_document(version_dir, doc_id))
        rows = [
            {
                "doc_id": doc.meta.doc_id,
                "page": page,
                "line_start": s.line_start,
                "line_end": s.line_end,
                "text": s.text,
            }
            for doc in docs
            for page, s in document_sentences(doc)
        ]
        if rows:
            cache = EmbeddingCache(
                self.settings.data_dir / "embed_cache.sqlite", self.embedder.name
            )
            self.embedder.warm_up()
            vectors.append(
                cache.embed(
                    [str(r["text"]) for r in rows],
                    self.embedder.embed_passages,
                    batch_size=self.settings.embedding.batch_size,
                )
            )
            frames.append(pd.DataFrame(rows, columns=_COLUMNS))
        non_empty = [f for f in frames if len(f)]
        frame = (
            pd.concat(non_empty, ignore_index=True) if non_empty else pd.DataFrame(columns=_COLUMNS)
        )
        frame["page"] = frame["page"].astype("Int64")
        matrix = (
            np.vstack([v for v in vectors if len(v)]).astype(np.float32)
            if any(len(v) for v in vectors)
            else np.zeros((0, 0), dtype=np.float32)
        )
        frame.to_parquet(version_dir / SENTENCES_FILE, index=False)
        np.save(version_dir / VECTORS_FILE, matrix)
        (version_dir / META_FILE).write_text(
            json.dumps({"step": STEP_VERSION, "embedder": self.embedder.name}), encoding="utf-8"
        )
        return {"sentences": len(frame)}


def _compatible(previous: Path, embedder: str) -> bool:
    meta = previous / META_FILE
    if not (meta.is_file() and (previous / SENTENCES_FILE).is_file()):
        return False
    info = json.loads(meta.read_text(encoding="utf-8"))
    return bool(info.get("step") == STEP_VERSION and info.get("embedder") == embedder)


class SentenceVectors:
    """The sentence table of one index version, with a lookup by document and lines."""

    def __init__(self, version_dir: Path) -> None:
        self.ready = (version_dir / SENTENCES_FILE).is_file()
        if not self.ready:
            self.frame = pd.DataFrame(columns=_COLUMNS)
            self.vectors = np.zeros((0, 0), dtype=np.float32)
            self._by_doc: dict[str, np.ndarray] = {}
            return
        self.frame = pd.read_parquet(version_dir / SENTENCES_FILE)
        self.vectors = np.load(version_dir / VECTORS_FILE)
        self._by_doc = {
            str(doc_id): np.asarray(idx)
            for doc_id, idx in self.frame.groupby("doc_id").indices.items()
        }
        self._starts = self.frame["line_start"].to_numpy()
        self._ends = self.frame["line_end"].to_numpy()

    def similarity(
        self, query: np.ndarray, doc_id: str, line_start: int, line_end: int
    ) -> float | None:
        """The best cosine of ``query`` with a stored sentence inside these lines (None when
        there is none): a quoted pair of sentences scores as its better half."""
        idx = self._by_doc.get(doc_id)
        if idx is None or not len(self.vectors):
            return None
        inside = idx[(self._starts[idx] >= line_start) & (self._ends[idx] <= line_end)]
        if not len(inside):
            return None
        return float((self.vectors[inside] @ query).max())
