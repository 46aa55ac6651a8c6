"""The chat page as a staff member uses it on a desk and on a phone: the conversations list
survives a reload and resumes a conversation, an answer can be copied, stopped and asked again,
the lead stands in bold above the answer with citations past the third folded away, documents
are named by title, and at 390x844 the answer gets most of the screen and a source opens in
view. Runs over the real served app (see conftest.py); screenshots go to the artefacts folder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ServedApp
from tests.e2e.test_chat_page import FIGURE_QUESTION, FOLLOW_UP, REFUSED_QUESTION, ask

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
FILE_NAME = re.compile(r"\b\d{3}_[0-9a-f]{16}(\.txt)?\b")  # the bundled corpus's file names


@pytest.fixture
def phone(browser: Any, served_app: ServedApp) -> Iterator[Any]:
    """A phone-sized page (390x844, touch), clipboard allowed; page errors fail the test."""
    context = browser.new_context(
        base_url=served_app.base_url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="nl-NL",
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(60_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def history_titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(".history-item .history-title").all_inner_texts()]


def visible_height(page: Any, selector: str) -> float:
    """How many pixels of the element lie inside the viewport."""
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return max(0.0, min(box["y"] + box["height"], height) - max(box["y"], 0.0))


def in_view(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(
        box
        and box["y"] >= 0
        and box["x"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] + box["width"] <= size["width"]
    )


def test_the_conversation_list_survives_a_reload_and_resumes(
    page: Any, artifacts_dir: Path
) -> None:
    page.goto("/")
    first = ask(page, FIGURE_QUESTION)
    ask(page, "en in 2022?")
    first_id = page.locator("#conversation").get_attribute("data-conversation-id")
    first_answer = first.locator(".answer-text").inner_text()
    page.get_by_role("button", name="Nieuw gesprek").click()
    assert page.locator("li.turn").count() == 0
    ask(page, REFUSED_QUESTION)
    second_id = page.locator("#conversation").get_attribute("data-conversation-id")
    assert first_id and second_id and first_id != second_id

    page.reload()
    history = page.locator("#history")
    history.locator(".history-item").first.wait_for()
    # newest first, titled by their first question, the open one marked and resumed
    titles = history_titles(page)
    assert titles.index(REFUSED_QUESTION) < titles.index(FIGURE_QUESTION)
    current = history.locator(".history-item[aria-current='true']")
    assert current.get_attribute("data-conversation-id") == second_id
    page.locator("li.turn[data-status='refused']").wait_for()
    assert page.locator("li.turn").count() == 1
    page.screenshot(path=artifacts_dir / "10-history-after-reload.png")

    # resume the first conversation: both turns with their answers, and a follow-up goes on
    history.locator(f".history-item[data-conversation-id='{first_id}']").click()
    page.locator("li.turn").nth(1).locator(".status:not([hidden])").wait_for()
    assert page.locator("li.turn").count() == 2
    assert page.locator("li.turn").first.locator(".answer-text").inner_text() == first_answer
    assert page.locator("#conversation").get_attribute("data-conversation-id") == first_id
    bodies: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            bodies.append(json.loads(r.post_data or "{}"))
            if r.url.endswith("/api/v1/ask/stream")
            else None
        ),
    )
    third = ask(page, "waar staat dat?")
    assert bodies[-1]["conversation_id"] == first_id
    assert third.get_attribute("data-conversation-id") == first_id
    page.screenshot(path=artifacts_dir / "11-resumed.png")


def test_copy_answer_stop_and_ask_again(page: Any, artifacts_dir: Path) -> None:
    page.goto("/")
    turn = ask(page, FIGURE_QUESTION)
    turn.get_by_role("button", name="Kopieer antwoord").click()
    turn.locator(".copy-status", has_text="Gekopieerd").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "220" in copied and "Bronnen:" in copied
    title = turn.locator("li.citation a.cite-link").first.inner_text()
    assert f"[1] {title} (Enschede, 2025), regel" in copied
    assert "[c1]" not in copied  # markers as the numbers the page shows

    # stop: the answer that has not come yet is abandoned, the question can be asked again
    page.route("**/api/v1/ask/stream", lambda route: None)  # never answered
    page.fill("#question", FOLLOW_UP)
    page.press("#question", "Enter")
    stop = page.get_by_role("button", name="Stop")
    stop.click()
    stopped = page.locator("li.turn").nth(1)
    stopped.locator(".stopped").wait_for()
    assert stopped.get_attribute("data-status") == "stopped"
    assert page.locator("#ask-button").is_visible() and not stop.is_visible()
    page.unroute("**/api/v1/ask/stream")
    stopped.get_by_role("button", name="Opnieuw vragen").click()
    again = page.locator("li.turn").nth(2)
    again.locator(".status:not([hidden])").wait_for()
    assert again.locator(".question-text").inner_text() == FOLLOW_UP
    assert again.get_attribute("data-status") == "answered"
    page.screenshot(path=artifacts_dir / "12-stopped-and-asked-again.png")


def test_the_lead_is_bold_above_the_answer_and_sources_past_three_fold_away(
    page: Any, artifacts_dir: Path
) -> None:
    """The compose stage sends the lead; the page shows it once, bold, above the answer. A
    response without one (an older server) renders as before, with nothing empty in bold."""

    def without_lead(route: Any) -> None:
        response = route.fetch()
        blocks = response.text().split("\n\n")
        for i, block in enumerate(blocks):
            if block.startswith("event: final"):
                data = json.loads(block.split("data: ", 1)[1])
                data["answer"] = data["answer"].removeprefix(data.pop("lead", "")).lstrip()
                blocks[i] = f"event: final\ndata: {json.dumps(data)}"
        route.fulfill(response=response, body="\n\n".join(blocks))

    page.goto("/")
    turn = ask(page, FOLLOW_UP)
    bold = turn.locator(".lead strong")
    lead = bold.inner_text()
    assert lead.strip()
    assert lead not in turn.locator(".answer-text").inner_text()  # shown once, above
    cited = turn.locator("li.citation")
    assert cited.count() > 3
    shown = turn.locator(".citations > .citation-list > li.citation")
    assert shown.count() == 3 and all(c.is_visible() for c in shown.all())
    more = turn.locator("details.more-sources")
    assert more.locator("summary").inner_text() == f"Meer in de bronnen ({cited.count() - 3})"
    assert more.get_attribute("open") is None and not cited.nth(3).is_visible()
    more.locator("summary").click()
    assert cited.nth(3).is_visible()
    page.screenshot(path=artifacts_dir / "13-lead-and-more-sources.png")
    page.route("**/api/v1/ask/stream", without_lead)
    plain = ask(page, FOLLOW_UP)
    assert plain.locator(".lead").is_hidden()


def test_no_file_names_where_a_person_reads(page: Any) -> None:
    page.goto("/")
    turn = ask(page, FIGURE_QUESTION)
    # the figures table, the sources and the source panel name documents by title
    # (the answer text itself is written by the answer pipeline, not by the page)
    for part in (".figures", ".citations"):
        assert not FILE_NAME.search(turn.locator(part).inner_text())
    assert "Uitvoeringsprogramma" in turn.locator(".figures").inner_text()
    turn.locator("li.citation a.cite-link").first.click()
    panel = page.locator("#source-panel")
    panel.locator(".passage mark").first.wait_for()
    assert not FILE_NAME.search(panel.locator(".source-meta").inner_text())
    assert not FILE_NAME.search(panel.locator("#citation-text").input_value())


def test_on_a_phone_the_answer_fills_the_screen_and_the_source_opens_in_view(
    phone: Any, artifacts_dir: Path
) -> None:
    phone.goto("/")
    turn = ask(phone, FIGURE_QUESTION)
    height = PHONE["height"]
    form = phone.locator("#ask-form").bounding_box()
    assert form["height"] < 0.15 * height, form  # was about 330 px
    assert visible_height(phone, f"#{turn.get_attribute('id')}") > 0.8 * height
    assert visible_height(phone, f"#{turn.get_attribute('id')} .turn-answer") > 0.6 * height
    phone.screenshot(path=artifacts_dir / "20-phone-answer.png")

    turn.locator("li.citation a.cite-link").first.click()
    panel = phone.locator("#source-panel")
    mark = panel.locator(".passage mark").first
    mark.wait_for()
    assert in_view(phone, panel)  # a sheet over the answer, not below it off-screen
    assert in_view(phone, mark) and in_view(phone, panel.get_by_role("button", name="Sluiten"))
    assert "220" in panel.locator(".passage").inner_text()
    phone.screenshot(path=artifacts_dir / "21-phone-source.png")
    panel.get_by_role("button", name="Sluiten").click()
    assert panel.is_hidden()

    # the conversations list after a reload: a drawer, in view, with this conversation
    phone.reload()
    phone.locator("li.turn .status:not([hidden])").first.wait_for()  # resumed
    toggle = phone.get_by_role("button", name="Gesprekken")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    history = phone.locator("#history")
    current = history.locator(".history-item[aria-current='true']")
    current.wait_for()
    assert in_view(phone, history) and in_view(phone, current)
    assert FIGURE_QUESTION in current.inner_text()
    phone.screenshot(path=artifacts_dir / "22-phone-history.png")
    current.click()
    assert history.is_hidden()
    phone.locator("li.turn .status:not([hidden])").first.wait_for()
    assert phone.locator("li.turn").count() == 1
