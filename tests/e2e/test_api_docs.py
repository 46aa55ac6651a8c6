"""``/docs`` (Swagger UI) and ``/redoc`` in headless Chromium with no network beyond loopback:
every request to another host is aborted and recorded, and the pages must render without any,
with the Authorize button taking an API key. (ReDoc's bundle names a logo on cdn.redoc.ly; the
pages' Content-Security-Policy keeps the browser from requesting it.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


# the one block the docs' Content-Security-Policy is meant to make (see the module doc)
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture
def offline_page(page: Any) -> Iterator[Any]:
    """The page with every non-loopback request aborted; ``page.outside`` lists them. The
    policy's block of ReDoc's logo is expected; any other block still fails the test."""
    outside: list[str] = []

    def only_loopback(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname not in LOOPBACK:
            outside.append(url)
            route.abort()
        else:
            route.continue_()

    page.context.route("**/*", only_loopback)
    page.outside = outside
    yield page
    page.errors[:] = [e for e in page.errors if REDOC_LOGO not in e]


def test_swagger_ui_renders_offline_with_authorize(offline_page: Any, artifacts_dir: Path) -> None:
    page = offline_page
    page.goto("/docs")
    page.locator(".swagger-ui .info .title", has_text="Policy assistant").wait_for()
    # the operations are listed, the OpenAI-compatible ones among them
    page.locator(".opblock-summary-path", has_text="/api/v1/ask").first.wait_for()
    assert page.locator(".opblock-summary-path", has_text="/v1/chat/completions").count() == 1
    authorize = page.locator("button.authorize")
    assert authorize.is_visible()
    authorize.click()
    dialog = page.locator(".dialog-ux .modal-ux")
    dialog.wait_for()
    assert " ".join(dialog.inner_text().split()).startswith(
        "Available authorizations APIKey (http, Bearer) An API key made with policy-assistant"
    )
    dialog.locator("input").first.fill("pa_0123456789ab_secret")
    dialog.locator("button.modal-btn", has_text="Authorize").click()
    dialog.locator("button.modal-btn", has_text="Logout").wait_for()  # the key is taken
    page.screenshot(path=artifacts_dir / "20-api-docs-authorize.png")
    dialog.locator("button.btn-done", has_text="Close").first.click()
    # the button shows the key is set; each secured operation has its padlock
    assert "locked" in (authorize.get_attribute("class") or "").split()
    assert page.locator(".opblock .authorization__btn").count() >= 14
    page.screenshot(path=artifacts_dir / "21-api-docs.png", full_page=False)
    assert page.outside == [], "the docs tried to load from outside loopback"


def test_redoc_renders_offline(offline_page: Any, artifacts_dir: Path) -> None:
    page = offline_page
    page.goto("/redoc")
    page.get_by_role("heading", name="Policy assistant").first.wait_for()
    page.get_by_role(
        "heading", name="Answer the last user message, with footnoted citations (OpenAI-compatible)"
    ).wait_for()
    assert page.get_by_text("APIKey", exact=False).count() >= 1  # the security scheme section
    page.screenshot(path=artifacts_dir / "22-redoc.png", full_page=False)
    assert page.outside == [], "ReDoc tried to load from outside loopback"
