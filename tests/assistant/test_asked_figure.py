"""``answerability.states_no_figure``: a figure question is refused when no figure row answers
it and none of the passages the answer would quote states a figure of the kind it asks (a
share, an amount, a number of things), in their text or in the figure rows on their lines."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assistant.pipeline.answerability import states_no_figure
from assistant.pipeline.candidates import Candidate, Candidates, Evidence, Ranked
from assistant.pipeline.question import understand

pytestmark = pytest.mark.unit

QUOTED = 3


def ranked(question: str, *passages: tuple[str, list[dict[str, Any]]]) -> Ranked:
    """``passages`` (quote, figure rows on its lines) ranked in the order given."""
    candidates = [
        Candidate(Evidence("doc", None, i, i, quote, 1.0), (i,), None, None, 1, 1, rows=tuple(rows))
        for i, (quote, rows) in enumerate(passages, start=1)
    ]
    found = Candidates(understand(question, {}, set()), candidates, [], [])
    return Ranked(
        found,
        [c.evidence for c in candidates],
        np.zeros(len(candidates)),
        list(range(len(candidates))),
    )


COUNTS = "Op de banenmarkt kwamen 320 werkzoekenden en 45 werkgevers samen."
AMOUNT = "De banenmarkt kostte in totaal € 12.500."


def test_an_amount_asked_and_only_counts_quoted_is_no_figure() -> None:
    asked = "Hoeveel geld kostte de banenmarkt?"
    assert states_no_figure(ranked(asked, (COUNTS, [])), None, QUOTED)
    assert not states_no_figure(ranked(asked, (COUNTS, []), (AMOUNT, [])), None, QUOTED)
    # only the passages the answer quotes count
    later = [(COUNTS, [])] * QUOTED + [(AMOUNT, [])]
    assert states_no_figure(ranked(asked, *later), None, QUOTED)
    assert not states_no_figure(ranked(asked, *later), None, QUOTED + 1)


def test_an_amount_in_a_figure_row_counts_though_the_text_shows_a_bare_number() -> None:
    asked = "Hoeveel geld is er beschikbaar voor re-integratie?"
    table = "Beschikbaar voor re-integratie 4,2"  # under "x 1 mln. euro"
    row = {"value": 4_200_000.0, "unit": "euro", "kind": "budget"}
    assert states_no_figure(ranked(asked, (table, [])), None, QUOTED)
    assert not states_no_figure(ranked(asked, (table, [row])), None, QUOTED)


def test_a_share_asked_and_only_counts_quoted_is_no_figure() -> None:
    asked = "Welk percentage van de werkzoekenden kwam op de banenmarkt?"
    assert states_no_figure(ranked(asked, (COUNTS, [])), None, QUOTED)
    share = "Van de werkzoekenden kwam 12% op de banenmarkt."
    assert not states_no_figure(ranked(asked, (COUNTS, []), (share, [])), None, QUOTED)


def test_a_count_asked_of_a_passage_with_a_count_is_a_figure() -> None:
    asked = "Hoeveel werkgevers kwamen er op de banenmarkt?"
    assert not states_no_figure(ranked(asked, (COUNTS, [])), None, QUOTED)
    assert states_no_figure(ranked(asked, (AMOUNT, [])), None, QUOTED)


def test_questions_answered_by_words_are_never_refused_for_want_of_a_figure() -> None:
    assert not states_no_figure(ranked("Waarom is er een banenmarkt?", (AMOUNT, [])), None, QUOTED)
