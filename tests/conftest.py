"""Shared fixtures. Unit tests use the deterministic hashing embedder and embedded Chroma."""

from __future__ import annotations

import atexit
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import BUNDLED_CORPUS_DIR, Settings
from tests.support.services import SharedServices

REPO = Path(__file__).resolve().parents[1]
SHARED_EVAL = REPO / "eval" / "shared"  # a copy of ../shared/eval
SEEDS = sorted(p for p in BUNDLED_CORPUS_DIR.glob("00*.txt"))


_SHARED: SharedServices | None = None


def shared_services() -> SharedServices | None:
    """PostgreSQL and a Chroma server for the whole session when POLICY_ASSISTANT_TEST_SHARED=1
    (``make test-shared``): the "several machines" mode, in which every data directory's state
    goes to its own PostgreSQL database and its vectors to its own database on the server."""
    global _SHARED
    if os.environ.get("POLICY_ASSISTANT_TEST_SHARED") != "1":
        return None
    if _SHARED is None:
        _SHARED = SharedServices().start()
        atexit.register(_SHARED.stop)
    return _SHARED


def shared_environment(data_dir: Path) -> dict[str, str]:
    """The shared services' settings as environment variables (empty in the default mode)."""
    shared = shared_services()
    return shared.environment(data_dir) if shared is not None else {}


def fake_settings(data_dir: Path, **overrides: object) -> Settings:
    shared = shared_services()
    if shared is not None:
        for key, value in shared.overrides(data_dir).items():
            given = overrides.get(key)
            if isinstance(value, dict) and isinstance(given, dict):
                value = {**value, **given}
            elif given is not None:
                value = given
            overrides[key] = value
    return Settings(
        data_dir=data_dir,
        embedding={"backend": "fake"},  # type: ignore[arg-type]
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return fake_settings(tmp_path / "data")


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus (the five documents and the manifest)."""
    target = tmp_path / "corpus"
    target.mkdir()
    for path in [*SEEDS, BUNDLED_CORPUS_DIR / "manifest.toml"]:
        shutil.copy2(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def built_fake_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The bundled corpus ingested once with the fake embedder (read-only for tests)."""
    from ingest import build_index

    settings = fake_settings(tmp_path_factory.mktemp("fake-index"))
    report = build_index(settings)
    assert not report.failed
    yield settings


@pytest.fixture(scope="session")
def built_figure_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The bundled corpus ingested once with the fake embedder and the figures step."""
    from assistant import PolicyAssistant

    settings = fake_settings(tmp_path_factory.mktemp("figure-index"))
    assert not PolicyAssistant(settings).ingest().failed
    yield settings
