"""The index contract against embedded Chroma and against a real `chroma run` server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import ChromaIndex, VectorIndex
from tests.contracts.vector_index_contract import VectorIndexContract


@pytest.mark.unit
class TestEmbeddedChroma(VectorIndexContract):
    @pytest.fixture
    def index(self, tmp_path: Path) -> VectorIndex:
        return ChromaIndex.embedded(str(tmp_path / "chroma"))

    @pytest.fixture
    def twin(self, tmp_path: Path) -> VectorIndex:
        return ChromaIndex.embedded(str(tmp_path / "chroma"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _chroma_binary() -> str:
    found = Path(sys.executable).with_name("chroma")
    return str(found) if found.exists() else (shutil.which("chroma") or "chroma")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [_chroma_binary(), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("chroma run exited at start")
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma run did not start within 60 s")
    yield "127.0.0.1", port
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.integration
class TestChromaServer(VectorIndexContract):
    @pytest.fixture
    def index(self, chroma_server: tuple[str, int]) -> VectorIndex:
        return ChromaIndex.http(*chroma_server)

    @pytest.fixture
    def twin(self, chroma_server: tuple[str, int]) -> VectorIndex:
        return ChromaIndex.http(*chroma_server)
