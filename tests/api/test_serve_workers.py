"""`serve --workers N`: several workers need the Chroma server; embedded Chroma is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.test_cli import run_cli

pytestmark = pytest.mark.unit


def test_several_workers_over_embedded_chroma_are_refused(tmp_path: Path) -> None:
    # the embedded Chroma even when the suite runs over a Chroma server (make test-shared)
    embedded = {"POLICY_ASSISTANT_INDEX__BACKEND": "embedded"}
    refused = run_cli(tmp_path, "serve", "--workers", "2", "--port", "1", extra=embedded)
    assert refused.returncode == 2
    assert "error [embedded_single_process]" in refused.stderr
    assert "POLICY_ASSISTANT_INDEX__BACKEND=http" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_worker_count_is_bounded(tmp_path: Path) -> None:
    refused = run_cli(tmp_path, "serve", "--workers", "0", "--port", "1")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
