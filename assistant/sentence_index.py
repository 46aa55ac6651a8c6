"""Quotable units: every sentence, list and table of the corpus, embedded once at ingest.

Chunks are what search finds; units are what an answer quotes. :class:`SentenceStep` is an
index step (beside the chunks and the figures table) that splits every document into the same
sentences the answerer quotes (``assistant.sentences``) and the lists and tables beside them
(``assistant.blocks``), each with the headings it stands under (its ``context``), embeds
"context: text" with the product embedder (through the embedding cache) and stores
``sentences.parquet`` and ``sentence_vectors.npy`` in the index version. At question time
:class:`SentenceVectors` finds units near the question vector anywhere in the corpus and scores
the units of the top hits, so an English question finds the Dutch sentence that answers it
even when no word is shared.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from assistant.blocks import find_blocks, heading_contexts
from assistant.quotes import split_long
from assistant.sentences import Sentence, double_spaced, split_sentences, usable
from assistant.unit_lexicon import UnitLexicon
from corpus import Document, Settings, read_stored_document
from ingest import Embedder, EmbeddingCache, top_k

SENTENCES_FILE = "sentences.parquet"
VECTORS_FILE = "sentence_vectors.npy"
META_FILE = "sentences_meta.json"
STEP_VERSION = "7"
_COLUMNS = ["doc_id", "page", "line_start", "line_end", "text", "kind", "context"]


def document_units(doc: Document) -> list[dict[str, Any]]:
    """The quotable sentences, lists and tables of a document, each with its heading context
    (and the lead of a list it continues), none over ``QUOTE_CHARS``. A unit may run on over a
    page break (the document's line numbers are unique; ``page`` is its first line's)."""
    every = [(sl.line, sl.text) for sl in doc.lines]
    headings = heading_contexts(every, [sl.level for sl in doc.lines])
    spaced = double_spaced(every)
    contexts = {sl.line: h for sl, h in zip(doc.lines, headings, strict=True)}
    pages = {sl.line: sl.page for sl in doc.lines}
    collapsed = {n: " ".join(t.split()) for n, t in every}
    found: list[tuple[str, Sentence, str]] = [
        ("sentence", s, "") for s in split_sentences(every, spaced) if usable(s)
    ]
    found += [("block", b.sentence, b.lead) for b in find_blocks(every, spaced)]
    rows: list[dict[str, Any]] = []
    for kind, whole, lead in found:
        for unit in split_long(whole, collapsed):
            context = contexts.get(unit.line_start, "")
            if lead and lead not in unit.text:
                context = f"{context} {lead}".strip()
            rows.append(
                {
                    "doc_id": doc.meta.doc_id,
                    "page": pages.get(unit.line_start),
                    "line_start": unit.line_start,
                    "line_end": unit.line_end,
                    "text": unit.text,
                    "kind": kind,
                    "context": context,
                }
            )
    return rows


def embedding_text(text: str, context: str) -> str:
    """What is embedded for a unit: its headings, then its text."""
    return f"{context}: {text}" if context else text


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
        started = time.perf_counter()
        rows = [row for doc in docs for row in document_units(doc)]
        split_s = time.perf_counter() - started
        if rows:
            cache = EmbeddingCache(
                self.settings.data_dir / "embed_cache.sqlite", self.embedder.name
            )
            self.embedder.warm_up()
            vectors.append(
                cache.embed(
                    [embedding_text(str(r["text"]), str(r["context"])) for r in rows],
                    self.embedder.embed_passages,
                    batch_size=self.settings.embedding.batch_size,
                    lengths=getattr(self.embedder, "passage_lengths", None),
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
        return {
            "sentences": len(frame),
            "seconds": {
                "split": round(split_s, 2),
                "embed": round(time.perf_counter() - started - split_s, 2),
            },
        }


def _compatible(previous: Path, embedder: str) -> bool:
    meta = previous / META_FILE
    if not (meta.is_file() and (previous / SENTENCES_FILE).is_file()):
        return False
    info = json.loads(meta.read_text(encoding="utf-8"))
    return bool(info.get("step") == STEP_VERSION and info.get("embedder") == embedder)


class SentenceVectors:
    """The unit table of one index version: lookups by document and lines, and the units
    nearest a question vector anywhere in the corpus."""

    def __init__(self, version_dir: Path | None, frame: pd.DataFrame | None = None) -> None:
        self.ready = version_dir is not None and (version_dir / SENTENCES_FILE).is_file()
        if version_dir is not None and self.ready:
            self.frame = pd.read_parquet(version_dir / SENTENCES_FILE)
            self.vectors = np.load(version_dir / VECTORS_FILE)
        else:
            self.frame = frame if frame is not None else pd.DataFrame(columns=_COLUMNS)
            self.vectors = np.zeros((0, 0), dtype=np.float32)
        for column in ("kind", "context"):
            if column not in self.frame:
                self.frame[column] = "sentence" if column == "kind" else ""
        self._by_doc: dict[str, np.ndarray] = {
            str(doc_id): np.asarray(idx)
            for doc_id, idx in self.frame.groupby("doc_id").indices.items()
        }
        self._starts = self.frame["line_start"].to_numpy()
        self._ends = self.frame["line_end"].to_numpy()
        pages = self.frame["page"]
        self._pages = pages.fillna(-1).astype(int).to_numpy() if len(pages) else np.zeros(0)
        self.texts: list[str] = self.frame["text"].astype(str).tolist()
        self.contexts: list[str] = self.frame["context"].fillna("").astype(str).tolist()
        self.kinds: list[str] = self.frame["kind"].astype(str).tolist()
        self.doc_ids: list[str] = self.frame["doc_id"].astype(str).tolist()
        # every unit's place as Python values, made once: a question asks some 2,000 of them
        # (runs, candidate spans), and reading four numpy scalars each time cost ~5 ms of CPU
        self._places: list[tuple[str, int | None, int, int]] = [
            (doc_id, None if page < 0 else int(page), int(start), int(end))
            for doc_id, page, start, end in zip(
                self.doc_ids,
                self._pages.tolist(),
                self._starts.tolist(),
                self._ends.tolist(),
                strict=True,
            )
        ]
        # each unit's document as a small integer: "only these documents" is then one
        # comparison of integers per unit, not of strings
        codes, names = pd.factorize(pd.Series(self.doc_ids, dtype=object))
        self._doc_codes = np.asarray(codes, dtype=np.int64)
        self._doc_code = {str(name): n for n, name in enumerate(names)}
        self._lexicon: UnitLexicon | None = None

    def lexicon(self) -> UnitLexicon:
        """The units by their stems (built on first use)."""
        if self._lexicon is None:
            self._lexicon = UnitLexicon(self.texts, self.contexts)
        return self._lexicon

    @classmethod
    def from_documents(cls, docs: Sequence[Document]) -> SentenceVectors:
        """The units of ``docs`` without vectors (an index version built without this step)."""
        rows = [row for doc in docs for row in document_units(doc)]
        return cls(None, pd.DataFrame(rows, columns=_COLUMNS))

    def __len__(self) -> int:
        return len(self.texts)

    def within(self, doc_id: str, first: int, last: int, page: int | None = None) -> list[int]:
        """Units of a document that lie inside lines ``first..last``, in order. (A document's
        line numbers are unique, so ``page`` is not needed; a unit may run on to a later
        page.)"""
        idx = self._by_doc.get(doc_id)
        if idx is None:
            return []
        keep = (self._starts[idx] >= first) & (self._ends[idx] <= last)
        return [int(i) for i in idx[keep]]

    def place(self, i: int) -> tuple[str, int | None, int, int]:
        """A unit's document, first page (None when unpaged), first and last line."""
        return self._places[i]

    def scores(self, query: np.ndarray) -> np.ndarray:
        """The cosine of ``query`` with every unit (one BLAS matrix-vector product: run on one
        thread once the answerer is warm, ``one_blas_thread``)."""
        if not len(self.vectors):
            return np.zeros(len(self.texts), dtype=np.float32)
        return np.asarray(self.vectors @ query, dtype=np.float32)

    def of_documents(self, doc_ids: Iterable[str]) -> np.ndarray:
        """Which units belong to ``doc_ids`` (a mask over every unit): one comparison of
        integers per unit, not of strings."""
        codes = [self._doc_code[d] for d in doc_ids if d in self._doc_code]
        return np.isin(self._doc_codes, np.asarray(codes, dtype=np.int64))

    def nearest(self, scores: np.ndarray, k: int, doc_ids: set[str] | None = None) -> list[int]:
        """The ``k`` best-scoring units, only of ``doc_ids`` when given."""
        if not len(scores) or k <= 0:
            return []
        if doc_ids is not None:
            scores = np.where(self.of_documents(doc_ids), scores, -np.inf)
        return [int(i) for i in top_k(scores, k) if np.isfinite(scores[i])]


def one_blas_thread() -> None:
    """Run numpy's BLAS on one thread in this process from now on (every BLAS library loaded).

    The one product /ask makes with it (``SentenceVectors.scores``: some 4,000 units x 384)
    takes 0.1-0.5 ms on one thread; on two, with the cores shared (other workers, other
    processes), the calling thread spins until the second one gets a core: 8-13 ms of CPU per
    question (bench/results/ask_profile_s9-after.md). A server answers several requests at
    once in any case. One thread also makes the cosines the same on every machine: how a
    product is split over threads changes the last bit of a few of them."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
