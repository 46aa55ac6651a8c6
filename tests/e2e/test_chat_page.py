"""The chat page in headless Chromium over the real app and the bundled corpus.

Which embedder served the answers (real e5 or the fake) is printed by the ``served_app``
fixture and written to ``artifacts/embedder.txt``; the questions below were checked with both.
Screenshots land in the artefacts folder (``POLICY_ASSISTANT_E2E_ARTIFACTS`` or
``tests/e2e/artifacts``).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import REPO, ServedApp

pytestmark = pytest.mark.e2e

FIGURE_QUESTION = "Hoeveel LKS-contracten zijn er in Q3 gestart?"
FOLLOW_UP = "Hoe wordt loonkostensubsidie ingezet?"
REFUSED_QUESTION = "Hoeveel zwembaden heeft Enschede?"
CHART_QUESTION = "Hoeveel mensen volgden de onderwijsroute in 2024?"
PHRASES = tomllib.loads((REPO / "assistant" / "vocab" / "phrases.toml").read_text("utf-8"))


def ask(page: Any, question: str) -> Any:
    """Type a question, send it with Enter, and wait for the final answer of that turn."""
    turns = page.locator("li.turn").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    turn = page.locator("li.turn").nth(turns)
    turn.locator(".status:not([hidden])").wait_for()
    return turn


def citation_municipalities(turn: Any) -> set[str]:
    return set(
        turn.locator("li.citation").evaluate_all("els => els.map(e => e.dataset.municipality)")
    )


def sent_bodies(page: Any) -> list[dict[str, Any]]:
    """The JSON bodies the page posts to /ask/stream, as the server receives them."""
    bodies: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda request: (
            bodies.append(json.loads(request.post_data or "{}"))
            if request.url.endswith("/api/v1/ask/stream")
            else None
        ),
    )
    return bodies


def test_a_figure_question_is_answered_cited_copied_followed_up_and_filtered(
    page: Any, served_app: ServedApp, artifacts_dir: Path
) -> None:
    bodies = sent_bodies(page)
    page.goto("/")
    page.locator("#filter-municipality option[value='Hengelo']").wait_for(state="attached")
    page.screenshot(path=artifacts_dir / "01-empty-page.png")

    # a Dutch figure question: a streamed answer with its status, figures and citations
    first = ask(page, FIGURE_QUESTION)
    assert first.get_attribute("data-status") in ("answered", "partial")
    assert "220" in first.locator(".answer-text").inner_text()
    assert "220" in first.locator(".figures-table").inner_text()
    assert first.locator("li.citation").count() >= 1
    assert first.locator(".answer-text a.cite-ref").count() >= 1
    assert first.locator(".status").inner_text() in ("Beantwoord", "Gedeeltelijk beantwoord")
    page.set_viewport_size({"width": 1280, "height": 1250})  # the whole answer in one picture
    page.screenshot(path=artifacts_dir / "02-answer.png")

    # the citation opens the passage, highlighted, with lines around it
    citation = first.locator("li.citation").first
    citation.locator("a.cite-link").click()
    panel = page.locator("#source-panel")
    panel.locator(".passage mark").first.wait_for()
    passage_text = panel.locator(".passage").inner_text()
    assert "220" in passage_text
    assert panel.locator(".source-line:not(.cited)").count() >= 8  # surroundings visible
    assert page.evaluate("document.activeElement.id") == "source-panel-heading"

    # "kopieer bronvermelding" puts the citation on the clipboard
    panel.get_by_role("button", name="Kopieer bronvermelding").click()
    panel.locator(".copy-status", has_text="Gekopieerd").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == panel.locator("#citation-text").input_value()
    title = citation.locator("a.cite-link").inner_text()
    assert copied.startswith(title) and "Enschede" in copied and "2025" in copied
    assert re.search(r", r\. \d+", copied) and "Gestarte contracten: 220" in copied
    assert ".txt" not in copied and citation.get_attribute("data-doc-id") not in copied
    page.screenshot(path=artifacts_dir / "03-source-view.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.keyboard.press("Escape")
    assert panel.is_hidden()

    # a follow-up stays in the conversation: the page made the id of its first question and
    # sends it again (the id /ask returned)
    conversation_id = page.locator("#conversation").get_attribute("data-conversation-id")
    assert conversation_id and first.get_attribute("data-conversation-id") == conversation_id
    second = ask(page, FOLLOW_UP)
    assert bodies[0]["conversation_id"] == conversation_id
    assert bodies[1]["conversation_id"] == conversation_id
    assert second.get_attribute("data-conversation-id") == conversation_id
    unfiltered = citation_municipalities(second)
    assert unfiltered and unfiltered != {"Hengelo"}

    # a filter applies to the next question and changes its sources
    page.select_option("#filter-municipality", "Hengelo")
    third = ask(page, FOLLOW_UP)
    assert bodies[2]["filters"]["municipality"] == "Hengelo"
    assert bodies[2]["conversation_id"] == conversation_id
    assert citation_municipalities(third) == {"Hengelo"}
    assert "Hengelo" in third.locator(".turn-filters").inner_text()
    third.scroll_into_view_if_needed()
    page.screenshot(path=artifacts_dir / "04-filtered-follow-up.png")


def test_a_refused_question_shows_the_refusal_text(page: Any, artifacts_dir: Path) -> None:
    page.goto("/")
    turn = ask(page, REFUSED_QUESTION)
    assert turn.get_attribute("data-status") == "refused"
    assert turn.locator(".status").inner_text() == "Niet gevonden in de documenten"
    # the refusal is the lead: shown once, bold, above the nearest documents
    assert PHRASES["nl"]["refused"] in turn.locator(".lead").inner_text()
    assert turn.locator("li.citation").count() == 0
    page.screenshot(path=artifacts_dir / "05-refused.png")


def test_figures_over_several_periods_show_a_chart(page: Any, artifacts_dir: Path) -> None:
    page.goto("/")
    turn = ask(page, CHART_QUESTION)
    chart = turn.locator("img.chart-image")
    chart.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", chart.element_handle())
    assert "onderwijsroute" in (chart.get_attribute("alt") or "")
    chart.scroll_into_view_if_needed()
    page.screenshot(path=artifacts_dir / "06-chart.png")


def test_bad_questions_and_an_unreachable_server_get_a_message(
    page: Any, artifacts_dir: Path
) -> None:
    page.goto("/")
    limit = int(page.locator("body").get_attribute("data-max-question-chars"))
    page.locator("#ask-button").click()
    error = page.locator("#chat-error")
    assert error.inner_text() == "Typ eerst een vraag."
    assert page.evaluate("document.activeElement.id") == "question"
    page.fill("#question", "x" * (limit + 1))
    page.press("#question", "Enter")
    assert f"{limit + 1} tekens, hoogstens {limit}" in error.inner_text()
    assert page.locator("li.turn").count() == 0

    page.route("**/api/v1/ask/stream", lambda route: route.abort())
    turn_error = page.locator("li.turn .error")
    page.fill("#question", FIGURE_QUESTION)
    page.press("#question", "Enter")
    turn_error.wait_for()
    assert "niet bereikbaar" in turn_error.inner_text()
    assert page.input_value("#question") == FIGURE_QUESTION  # the question is not lost
    page.screenshot(path=artifacts_dir / "07-unreachable.png")


def test_the_server_error_shape_is_shown(page: Any) -> None:
    page.goto("/")
    page.route(
        "**/api/v1/ask/stream",
        lambda route: route.fulfill(
            status=422,
            content_type="application/json",
            body=json.dumps(
                {"error": {"code": "invalid_request", "message": "te kort", "request_id": "r-1"}}
            ),
        ),
    )
    page.fill("#question", FIGURE_QUESTION)
    page.press("#question", "Enter")
    message = page.locator("li.turn .error")
    message.wait_for()
    assert "te kort" in message.inner_text() and "r-1" in message.inner_text()


def test_the_source_page_highlights_the_lines_and_copies_without_the_clipboard_api(
    page: Any, artifacts_dir: Path
) -> None:
    # a clipboard that refuses: the page falls back to selecting the citation text
    page.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new Error('refused'));"
    )
    page.goto("/bron/001_2e26a5924f710f99?line_start=87&line_end=90")
    passage = page.locator(".passage")
    passage.wait_for()
    assert page.locator(".passage .line-number").all_inner_texts() == ["87", "88", "89", "90"]
    assert page.locator(".source-line:not(.cited)").count() >= 8
    page.get_by_role("button", name="Kopieer bronvermelding").click()
    page.locator(".copy-status", has_text="Gekopieerd").wait_for()
    citation = page.locator("#citation-text").input_value()
    assert "r. 87–90" in citation and "Gestarte contracten: 220" in citation
    assert ".txt" not in citation  # the file name is in the API fields only
    assert page.evaluate("navigator.clipboard.readText()") == citation  # via execCommand
    page.screenshot(path=artifacts_dir / "08-source-page.png")


def test_the_english_toggle_switches_the_interface(page: Any) -> None:
    page.goto("/")
    page.get_by_role("button", name="Switch to English").click()
    assert page.locator("#ask-button").inner_text() == "Ask"
    assert page.locator("html").get_attribute("lang") == "en"
    page.reload()
    assert page.locator("#ask-button").inner_text() == "Ask"  # kept in a cookie


def test_markers_written_in_a_document_are_shown_as_text(
    page: Any, served_app: ServedApp, artifacts_dir: Path
) -> None:
    """Issue 18, row 10: a ``[c1]``, ``**bold**`` or ``[link](url)`` inside a document's text is
    quoted as those characters; only the writer's own markers link to a citation."""
    import httpx

    from tests.api.test_bad_inputs import MARKER_DOC, MARKER_QUESTION, WRITER_MARKER

    api = httpx.Client(base_url=served_app.base_url, timeout=300)
    uploaded = api.post(
        "/api/v1/documents",
        files={"file": ("flamingo.txt", MARKER_DOC.encode())},
        data={"access": "public"},
    )
    assert uploaded.status_code == 201, uploaded.text
    doc_id = uploaded.json()["doc_id"]
    try:
        expected = api.post("/api/v1/ask", json={"question": MARKER_QUESTION}).json()
        page.goto("/")
        turn = ask(page, MARKER_QUESTION)
        text = turn.locator(".answer-text")
        assert "werk [c1] en zie ook [c2]" in text.inner_text()
        # the writer's markers link, in the lead (shown above the answer text) and the text
        links = turn.locator(".lead a.cite-ref").count() + text.locator("a.cite-ref").count()
        assert links == len(WRITER_MARKER.findall(expected["answer"])) >= 1
        assert text.locator("strong", has_text="geheime bijlage").count() == 0
        assert text.locator("a[href*='evil.example']").count() == 0
        page.screenshot(path=artifacts_dir / "10-markers-as-text.png")
    finally:
        api.delete(f"/api/v1/documents/{doc_id}")
        api.close()
