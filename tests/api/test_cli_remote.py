"""`policy-assistant ask` through a running `serve` over the same index (no model load).

The CLI below is told to use an embedder it cannot load (an empty model folder): it can only
answer through the server. With ``--local``, or when the server serves another index version,
it answers itself, and so fails on the model.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import Settings
from tests.api.conftest import NORMAL_QUESTION
from tests.conftest import REPO, shared_environment
from tests.support.services import free_port, wait_for_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(built_figure_index: Settings) -> Iterator[dict[str, str]]:
    port = str(free_port())
    env = {
        **os.environ,
        "POLICY_ASSISTANT_DATA_DIR": str(built_figure_index.data_dir),
        "POLICY_ASSISTANT_EMBEDDING__BACKEND": "fake",
        "POLICY_ASSISTANT_API__PORT": port,
        **shared_environment(built_figure_index.data_dir),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(int(port), proc, 120, "serve")
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def ask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "ask", NORMAL_QUESTION, *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def unloadable(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The same settings with an embedder that cannot load in this process: its model folder
    would be under a file, so it can be neither read nor built."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    return {
        **env,
        "POLICY_ASSISTANT_EMBEDDING__BACKEND": "onnx",
        "POLICY_ASSISTANT_EMBEDDING__MODEL_PATH": str(blocker / "model"),
    }


def test_ask_goes_to_the_server_on_the_same_index(server: dict[str, str], tmp_path: Path) -> None:
    env = unloadable(server, tmp_path)
    remote = ask(env, "--json")
    assert remote.returncode == 0, remote.stderr[-1500:]
    answer = json.loads(remote.stdout)
    assert answer["status"] in ("answered", "partial") and answer["citations"]
    text = ask(env)
    assert text.returncode == 0 and "--conversation" in text.stdout
    # a question the server refuses is the CLI's own error line, exit 2
    empty = subprocess.run(
        [sys.executable, "-m", "api.cli", "ask", "   "],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert empty.returncode == 2 and "error [empty_question]" in empty.stderr


def test_local_or_another_index_answers_in_the_process(
    server: dict[str, str], tmp_path: Path, built_figure_index: Settings
) -> None:
    env = unloadable(server, tmp_path)
    local = ask(env, "--local")
    assert local.returncode != 0 and "Traceback" not in local.stderr
    # another data directory (another index version) must not be answered by this server
    other = tmp_path / "other"
    shutil.copytree(built_figure_index.data_dir / "index", other / "index")
    (other / "index" / "CURRENT").write_text("19990101T000000-000000\n")
    elsewhere = ask({**env, "POLICY_ASSISTANT_DATA_DIR": str(other)})
    assert elsewhere.returncode != 0 and "Traceback" not in elsewhere.stderr
