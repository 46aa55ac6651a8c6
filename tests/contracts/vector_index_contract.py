"""The contract every VectorIndex implementation passes. Subclass and provide ``index``."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from ingest import VectorIndex


def _vectors(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


class VectorIndexContract:
    @pytest.fixture
    def index(self) -> VectorIndex:  # pragma: no cover - provided by subclasses
        raise NotImplementedError

    @pytest.fixture
    def twin(self) -> VectorIndex:  # pragma: no cover - provided by subclasses
        """Another client of the same store (another process, another machine)."""
        raise NotImplementedError

    @pytest.fixture
    def name(self) -> str:
        return f"chunks-test-{uuid.uuid4().hex[:8]}"

    def _fill(self, index: VectorIndex, name: str, n: int = 6) -> np.ndarray:
        vectors = _vectors(n)
        metas = [
            {"doc_id": f"d{i % 2}", "year": 2019 + (i % 3), "municipality": "Enschede"}
            for i in range(n)
        ]
        index.upsert(name, [f"c{i}" for i in range(n)], vectors, metas)
        return vectors

    def test_empty_index_returns_nothing(self, index: VectorIndex, name: str) -> None:
        assert index.count(name) == 0
        assert index.query(name, _vectors(1)[0], k=5) == []

    def test_a_collection_another_client_dropped_is_queried_as_an_empty_one(
        self, index: VectorIndex, twin: VectorIndex, name: str
    ) -> None:
        vectors = self._fill(index, name)
        assert index.query(name, vectors[0], k=2)  # the index now knows the collection
        twin.drop(name)
        assert index.query(name, vectors[0], k=2) == []

    def test_nearest_is_itself(self, index: VectorIndex, name: str) -> None:
        vectors = self._fill(index, name)
        hits = index.query(name, vectors[3], k=3)
        assert hits[0].id == "c3" and hits[0].score == pytest.approx(1.0, abs=1e-4)
        assert hits[0].score >= hits[1].score >= hits[2].score

    def test_upsert_is_idempotent(self, index: VectorIndex, name: str) -> None:
        self._fill(index, name)
        self._fill(index, name)
        assert index.count(name) == 6

    def test_delete_propagates(self, index: VectorIndex, name: str) -> None:
        vectors = self._fill(index, name)
        index.delete(name, ["c3"])
        assert index.count(name) == 5
        assert all(hit.id != "c3" for hit in index.query(name, vectors[3], k=6))
        index.drop(name)
        assert name not in index.collections() and index.count(name) == 0

    def test_metadata_filters(self, index: VectorIndex, name: str) -> None:
        vectors = self._fill(index, name)
        hits = index.query(name, vectors[0], k=6, where={"doc_id": "d1"})
        assert hits and {h.id for h in hits} == {"c1", "c3", "c5"}
        hits = index.query(name, vectors[0], k=6, where={"doc_id": "d0", "year": 2019})
        assert {h.id for h in hits} == {"c0"}

    def test_k_is_respected(self, index: VectorIndex, name: str) -> None:
        vectors = self._fill(index, name)
        assert len(index.query(name, vectors[0], k=2)) == 2
        assert len(index.query(name, vectors[0], k=50)) == 6

    def test_vectors_round_trip(self, index: VectorIndex, name: str) -> None:
        vectors = self._fill(index, name)
        got = index.get_vectors(name, ["c2"])
        assert np.allclose(got["c2"], vectors[2], atol=1e-5)
