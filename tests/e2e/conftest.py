"""The served app and a headless Chromium for the e2e tests.

The app runs as a user runs it: ``policy-assistant ingest`` over the bundled corpus into a tmp
data dir, then ``policy-assistant serve`` on a free loopback port, both in subprocesses. The
embedder is the real multilingual-e5-small when ``POLICY_ASSISTANT_TEST_MODEL_DIR`` names a built
model folder (the Makefile sets it), else the deterministic hashing fake; the choice is printed
and written to the artefacts folder.

The browser is Debian's ``chromium`` driven by Playwright through ``executable_path`` (no
browser download). A missing chromium or playwright FAILS these tests; only
``POLICY_ASSISTANT_E2E=0`` skips them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
STARTUP_DEADLINE_S = 300  # a deadline for the server to come up, not an assertion on speed


@dataclass(frozen=True)
class ServedApp:
    base_url: str
    embedder: str
    data_dir: Path


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Screenshots go here: POLICY_ASSISTANT_E2E_ARTIFACTS, else tests/e2e/artifacts (ignored)."""
    configured = os.environ.get("POLICY_ASSISTANT_E2E_ARTIFACTS")
    target = Path(configured) if configured else Path(__file__).parent / "artifacts"
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture(scope="session", autouse=True)
def _e2e_enabled() -> None:
    if os.environ.get("POLICY_ASSISTANT_E2E") == "0":
        pytest.skip("POLICY_ASSISTANT_E2E=0: browser tests switched off")


def _embedder_env() -> tuple[str, dict[str, str]]:
    model = os.environ.get("POLICY_ASSISTANT_TEST_MODEL_DIR")
    if model and (Path(model) / "modules.json").is_file():
        return f"multilingual-e5-small ({model})", {
            "POLICY_ASSISTANT_EMBEDDING__BACKEND": "sentence-transformers",
            "POLICY_ASSISTANT_EMBEDDING__MODEL_PATH": model,
        }
    return "fake hashing embedder (no e5 model folder)", {
        "POLICY_ASSISTANT_EMBEDDING__BACKEND": "fake"
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the server did not come up:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def served_app(
    tmp_path_factory: pytest.TempPathFactory, artifacts_dir: Path
) -> Iterator[ServedApp]:
    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    embedder, embedder_env = _embedder_env()
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(data_dir), **embedder_env}
    command = [sys.executable, "-m", "api.cli"]
    ingest = subprocess.run(
        [*command, "ingest"], cwd=REPO, env=env, capture_output=True, text=True, timeout=1800
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = data_dir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(process, base_url, log)
        print(f"\ne2e: served on {base_url} with the {embedder}")
        (artifacts_dir / "embedder.txt").write_text(f"{embedder}\n", encoding="utf-8")
        yield ServedApp(base_url, embedder, data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is missing (apt-get install chromium); POLICY_ASSISTANT_E2E=0 skips"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing (pip install -e '.[dev]'); POLICY_ASSISTANT_E2E=0 skips")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, served_app: ServedApp) -> Iterator[Any]:
    """A fresh browser context (clipboard allowed) with a page; page errors, and anything the
    Content-Security-Policy blocked, fail the test."""
    context = browser.new_context(
        base_url=served_app.base_url,
        viewport={"width": 1280, "height": 900},
        locale="nl-NL",
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(60_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    opened.errors = errors  # a test may drop a block it expects (tests/e2e/test_api_docs.py)
    yield opened
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
