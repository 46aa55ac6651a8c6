"""Hybrid retrieval over the bundled corpus with the deterministic fake embedder."""

from __future__ import annotations

import pytest

from corpus import Settings
from ingest import (
    FakeEmbedder,
    HybridRetriever,
    SearchFilters,
    SearchIndex,
    create_vector_index,
)

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def retriever(built_fake_index: Settings) -> HybridRetriever:
    index = SearchIndex(
        built_fake_index,
        create_vector_index(built_fake_index),
        FakeEmbedder(built_fake_index.embedding.fake_dim),
    )
    return HybridRetriever(index, built_fake_index)


def test_lks_question_finds_the_2024_contract_figures(retriever: HybridRetriever) -> None:
    hits = retriever.search("hoeveel loonkostensubsidie contracten gestart", k=5)
    assert any(
        h.source == "001_2e26a5924f710f99.txt" and h.line_start <= 89 <= h.line_end for h in hits
    )
    for hit in hits:
        assert hit.text.splitlines()[0] in (hit.text,) or hit.line_end >= hit.line_start


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_k_is_respected_and_scores_descend(retriever: HybridRetriever, mode: str) -> None:
    hits = retriever.search("bijstandsuitkering uitstroom naar werk", k=7, mode=mode)  # type: ignore[arg-type]
    assert len(hits) == 7
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        (SearchFilters(municipality="hengelo"), lambda h: h.municipality == "Hengelo"),
        (SearchFilters(year=2023), lambda h: h.year == 2023),
        (SearchFilters(doc_type="beleidskader"), lambda h: h.doc_type == "beleidskader"),
        (
            SearchFilters(doc_id="000_8b61c92ddb7f1bd9"),
            lambda h: h.doc_id == "000_8b61c92ddb7f1bd9",
        ),
    ],
)
def test_filters_apply_to_both_retrievers(
    retriever: HybridRetriever, filters: SearchFilters, check: object
) -> None:
    for mode in ("hybrid", "bm25", "dense"):
        hits = retriever.search("werk en inkomen participatie", k=10, filters=filters, mode=mode)  # type: ignore[arg-type]
        assert hits and all(check(h) for h in hits)  # type: ignore[operator]


def test_filter_matching_nothing_returns_nothing(retriever: HybridRetriever) -> None:
    assert retriever.search("participatie", filters=SearchFilters(municipality="Almelo")) == []


def test_synonyms_bridge_the_question_and_the_text(retriever: HybridRetriever) -> None:
    # the question says "loonkostensubsidie", the passage only "LKS"
    hits = retriever.search("loonkostensubsidie lopende contracten", k=10, mode="bm25")
    assert any("LKS" in h.text for h in hits[:3])


def test_hybrid_ranks_a_passage_found_by_both_above_one_found_by_one(
    retriever: HybridRetriever,
) -> None:
    hits = retriever.search("Gestarte contracten LKS", k=10)
    both = [h for h in hits if h.bm25_rank and h.dense_rank]
    assert both and hits[0].bm25_rank is not None and hits[0].dense_rank is not None


@pytest.mark.unit
def test_top_k_is_the_stable_argsort_head() -> None:
    """top_k picks what a full stable sort picks, ties at the cut included (issue #20: the
    BM25 and unit rankings no longer sort every score of the corpus per question)."""
    import numpy as np

    from ingest import top_k

    rng = np.random.default_rng(7)
    for size in (1, 5, 50, 1000):
        for _ in range(20):
            scores = rng.integers(0, 6, size).astype(np.float32)  # many ties
            scores[rng.random(size) < 0.2] = -np.inf
            for k in (0, 1, 3, 10, size, size + 5):
                expected = np.argsort(-scores, kind="stable")[:k]
                assert top_k(scores, k).tolist() == expected.tolist()


def test_a_hit_reads_its_chunk_as_the_row_of_the_table(retriever: HybridRetriever) -> None:
    """``IndexSnapshot.record`` (the columns as lists, made once per version) gives every
    chunk's fields as pandas' row selection did, and a hit its ranks in both retrievers."""
    import pandas as pd

    from ingest.retrieval import HIT_COLUMNS

    snap = retriever.index.snapshot()
    for pos in range(len(snap.chunks)):
        row = snap.chunks.iloc[pos]
        record = snap.record(pos)
        assert list(record) == list(HIT_COLUMNS)
        for column in HIT_COLUMNS:
            if pd.isna(row[column]):
                assert pd.isna(record[column])
            else:
                assert record[column] == row[column] and str(record[column]) == str(row[column])
    query = "bijstandsuitkering uitstroom naar werk"
    for hit in retriever.search(query, k=10):
        for mode, rank in (("bm25", hit.bm25_rank), ("dense", hit.dense_rank)):
            alone = [h.chunk_id for h in retriever.search(query, k=50, mode=mode)]  # type: ignore[arg-type]
            if rank is not None and rank <= len(alone):
                assert alone[rank - 1] == hit.chunk_id
