"""Answering behaviour over the real e5 index: the ranker and the answerability model are
learned over e5 vectors, so what they decide is tested over them (the fake embedder's vectors
carry no meaning)."""

from __future__ import annotations

import pytest

from assistant import PolicyAssistant
from assistant.grounding import ungrounded_numbers
from corpus import BUNDLED_CORPUS_DIR

pytestmark = pytest.mark.integration


def _quotes_stand_at_their_lines(result) -> bool:
    for c in result.citations:
        lines = (BUNDLED_CORPUS_DIR / c["source"]).read_text(encoding="utf-8").split("\n")
        cited = " ".join(" ".join(lines[c["line_start"] - 1 : c["line_end"]]).split())
        if " ".join(c["quote"].split()) not in cited:
            return False
    return True


def test_a_quarter_asked_of_a_cumulative_figure_is_partial_and_says_so(
    e5_assistant: PolicyAssistant,
) -> None:
    result = e5_assistant.ask("Hoeveel LKS-contracten zijn er in Q3 gestart?")
    assert result.status == "partial" and result.language == "nl"
    top = result.figures[0]
    assert top["period"] == "2024-Q1..Q3" and top["cumulative"] and "220" in result.lead
    assert "eerste drie kwartalen van 2024" in result.answer
    assert result.citations and _quotes_stand_at_their_lines(result)


def test_what_the_documents_do_not_hold_is_refused(e5_assistant: PolicyAssistant) -> None:
    result = e5_assistant.ask("Hoeveel zwembaden heeft de gemeente en wat kost een abonnement?")
    assert result.status == "refused" and result.citations == [] and result.figures == []
    assert result.answer.startswith("De documenten bevatten hierover geen informatie")


def test_answers_are_quoted_verbatim_and_every_number_is_grounded(
    e5_assistant: PolicyAssistant,
) -> None:
    for question in (
        "Waarom wordt het Regieteam Integratie uitgebreid?",
        "How many LKS contracts were running?",
        "Wat is de netto participatiegraad van Enschede in 2018?",
    ):
        result = e5_assistant.ask(question)
        assert result.status != "refused" and result.citations, question
        assert result.answer.startswith(result.lead)
        assert _quotes_stand_at_their_lines(result), question
        quotes = [c["quote"] for c in result.citations]
        titles = [c["title"] for c in result.citations]
        assert ungrounded_numbers(result.answer, quotes, result.figures, titles) == [], question
