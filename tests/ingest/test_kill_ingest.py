"""A real ``kill -9`` in the middle of an ingest leaves the previous version fully usable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ingest import FakeEmbedder, HybridRetriever, IndexStore, SearchIndex, create_vector_index
from tests.conftest import fake_settings

pytestmark = pytest.mark.integration


def _ingest_process(data: Path, corpus: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "POLICY_ASSISTANT_DATA_DIR": str(data),
        "POLICY_ASSISTANT_EMBEDDING__BACKEND": "fake",
        "POLICY_ASSISTANT_EMBEDDING__BATCH_SIZE": "4",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "ingest", str(corpus)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("kill_after", ["partial_dir", "early", "late"])
def test_kill_9_mid_ingest(tmp_path: Path, corpus_copy: Path, kill_after: str) -> None:
    data = tmp_path / "data"
    assert _ingest_process(data, corpus_copy).wait(timeout=300) == 0
    settings = fake_settings(data)
    store = IndexStore(data / "index", create_vector_index(settings))
    before = store.current()
    chunks_before = len(pd.read_parquet(before.path / "chunks.parquet"))

    # change every document so the next ingest has real work to do, then kill it
    for path in corpus_copy.glob("*.txt"):
        path.write_text(path.read_text(encoding="utf-8") + "\nExtra regel.\n", encoding="utf-8")
    proc = _ingest_process(data, corpus_copy)
    deadline = time.monotonic() + 120
    if kill_after == "partial_dir":
        while time.monotonic() < deadline and not list(
            (data / "index" / "versions").glob("*.partial")
        ):
            time.sleep(0.01)
    else:
        time.sleep(0.8 if kill_after == "early" else 2.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    current = store.current()
    if current.version == before.version:
        # the previous version is intact: every chunk in parquet, BM25 and Chroma
        assert len(pd.read_parquet(current.path / "chunks.parquet")) == chunks_before
        assert create_vector_index(settings).count(f"chunks-{before.version}") == chunks_before
    index = SearchIndex(
        settings, create_vector_index(settings), FakeEmbedder(settings.embedding.fake_dim)
    )
    hits = HybridRetriever(index, settings).search("loonkostensubsidie", k=3)
    assert len(hits) == 3

    # the next ingest completes, and nothing is lost
    assert _ingest_process(data, corpus_copy).wait(timeout=300) == 0
    final = store.current()
    frame = pd.read_parquet(final.path / "chunks.parquet")
    assert frame["quote"].str.contains("Extra regel.").sum() >= 5
    assert create_vector_index(settings).count(f"chunks-{final.version}") == len(frame)
    assert not list((data / "index" / "versions").glob("*.partial"))
