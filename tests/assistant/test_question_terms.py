"""Question terms with synonym groups, and their coverage of Dutch sentences."""

from __future__ import annotations

import pytest

from assistant.language import content_stems, question_terms
from assistant.sentences import coverage

pytestmark = pytest.mark.unit

IDF = {"bijstand": 2.0, "uitker": 1.5, "ensched": 1.0, "septemb": 2.5, "verwacht": 2.0}
SENTENCE = "Op peildatum 30 september 2024 zijn er 5.687 bijstandsuitkeringen in Enschede."


def test_english_words_of_a_group_become_one_term_met_by_the_dutch_forms() -> None:
    terms = question_terms("How many people were on social assistance in Enschede in September?")
    groups = [t for t in terms if isinstance(t, tuple)]
    assert any("bijstand" in g for g in groups)
    assert "ensched" in terms
    # the English words the group stands for are not also counted on their own
    assert not {"social", "assistanc"} & {t for t in terms if isinstance(t, str)}


def test_group_terms_let_an_english_question_cover_a_dutch_sentence() -> None:
    question = "How many people were on social assistance in Enschede in September?"
    plain = coverage(content_stems(question), SENTENCE, IDF)
    grouped = coverage(question_terms(question), SENTENCE, IDF)
    assert grouped == pytest.approx(1.0)
    assert plain < 0.8


def test_a_dutch_question_keeps_its_own_words() -> None:
    terms = question_terms("Wat verwacht Enschede eind 2024?")
    flat = {t for t in terms if isinstance(t, str)} | {
        a for t in terms if isinstance(t, tuple) for a in t
    }
    assert {"verwacht", "ensched"} <= flat
    assert coverage(terms, "De raad vergaderde over de begroting.", IDF) == 0.0
