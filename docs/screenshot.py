"""Regenerate the README's screenshots from the running chat page (``make screenshot``).

Drives Debian's ``chromium`` through Playwright (no browser download), asks the page questions
as a person would, and saves:

- ``docs/chat-page.png`` (1536x960): the conversations list, a figure question answered (lead,
  status, figures, sources) and its first source open beside it with the cited lines marked;
- ``docs/chat-page-phone.png`` (390x844): the same answer on a phone.

By default it serves the app itself (``policy-assistant serve`` on a free loopback port) over
the index of ``--data-dir`` (default: the settings' data dir, ``data``), with a fresh, empty
state folder, so that the list shows only the questions asked here and your own conversations
are neither shown nor changed. ``--base-url`` photographs a page that is already running
instead; its conversations list then shows (and keeps) these questions too.

    .venv/bin/python docs/screenshot.py [--base-url http://127.0.0.1:8000] [--data-dir data]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
POLICY_QUESTION = "Hoe wordt loonkostensubsidie ingezet?"
FIGURE_QUESTION = "Hoeveel LKS-contracten zijn er in Q3 gestart?"
DESK = {"width": 1536, "height": 960}
PHONE = {"width": 390, "height": 844}
SHARED = ("index", "chroma", "models", "embed_cache.sqlite", "uploads")  # read by serve


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(base_url: str, process: subprocess.Popen[bytes], deadline_s: float = 300) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited ({process.returncode}); is the index built (make ingest)?")
        try:
            if httpx.get(f"{base_url}/health", timeout=2).json().get("index_version"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    sys.exit("the server did not come up")


@contextmanager
def served(data_dir: Path) -> Iterator[str]:
    """The app over ``data_dir``'s index, with its own empty state, on a free port."""
    if not (data_dir / "index" / "CURRENT").is_file():
        sys.exit(f"no index in {data_dir}: run `make ingest` first")
    with tempfile.TemporaryDirectory(prefix="pa-screenshot-") as tmp:
        view = Path(tmp) / "data"
        view.mkdir()
        for name in SHARED:
            if (data_dir / name).exists():
                (view / name).symlink_to((data_dir / name).resolve())
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(view)}
        env.pop("DATABASE_URL", None)  # the state is this folder's own, never a shared database
        command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1"]
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(base_url, process)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _ask(page: Any, question: str) -> Any:
    turns = page.locator("li.turn").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    turn = page.locator("li.turn").nth(turns)
    turn.locator(".status:not([hidden])").wait_for()
    return turn


def photograph(base_url: str, desk_out: Path, phone_out: Path, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        desk = browser.new_context(base_url=base_url, viewport=DESK, locale="nl-NL")
        page = desk.new_page()
        page.goto("/")
        _ask(page, POLICY_QUESTION)
        page.get_by_role("button", name="Nieuw gesprek").click()
        turn = _ask(page, FIGURE_QUESTION)
        page.locator(".history-item").nth(1).wait_for()
        turn.locator("li.citation a.cite-link").first.click()
        page.locator("#source-panel .passage mark").first.wait_for()
        turn.scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(500)  # let the chart and fonts settle
        page.screenshot(path=desk_out)
        desk.close()

        phone = browser.new_context(
            base_url=base_url, viewport=PHONE, is_mobile=True, has_touch=True, locale="nl-NL"
        )
        page = phone.new_page()
        page.goto("/")
        _ask(page, FIGURE_QUESTION)
        page.wait_for_timeout(500)
        page.screenshot(path=phone_out)
        phone.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a page already running (default: serve one here)")
    parser.add_argument("--data-dir", type=Path, help="the index to serve (default: settings)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "chat-page.png")
    parser.add_argument("--phone-out", type=Path, default=REPO / "docs" / "chat-page-phone.png")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("Debian's chromium is missing: apt-get install chromium")
    if args.base_url:
        photograph(args.base_url.rstrip("/"), args.out, args.phone_out, chromium)
    else:
        from corpus import Settings

        data_dir = (args.data_dir or Settings().data_dir).resolve()
        with served(data_dir) as base_url:
            photograph(base_url, args.out, args.phone_out, chromium)
    print(f"wrote {args.out} and {args.phone_out}")


if __name__ == "__main__":
    main()
