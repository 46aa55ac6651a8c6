"""Incremental, safe ingest with the fake embedder and real embedded Chroma."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from corpus import Document, Settings
from ingest import IndexStore, SearchIndex, build_index, create_vector_index

pytestmark = pytest.mark.unit


def _statuses(report: Any) -> dict[str, str]:
    return {f.source: f.status for f in report.files}


def _collection_count(settings: Settings, version: str) -> int:
    return create_vector_index(settings).count(f"chunks-{version}")


def test_first_ingest_then_unchanged_is_skipped(settings: Settings, corpus_copy: Path) -> None:
    first = build_index(settings, [corpus_copy])
    assert set(_statuses(first).values()) == {"added"} and first.documents == 5
    assert _collection_count(settings, first.version or "") == first.chunks > 0
    second = build_index(settings, [corpus_copy])
    assert set(_statuses(second).values()) == {"unchanged"}
    assert second.version == first.version and second.embedded == 0


def test_changed_document_is_replaced_and_cache_reused(
    settings: Settings, corpus_copy: Path
) -> None:
    first = build_index(settings, [corpus_copy])
    target = corpus_copy / "003_9d2ec121fa2b4399.txt"
    target.write_text(
        target.read_text(encoding="utf-8") + "\nNieuwe slotzin over de sportdag.\n",
        encoding="utf-8",
    )
    second = build_index(settings, [corpus_copy])
    assert _statuses(second)["003_9d2ec121fa2b4399.txt"] == "updated"
    assert second.version != first.version
    # only the changed document's chunks were embedded again
    assert 0 < second.embedded <= 15 and second.cached > 400
    chunks = pd.read_parquet(
        settings.data_dir / "index" / "versions" / str(second.version) / "chunks.parquet"
    )
    letter = chunks[chunks.doc_id == "003_9d2ec121fa2b4399"]
    assert letter["quote"].str.contains("sportdag").any()
    assert len(chunks) == _collection_count(settings, second.version or "")


def test_prune_removes_documents_whose_files_are_gone(
    settings: Settings, corpus_copy: Path
) -> None:
    build_index(settings, [corpus_copy])
    (corpus_copy / "002_9a8395ceee984767.txt").unlink()
    kept = build_index(settings, [corpus_copy])
    assert (
        "002_9a8395ceee984767"
        in IndexStore(settings.data_dir / "index", create_vector_index(settings))
        .current()
        .manifest["documents"]
    )
    assert kept.documents == 5
    pruned = build_index(settings, [corpus_copy], prune=True)
    assert _statuses(pruned)["002_9a8395ceee984767.txt"] == "removed" and pruned.documents == 4
    chunks = pd.read_parquet(
        settings.data_dir / "index" / "versions" / str(pruned.version) / "chunks.parquet"
    )
    assert "002_9a8395ceee984767" not in set(chunks.doc_id)
    assert _collection_count(settings, pruned.version or "") == len(chunks)


def test_one_bad_file_does_not_stop_the_others(settings: Settings, corpus_copy: Path) -> None:
    (corpus_copy / "leeg.txt").write_bytes(b"")
    (corpus_copy / "kapot.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf")
    (corpus_copy / "binair.md").write_bytes(b"\x00\x01\x02\x03")
    report = build_index(settings, [corpus_copy])
    statuses = _statuses(report)
    assert statuses["leeg.txt"] == "failed" and statuses["kapot.pdf"] == "failed"
    assert statuses["binair.md"] == "failed"
    assert sum(s == "added" for s in statuses.values()) == 5 and report.documents == 5
    codes = {f.source: f.error_code for f in report.failed}
    assert codes["leeg.txt"] == "empty_document"


class _ExplodingStep:
    version = "1"
    name = "explode"

    def build(
        self,
        version_dir: Path,
        new_docs: Sequence[Document],
        carried: Sequence[str],
        previous: Path | None,
    ) -> dict[str, Any]:
        raise RuntimeError("crash in the middle of an ingest")


def test_crash_mid_ingest_keeps_previous_version(settings: Settings, corpus_copy: Path) -> None:
    first = build_index(settings, [corpus_copy])
    (corpus_copy / "nieuw.md").write_text(
        "# Nieuw\n\nEen nieuw document over beschut werk.\n", encoding="utf-8"
    )
    with pytest.raises(RuntimeError):
        build_index(settings, [corpus_copy], steps=[_ExplodingStep()])
    store = IndexStore(settings.data_dir / "index", create_vector_index(settings))
    assert store.current_version() == first.version
    assert not [p for p in store.versions_dir.iterdir() if p.name.endswith(".partial")]
    assert _collection_count(settings, first.version or "") == first.chunks
    # the next ingest completes and includes the new document
    again = build_index(settings, [corpus_copy])
    assert _statuses(again)["nieuw.md"] == "added" and again.documents == 6


def test_step_writes_into_the_same_version(settings: Settings, corpus_copy: Path) -> None:
    class _Recorder:
        version = "1"
        name = "recorder"

        def build(
            self,
            version_dir: Path,
            new_docs: Sequence[Document],
            carried: Sequence[str],
            previous: Path | None,
        ) -> dict[str, Any]:
            (version_dir / "recorded.json").write_text(
                json.dumps(sorted(d.meta.doc_id for d in new_docs))
            )
            return {"documents": len(new_docs)}

    report = build_index(settings, [corpus_copy], steps=[_Recorder()])
    version_dir = settings.data_dir / "index" / "versions" / str(report.version)
    assert len(json.loads((version_dir / "recorded.json").read_text())) == 5
    assert report.steps["recorder"] == {"documents": 5}


def test_search_index_follows_the_current_version(settings: Settings, corpus_copy: Path) -> None:
    from ingest import FakeEmbedder

    build_index(settings, [corpus_copy])
    index = SearchIndex(settings, create_vector_index(settings), FakeEmbedder())
    before = index.snapshot().version
    (corpus_copy / "nieuw.md").write_text("# Nieuw\n\nTekst.\n", encoding="utf-8")
    after = build_index(settings, [corpus_copy]).version
    assert index.snapshot().version == after != before
