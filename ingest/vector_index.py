"""The vector-index seam and its Chroma implementation (embedded or HTTP server).

Chroma never embeds anything itself: every call passes our own vectors, and collections
are created with ``embedding_function=None`` so no default (English, downloaded) model loads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from corpus import Settings

Metadata = Mapping[str, str | int | float | bool]
DEFAULT_DATABASE = "default_database"  # chromadb's own default
_BATCH = 1000


@dataclass(frozen=True, slots=True)
class VectorHit:
    id: str
    score: float  # cosine similarity, higher is better


class VectorIndex(Protocol):
    """A set of named collections of (id, vector, metadata)."""

    def upsert(
        self,
        collection: str,
        ids: Sequence[str],
        vectors: np.ndarray,
        metadatas: Sequence[Metadata],
    ) -> None: ...

    def query(
        self, collection: str, vector: np.ndarray, k: int, where: Mapping[str, Any] | None = None
    ) -> list[VectorHit]: ...

    def get_vectors(self, collection: str, ids: Sequence[str]) -> dict[str, np.ndarray]: ...

    def delete(self, collection: str, ids: Sequence[str]) -> None: ...

    def count(self, collection: str) -> int: ...

    def collections(self) -> list[str]: ...

    def drop(self, collection: str) -> None: ...


# Wide HNSW search and construction lists, built on one thread: with up to a few thousand
# chunks the dense search is then exact and the same on every build of the same corpus (with
# the defaults, two builds of one corpus ranked some chunks differently).
HNSW_CONFIG = {"space": "cosine", "ef_search": 512, "ef_construction": 512, "num_threads": 1}


def chroma_where(filters: Mapping[str, Any]) -> dict[str, Any] | None:
    """Translate ``{"year": 2019, "doc_id": "x"}`` into a Chroma ``where`` clause."""
    clauses = [{key: value} for key, value in filters.items() if value is not None]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class ChromaIndex:
    """Chroma through ``PersistentClient`` (embedded) or ``HttpClient`` (a `chroma run` server).

    The client is made on first use: chromadb takes seconds to import, and a command that
    finds nothing to do (an unchanged re-ingest) or reads only files never needs it.
    """

    def __init__(self, client: Any | Callable[[], Any]) -> None:
        self._client_value = None if callable(client) else client
        self._make_client = client if callable(client) else None
        self._lock = threading.Lock()
        self._handles: dict[str, Any] = {}  # collection name -> its handle (``_collection``)

    @property
    def _client(self) -> Any:
        if self._client_value is None:
            with self._lock:
                if self._client_value is None and self._make_client is not None:
                    self._client_value = self._make_client()
        return self._client_value

    @classmethod
    def embedded(cls, path: str) -> ChromaIndex:
        def connect() -> Any:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            return chromadb.PersistentClient(
                path=path, settings=ChromaSettings(anonymized_telemetry=False)
            )

        return cls(connect)

    @classmethod
    def http(cls, host: str, port: int, database: str = DEFAULT_DATABASE) -> ChromaIndex:
        def connect() -> Any:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            settings = ChromaSettings(anonymized_telemetry=False)
            if database != DEFAULT_DATABASE:
                admin = chromadb.AdminClient(
                    ChromaSettings(
                        anonymized_telemetry=False,
                        chroma_api_impl="chromadb.api.fastapi.FastAPI",
                        chroma_server_host=host,
                        chroma_server_http_port=port,
                    )
                )
                try:
                    admin.get_database(database)
                except Exception:  # chromadb raises its own NotFoundError types
                    admin.create_database(database)
            return chromadb.HttpClient(host=host, port=port, settings=settings, database=database)

        return cls(connect)

    def _collection(self, name: str) -> Any:
        """The collection's handle, asked of Chroma once per name: ``get_or_create_collection``
        reads Chroma's catalogue (a request to a server), ~1 ms of CPU embedded, and /ask
        queries the same collection (one per index version) every time."""
        handle = self._handles.get(name)
        if handle is None:
            handle = self._handles[name] = self._client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": HNSW_CONFIG}
            )
        return handle

    def upsert(
        self,
        collection: str,
        ids: Sequence[str],
        vectors: np.ndarray,
        metadatas: Sequence[Metadata],
    ) -> None:
        col = self._collection(collection)
        for start in range(0, len(ids), _BATCH):
            end = start + _BATCH
            col.upsert(
                ids=list(ids[start:end]),
                embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                metadatas=[dict(m) for m in metadatas[start:end]],
            )

    def query(
        self, collection: str, vector: np.ndarray, k: int, where: Mapping[str, Any] | None = None
    ) -> list[VectorHit]:
        """The ``k`` nearest ids (fewer when the collection holds fewer: an empty one gives
        none, chromadb 1.5 answers that without a count first)."""
        if k <= 0:
            return []
        try:
            result = self._query(self._collection(collection), vector, k, where)
        except Exception:  # chromadb's own NotFoundError types: dropped since it was kept
            self._handles.pop(collection, None)
            result = self._query(self._collection(collection), vector, k, where)
        ids, distances = result["ids"][0], result["distances"][0]
        return [VectorHit(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    @staticmethod
    def _query(col: Any, vector: np.ndarray, k: int, where: Mapping[str, Any] | None) -> Any:
        return col.query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=k,
            where=chroma_where(where or {}),
            include=["distances"],
        )

    def get_vectors(self, collection: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self._collection(collection).get(ids=list(ids), include=["embeddings"])
        return {
            i: np.asarray(e, dtype=np.float32)
            for i, e in zip(got["ids"], got["embeddings"], strict=True)
        }

    def delete(self, collection: str, ids: Sequence[str]) -> None:
        if ids:
            self._collection(collection).delete(ids=list(ids))

    def count(self, collection: str) -> int:
        if collection not in self.collections():
            return 0
        return int(self._collection(collection).count())

    def collections(self) -> list[str]:
        return [c.name if hasattr(c, "name") else str(c) for c in self._client.list_collections()]

    def drop(self, collection: str) -> None:
        self._handles.pop(collection, None)
        if collection in self.collections():
            self._client.delete_collection(collection)


def create_vector_index(settings: Settings) -> VectorIndex:
    if settings.index.backend == "http":
        index = settings.index
        return ChromaIndex.http(index.chroma_host, index.chroma_port, index.chroma_database)
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return ChromaIndex.embedded(str(path))
