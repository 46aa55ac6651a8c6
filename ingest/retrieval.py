"""Hybrid retrieval: BM25 and dense results fused (RRF or weighted), with metadata filters.

:class:`SearchIndex` holds the loaded current version and reloads it when ``CURRENT`` moves,
so a query never sees a half-built version. :class:`HybridRetriever` answers queries.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import numpy as np
import pandas as pd

from corpus import SAFE_ACCESS, Document, Settings
from ingest.embedding import Embedder
from ingest.lexical import BM25Index
from ingest.store import IndexStore, VersionInfo, collection_name, read_document
from ingest.vector_index import VectorIndex

QUERY_VECTORS_KEPT = 64
BM25_SCORES_KEPT = 16  # (index version, query) -> every chunk's BM25 score
MASKS_KEPT = 256  # filter masks kept per version
# the chunk columns a search hit reads (``IndexSnapshot.record``)
HIT_COLUMNS = ("chunk_id", "doc_id", "page", "line_start", "line_end", "section", "quote", "text")

Mode = Literal["hybrid", "bm25", "dense"]
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class SearchFilters:
    municipality: str | None = None
    year: int | None = None
    doc_type: str | None = None
    doc_id: str | None = None
    access: tuple[str, ...] | None = None  # allowed access levels; None = all

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and k != "access"}


@dataclass(slots=True)
class SearchHit:
    chunk_id: str
    doc_id: str
    title: str
    source: str
    municipality: str | None
    doc_type: str
    year: int | None
    page: int | None
    line_start: int
    line_end: int
    section: str
    text: str
    clean_text: str
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class IndexSnapshot:
    """One loaded, complete index version."""

    def __init__(self, info: VersionInfo) -> None:
        self.version = info.version
        self.path = info.path
        self.manifest = info.manifest
        self.documents: dict[str, dict[str, Any]] = info.manifest["documents"]
        self.chunks = pd.read_parquet(info.path / "chunks.parquet")
        self.chunks["pos"] = np.arange(len(self.chunks))
        meta = pd.DataFrame.from_dict(self.documents, orient="index")
        for column in ("municipality", "doc_type", "year", "access", "title", "source"):
            mapping = meta[column].to_dict() if column in meta else {}
            self.chunks[f"doc_{column}"] = self.chunks["doc_id"].map(mapping)
        self.bm25 = BM25Index.load(info.path / "bm25")
        self.collection = collection_name(info.version)
        self._documents: dict[str, Document | None] = {}
        self._positions = dict(zip(self.chunks["chunk_id"], self.chunks["pos"], strict=True))
        self._masks: dict[tuple[Any, ...], np.ndarray] = {}
        self._columns: dict[str, list[Any]] | None = None

    def record(self, pos: int) -> dict[str, Any]:
        """The ``HIT_COLUMNS`` of the chunk at ``pos``, from the columns as lists (made once
        per version): pandas' selection of one row (``chunks.iloc[pos]``, a Series of mixed
        types) cost ~0.2 ms per hit, 20 hits per question."""
        columns = self._columns
        if columns is None:
            columns = self._columns = {c: self.chunks[c].tolist() for c in HIT_COLUMNS}
        return {c: values[pos] for c, values in columns.items()}

    def position(self, chunk_id: str) -> int | None:
        return self._positions.get(chunk_id)

    def document(self, doc_id: str) -> Document | None:
        """A document's stored text (read once per version; the version never changes)."""
        if doc_id not in self.documents:
            return None
        if doc_id not in self._documents:
            self._documents[doc_id] = read_document(self.path, doc_id)
        return self._documents[doc_id]

    def mask(self, filters: SearchFilters) -> np.ndarray:
        """The chunks these filters keep (computed once per filters and version: every
        request with auth on filters by access, and the answer asks it several times)."""
        key = (filters.municipality, filters.year, filters.doc_type, filters.doc_id, filters.access)
        found = self._masks.get(key)
        if found is None:
            if len(self._masks) >= MASKS_KEPT:
                self._masks.clear()
            found = self._masks[key] = self._mask(filters)
            found.flags.writeable = False
        return found

    def _mask(self, filters: SearchFilters) -> np.ndarray:
        frame = self.chunks
        keep = np.ones(len(frame), dtype=bool)
        if filters.municipality:
            keep &= (
                frame["doc_municipality"].fillna("").str.lower().to_numpy()
                == filters.municipality.lower()
            )
        if filters.year is not None:
            keep &= frame["doc_year"].fillna(-1).astype(int).to_numpy() == int(filters.year)
        if filters.doc_type:
            keep &= frame["doc_doc_type"].fillna("").to_numpy() == filters.doc_type
        if filters.doc_id:
            keep &= frame["doc_id"].to_numpy() == filters.doc_id
        if filters.access is not None:
            keep &= frame["doc_access"].fillna(SAFE_ACCESS).isin(list(filters.access)).to_numpy()
        return keep


