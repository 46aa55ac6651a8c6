"""The documents page and the API-key hook in headless Chromium.

Upload (``POST /api/v1/documents``, multipart field ``file``) and removal
(``DELETE /api/v1/documents/{doc_id}``) are routes of another change: here the browser's
requests are checked against that contract and answered by Playwright, so the shared index is
never changed. Likewise the 401 that an auth-enabled server would send.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

UNAUTHORIZED = json.dumps(
    {"error": {"code": "unauthorized", "message": "missing key", "request_id": "r-401"}}
)


def test_documents_page_lists_documents_with_admin_controls(page: Any, artifacts_dir: Path) -> None:
    page.goto("/documenten")
    rows = page.locator("#documents-table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 5
    text = page.locator("#documents-table").inner_text()
    assert "Hengelo" in text and "raadsvoorstel" in text and "openbaar" in text
    assert "2016..2020" in text and "3397 regels" in text
    # auth is off on loopback: the local user is the admin
    assert page.locator("#upload").is_visible()
    assert rows.first.get_by_role("button").inner_text() == "Verwijderen"
    page.screenshot(path=artifacts_dir / "09-documents.png", full_page=True)


def test_upload_and_remove_follow_the_api_contract(page: Any) -> None:
    sent: list[Any] = []

    def answer(route: Any) -> None:
        request = route.request
        if request.method == "GET":
            route.continue_()
            return
        sent.append(request)
        status = 201 if request.method == "POST" else 200
        route.fulfill(status=status, content_type="application/json", body="{}")

    page.route("**/api/v1/documents**", answer)
    page.goto("/documenten")
    page.locator("#documents-table tbody tr").first.wait_for()

    page.set_input_files(
        "#upload-file",
        files=[{"name": "nota.txt", "mimeType": "text/plain", "buffer": b"Gemeente Almelo"}],
    )
    page.get_by_role("button", name="Uploaden").click()
    page.locator("#documents-status", has_text="Toegevoegd: nota.txt").wait_for()
    upload = sent[0]
    assert upload.method == "POST" and upload.url.endswith("/api/v1/documents")
    assert upload.headers["content-type"].startswith("multipart/form-data")
    body = upload.post_data_buffer
    assert b'name="file"; filename="nota.txt"' in body and b"Gemeente Almelo" in body

    row = page.locator("#documents-table tbody tr").first
    doc_id = row.get_attribute("data-doc-id")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Verwijder").click()
    page.locator("#announcer", has_text="Verwijderd:").wait_for()
    assert sent[1].method == "DELETE" and sent[1].url.endswith(f"/api/v1/documents/{doc_id}")


def test_an_unavailable_upload_route_shows_the_server_message(page: Any) -> None:
    page.route(
        "**/api/v1/documents",
        lambda route: (
            route.continue_()
            if route.request.method == "GET"
            else route.fulfill(
                status=405,
                content_type="application/json",
                body=json.dumps(
                    {
                        "error": {
                            "code": "method_not_allowed",
                            "message": "Method Not Allowed",
                            "request_id": "r-405",
                        }
                    }
                ),
            )
        ),
    )
    page.goto("/documenten")
    page.locator("#documents-table tbody tr").first.wait_for()
    page.set_input_files(
        "#upload-file", files=[{"name": "a.txt", "mimeType": "text/plain", "buffer": b"x"}]
    )
    page.get_by_role("button", name="Uploaden").click()
    error = page.locator("#documents-error")
    error.wait_for()
    assert "Method Not Allowed" in error.inner_text() and "r-405" in error.inner_text()


def test_a_401_asks_for_a_key_and_every_request_then_carries_it(page: Any) -> None:
    seen: list[str | None] = []

    def guard(route: Any) -> None:
        key = route.request.headers.get("authorization")
        seen.append(key)
        if key is None:
            route.fulfill(status=401, content_type="application/json", body=UNAUTHORIZED)
        else:
            route.continue_()

    page.route("**/api/v1/documents", guard)
    page.goto("/documenten")
    dialog = page.locator("#auth-dialog")
    dialog.wait_for()
    assert "niet aangemeld" in page.locator("#documents-error").inner_text()
    page.fill("#auth-key", "sleutel-1")
    page.press("#auth-key", "Enter")
    page.locator("#documents-table tbody tr").first.wait_for()
    assert dialog.is_hidden()
    assert seen[0] is None and seen[-1] == "Bearer sleutel-1"
    assert page.evaluate("sessionStorage.getItem('policy_assistant_api_key')") == "sleutel-1"
    # the chat page sends the stored key with its own requests
    with page.expect_request("**/api/v1/documents") as filters_request:
        page.goto("/")
    assert filters_request.value.headers["authorization"] == "Bearer sleutel-1"
