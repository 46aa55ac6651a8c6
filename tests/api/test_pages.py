"""The HTML pages and their files: served, wired to settings, every UI string defined.

The pages' behaviour in a browser is tested in ``tests/e2e/test_chat_page.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api import create_app
from api.web import STATIC_DIR, TEMPLATES_DIR, ui_strings
from corpus import Settings
from metrics import KINDS, UNITS

pytestmark = pytest.mark.unit

# keys built at run time in the JS: `status_${status}`, `unit_${unit}`, ...
DYNAMIC_KEYS = {
    "status": ("answered", "partial", "refused"),
    "unit": UNITS,
    "kind": KINDS,
    "access": ("public", "internal", "confidential"),
    "example": ("1", "2", "3"),
}


@pytest.fixture(scope="module")
def client(built_fake_index: Settings) -> Iterator[TestClient]:
    settings = built_fake_index.model_copy(
        update={"api": built_fake_index.api.model_copy(update={"max_question_chars": 321})}
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def page_strings(html: str) -> dict[str, dict[str, str]]:
    found = re.search(r'<script type="application/json" id="ui-strings">(.*?)</script>', html, re.S)
    assert found, "the page lacks its UI strings"
    strings: dict[str, dict[str, str]] = json.loads(found.group(1))
    return strings


def test_the_chat_page_replaces_the_redirect(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="nl">' in html and "Vraag stellen" in html
    assert 'data-max-question-chars="321"' in html  # from settings.api.max_question_chars
    assert '<script type="module" src="/static/chat.js">' in html
    assert page_strings(html) == ui_strings()


@pytest.mark.parametrize(
    ("path", "cookies"),
    [("/?lang=en", {}), ("/", {"pa_lang": "en"}), ("/documenten", {"pa_lang": "en"})],
)
def test_english_from_the_toggle_or_its_cookie(
    client: TestClient, path: str, cookies: dict[str, str]
) -> None:
    client.cookies.clear()
    for name, value in cookies.items():
        client.cookies.set(name, value)
    html = client.get(path).text
    client.cookies.clear()
    assert '<html lang="en">' in html and "Nederlands" in html


def test_an_unknown_language_falls_back_to_dutch(client: TestClient) -> None:
    assert '<html lang="nl">' in client.get("/?lang=xx").text


def test_the_source_page_carries_its_target(client: TestClient) -> None:
    html = client.get("/bron/001_2e26a5924f710f99?line_start=87&line_end=90").text
    assert 'data-doc-id="001_2e26a5924f710f99"' in html
    assert 'data-line-start="87"' in html and 'data-line-end="90"' in html
    assert '<script type="module" src="/static/source.js">' in html
    bad = client.get("/bron/x?line_start=0")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"


def test_the_documents_page(client: TestClient) -> None:
    html = client.get("/documenten").text
    assert '<script type="module" src="/static/documents.js">' in html
    assert 'id="upload-file" name="file" type="file"' in html


def test_static_files_are_served_with_their_types(client: TestClient) -> None:
    for path in sorted(STATIC_DIR.iterdir()):
        response = client.get(f"/static/{path.name}")
        assert response.status_code == 200, path.name
        expected = "text/css" if path.suffix == ".css" else "javascript"
        assert expected in response.headers["content-type"], path.name
    missing = client.get("/static/nothing.js")
    assert missing.status_code == 404 and set(missing.json()) == {"error"}


def test_js_modules_import_files_that_exist() -> None:
    for path in STATIC_DIR.glob("*.js"):
        for name in re.findall(r'from "\./([\w.]+)"', path.read_text("utf-8")):
            assert (STATIC_DIR / name).is_file(), f"{path.name} imports {name}"


def test_every_language_has_every_string() -> None:
    strings = ui_strings()
    assert set(strings) == {"nl", "en"}
    assert set(strings["nl"]) == set(strings["en"])
    assert all(text.strip() for lang in strings.values() for text in lang.values())


def test_every_string_the_pages_use_is_defined() -> None:
    used: set[str] = set()
    for template in TEMPLATES_DIR.glob("*.html"):
        text = template.read_text("utf-8")
        used |= set(re.findall(r"\bt\.(\w+)", text))
        used |= set(re.findall(r'data-i18n="(\w+)"', text))
        used |= set(re.findall(r'data-i18n-attr="[\w-]+:(\w+)"', text))
    for script in STATIC_DIR.glob("*.js"):
        text = script.read_text("utf-8")
        used |= set(re.findall(r'\bt\("(\w+)"', text))
        used |= set(re.findall(r'label\((?:[^()]|\([^()]*\))*?, "(\w+)"', text))
        used |= set(re.findall(r'i18nAttr = "[\w-]+:(\w+)"', text))
    used |= {f"{prefix}_{value}" for prefix, values in DYNAMIC_KEYS.items() for value in values}
    assert used - set(ui_strings()["nl"]) == set()
    assert len(used) > 60  # the patterns above still find the keys