class SearchIndex:
    """The current index version, reloaded when another process switches ``CURRENT``."""

    def __init__(self, settings: Settings, vectors: VectorIndex, embedder: Embedder) -> None:
        self.settings = settings
        self.vectors = vectors
        self.embedder = embedder
        self.store = IndexStore(settings.data_dir / "index", vectors)
        self._snapshot: IndexSnapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> IndexSnapshot:
        version = self.store.current_version()
        current = self._snapshot
        if current is not None and current.version == version:
            return current
        with self._lock:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = IndexSnapshot(self.store.current())
            return self._snapshot

    def ready(self) -> bool:
        return self.store.current_version() is not None


class HybridRetriever:
    """BM25 + dense retrieval fused with reciprocal-rank fusion (or weighted scores)."""

    def __init__(self, index: SearchIndex, settings: Settings) -> None:
        self.index = index
        self.settings = settings.retrieval
        self._query_vectors: Recent[str, np.ndarray] = Recent(QUERY_VECTORS_KEPT)
        self._bm25_scores: Recent[tuple[str, str], np.ndarray] = Recent(BM25_SCORES_KEPT)

    def query_vector(self, query: str) -> np.ndarray:
        """The query's embedding; the last few are kept, since one question is searched twice
        and then matched against sentence vectors."""
        return self._query_vectors.get(query, lambda: self._embed_query(query))

    def _embed_query(self, query: str) -> np.ndarray:
        self.index.embedder.warm_up()
        return self.index.embedder.embed_queries([query])[0]

    def search(
        self, query: str, k: int = 10, filters: SearchFilters | None = None, mode: Mode = "hybrid"
    ) -> list[SearchHit]:
        snap = self.index.snapshot()
        filters = filters or SearchFilters()
        keep = snap.mask(filters)
        if not keep.any() or k <= 0:
            return []
        n = self.settings.candidates
        bm25_ranked = self._bm25(snap, query, keep, n) if mode != "dense" else []
        dense_ranked = self._dense(snap, query, keep, filters, n) if mode != "bm25" else []
        fused = self._fuse(bm25_ranked, dense_ranked, mode)
        bm25_ranks = _ranks_of(bm25_ranked)
        dense_ranks = _ranks_of(dense_ranked)
        return [
            self._hit(snap, pos, score, bm25_ranks.get(pos), dense_ranks.get(pos))
            for pos, score in fused[:k]
        ]

    def _bm25_all(self, snap: IndexSnapshot, query: str) -> np.ndarray:
        """Every chunk's BM25 score for ``query`` (read-only); the last few are kept per index
        version, since /ask searches one question twice (hybrid, then BM25 alone)."""
        return self._bm25_scores.get(
            (snap.version, query), lambda: _read_only(snap.bm25.scores(query))
        )

    def _bm25(
        self, snap: IndexSnapshot, query: str, keep: np.ndarray, n: int
    ) -> list[tuple[int, float]]:
        scores = self._bm25_all(snap, query)
        if scores.size == 0:
            return []
        scores = np.where(keep, scores, 0.0)
        return [(int(i), float(scores[i])) for i in top_k(scores, n) if scores[i] > 0]

    def _dense(
        self, snap: IndexSnapshot, query: str, keep: np.ndarray, filters: SearchFilters, n: int
    ) -> list[tuple[int, float]]:
        vector = self.query_vector(query)
        where: dict[str, Any] = {}
        if filters.doc_id:
            where["doc_id"] = filters.doc_id
        if filters.year is not None:
            where["year"] = int(filters.year)
        if filters.doc_type:
            where["doc_type"] = filters.doc_type
        if filters.access is not None:  # so forbidden chunks do not crowd out allowed ones
            where["access"] = {"$in": list(filters.access)}
        hits = self.index.vectors.query(snap.collection, vector, n * 2 if not where else n, where)
        ranked = []
        for hit in hits:
            pos = snap.position(hit.id)
            if pos is not None and keep[pos]:
                ranked.append((pos, hit.score))
        return ranked[:n]

    def _fuse(
        self, bm25: list[tuple[int, float]], dense: list[tuple[int, float]], mode: Mode
    ) -> list[tuple[int, float]]:
        if mode == "bm25":
            return _normalise(bm25)
        if mode == "dense":
            return dense
        s = self.settings
        fused: dict[int, float] = {}
        if s.fusion == "rrf":
            for weight, ranked in ((s.bm25_weight, bm25), (s.dense_weight, dense)):
                for rank, (pos, _) in enumerate(ranked, start=1):
                    fused[pos] = fused.get(pos, 0.0) + weight / (s.rrf_k + rank)
            top = (s.bm25_weight + s.dense_weight) / (s.rrf_k + 1)
            return sorted(((p, v / top) for p, v in fused.items()), key=lambda t: -t[1])
        for weight, ranked in (
            (s.bm25_weight, _normalise(bm25)),
            (s.dense_weight, _normalise(dense)),
        ):
            for pos, value in ranked:
                fused[pos] = fused.get(pos, 0.0) + weight * value
        total = s.bm25_weight + s.dense_weight or 1.0
        return sorted(((p, v / total) for p, v in fused.items()), key=lambda t: -t[1])

    @staticmethod
    def _hit(
        snap: IndexSnapshot,
        pos: int,
        score: float,
        bm25_rank: int | None,
        dense_rank: int | None,
    ) -> SearchHit:
        row = snap.record(pos)
        doc = snap.documents[row["doc_id"]]
        page = row["page"]
        return SearchHit(
            chunk_id=str(row["chunk_id"]),
            doc_id=str(row["doc_id"]),
            title=str(doc.get("title", "")),
            source=str(doc.get("source", "")),
            municipality=doc.get("municipality"),
            doc_type=str(doc.get("doc_type", "")),
            year=doc.get("year"),
            page=None if pd.isna(page) else int(page),
            line_start=int(row["line_start"]),
            line_end=int(row["line_end"]),
            section=str(row["section"]),
            text=str(row["quote"]),
            clean_text=str(row["text"]),
            score=round(float(score), 4),
            bm25_rank=bm25_rank,
            dense_rank=dense_rank,
        )


def _ranks_of(ranked: list[tuple[int, float]]) -> dict[int, int]:
    """Position -> its 1-based rank in ``ranked`` (the first place it holds)."""
    ranks: dict[int, int] = {}
    for rank, (pos, _) in enumerate(ranked, start=1):
        ranks.setdefault(pos, rank)
    return ranks


class Recent(Generic[K, V]):
    """The values made for the last ``size`` keys, the least recently asked dropped first;
    safe across threads (a value is made outside the lock, so two threads asking a new key at
    once may both make it, and one is kept)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value


def _read_only(values: np.ndarray) -> np.ndarray:
    values.flags.writeable = False
    return values


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, highest first, equal scores by position: what
    ``np.argsort(-scores, kind="stable")[:k]`` gives, without sorting every score."""
    n = len(scores)
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if k >= n:
        return np.argsort(-scores, kind="stable")
    threshold = scores[np.argpartition(-scores, k - 1)[:k]].min()  # the k-th highest
    above = np.flatnonzero(scores > threshold)
    ties = np.flatnonzero(scores == threshold)[: k - len(above)]
    chosen = np.concatenate([above, ties])
    return chosen[np.argsort(-scores[chosen], kind="stable")]


def _normalise(ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    if not ranked:
        return []
    top = max(v for _, v in ranked) or 1.0
    return [(p, v / top) for p, v in ranked]


def snapshot_path(index: SearchIndex) -> Path:
    return index.snapshot().path
