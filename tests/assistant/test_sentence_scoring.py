"""Sentence scoring: question terms with synonym groups, their coverage, figure runs."""

from __future__ import annotations

import pytest

from assistant.language import asked_municipality, content_stems, question_terms
from assistant.sentences import coverage
from corpus import Settings

pytestmark = pytest.mark.unit

IDF = {"bijstand": 2.0, "uitker": 1.5, "ensched": 1.0, "septemb": 2.5, "verwacht": 2.0}
SENTENCE = "Op peildatum 30 september 2024 zijn er 5.687 bijstandsuitkeringen in Enschede."


def test_english_words_of_a_group_become_one_term_met_by_the_dutch_forms() -> None:
    terms = question_terms("How many people were on social assistance in Enschede in September?")
    groups = [t for t in terms if isinstance(t, tuple)]
    assert any("bijstand" in g for g in groups)
    # the place is matched to a document's municipality, not counted as a word
    assert "ensched" not in terms
    assert asked_municipality("How many people were on social assistance in Enschede?") == (
        "Enschede"
    )
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
    assert "verwacht" in flat and "ensched" not in flat
    assert coverage(terms, "De raad vergaderde over de begroting.", IDF) == 0.0


def test_a_group_weighs_as_the_form_the_asker_used() -> None:
    # "tegenprestatie" is rare, its group's canonical "verplicht" common: the asker's word counts
    terms = question_terms("Legt Enschede bijstandsgerechtigden een tegenprestatie op?")
    group = next(t for t in terms if isinstance(t, tuple) and "tegenprestatie" in t)
    assert group[0] == "tegenprestatie"
    idf = {"tegenprestatie": 5.0, "verplicht": 1.0, "bijstandsgerechtigd": 1.0, "legt": 1.0}
    idf |= {"bijstand": 1.0}
    # a sentence holding only the rare word covers more than one holding only common ones
    rare = coverage(terms, "In 2019 is de tegenprestatie niet opgelegd.", idf)
    common = coverage(terms, "Bijstandsgerechtigden legt men niets op.", idf)
    assert rare > common


def test_a_measure_that_is_a_function_word_elsewhere_stays_a_term() -> None:
    terms = question_terms("Hoeveel LKS-contracten zijn er in Q3 gestart?")
    assert any(isinstance(t, tuple) and t[0] == "gestart" for t in terms)
    # but a word that only asks for a figure is no term
    assert not any(isinstance(t, tuple) and "hoevel" in t for t in terms)


def test_a_sentence_is_quoted_with_the_figures_that_follow_it() -> None:
    from assistant.pipeline.candidates import Evidence
    from assistant.pipeline.ranking import with_following_figures

    intro = Evidence("d", None, 625, 626, "Het voorlopige budget is bekendgemaakt.", 5.0, 0.7)
    run = Evidence(
        "d", None, 625, 627, f"{intro.quote} Enschede krijgt 114,46 miljoen euro.", 3.0, 0.7
    )
    longer = Evidence("d", None, 625, 629, f"{run.quote} Daarna volgt meer: 12 posten.", 2.0)
    words_only = Evidence("d", None, 625, 628, f"{intro.quote} Dat is goed nieuws.", 4.0)
    picked = with_following_figures(intro, [intro, words_only, longer, run])
    assert (picked.line_start, picked.line_end, picked.quote) == (625, 627, run.quote)
    assert picked.score == intro.score  # ranked as the sentence that was picked
    # no following figure: the sentence stays as it is
    assert with_following_figures(intro, [intro, words_only]) is intro
    # more steps take the next run too, but never into a passage already quoted
    assert with_following_figures(intro, [intro, run, longer], steps=2).line_end == 629
    quoted = Evidence("d", None, 629, 640, "Daarna volgt meer: 12 posten. En nog meer.", 6.0)
    stopped = with_following_figures(intro, [intro, run, longer], [quoted], steps=2)
    assert (stopped.line_start, stopped.line_end) == (625, 627)


def test_two_sentences_sharing_only_a_boundary_line_touch_but_one_quoted_twice_does_not() -> None:
    from assistant.pipeline.candidates import Evidence
    from assistant.pipeline.ranking import overlaps, touches

    run = Evidence("d", None, 531, 539, "De ambitie is behaald. Dat lijkt gerealiseerd.", 4.0)
    after = Evidence("d", None, 539, 540, "De uitstroom naar werk is 429.", 3.0)
    assert overlaps(run, after) and touches(run, after) and touches(after, run)
    again = Evidence("d", None, 538, 539, "Dat lijkt gerealiseerd.", 3.0)
    assert not touches(run, again)  # inside the run
    inside = Evidence("d", None, 539, 539, "Dat lijkt gerealiseerd. De uitstroom", 3.0)
    assert not touches(run, inside)
    assert not touches(run, Evidence("e", None, 539, 540, "De uitstroom naar werk is 429.", 3.0))


def test_unit_coverage_equals_the_coverage_of_one_unit_groups(
    built_figure_index: Settings,
) -> None:
    """UnitLexicon.coverage (every unit, per question) gives what group_coverage gives for
    groups of one unit, without building a group per unit (issue #20)."""
    import numpy as np

    from assistant.sentence_index import SentenceVectors
    from ingest import IndexStore, create_vector_index

    settings = built_figure_index
    version = IndexStore(settings.data_dir / "index", create_vector_index(settings))
    units = SentenceVectors(version.current().path)
    lexicon = units.lexicon()
    idf = {"loonkostensubsidie": 3.0, "contract": 1.5, "gestart": 1.2}
    for question in ("Hoeveel LKS-contracten zijn er in Q3 gestart?", "wat is de tegenprestatie"):
        terms = question_terms(question)
        every = lexicon.coverage(terms, idf)
        groups = lexicon.group_coverage(terms, idf, [[i] for i in range(len(units))])[1]
        assert np.array_equal(every, groups) and every.max() > 0


def test_a_run_ending_before_its_figure_is_quoted_with_it_but_not_into_a_passage_above() -> None:
    import numpy as np

    from assistant.pipeline.candidates import Candidates, Evidence, Ranked
    from assistant.pipeline.question import understand
    from assistant.pipeline.ranking import with_tails

    question = understand("Hoeveel procent doet mee aan activering?", {}, set())
    run = Evidence(
        "d", None, 10, 14, "Wij streven naar 22%. Dat is hoog. Het is lastig. Maar.", 5.0
    )
    result = "Voor de eerste drie kwartalen is het resultaat 21,29%."
    tail = Evidence("d", None, 10, 15, f"{run.quote} {result}", 0.0)
    alone = Evidence("d", None, 15, 15, result, 3.0)  # ranked below: the longer quote holds it
    other = Evidence("e", None, 1, 2, "Elders staat 7 keer iets.", 2.0)
    found = Candidates(question, [], [], [], tails=[tail])
    quoted = with_tails(Ranked(found, [run, alone, other], np.zeros(0))).passages
    assert [(q.doc_id, q.line_start, q.line_end) for q in quoted] == [
        ("d", 10, 15),
        ("e", 1, 2),
    ]
    assert quoted[0].quote.endswith("21,29%.") and quoted[0].score == run.score
    # the figure's sentence ranked above the run keeps its place; the run stays as it is
    above = with_tails(Ranked(found, [alone, run], np.zeros(0))).passages
    assert [(q.line_start, q.line_end) for q in above] == [(15, 15), (10, 14)]
    # no tails: the ranked passages themselves
    plain = Ranked(Candidates(question, [], [], []), [run], np.zeros(0))
    assert with_tails(plain) is plain


def test_a_tail_is_a_full_run_and_the_next_sentence_only_when_that_states_a_figure() -> None:
    from assistant.pipeline.retrieve import RUN_SENTENCES, _runs

    class Units:
        """The unit table's shape that runs are read from: one sentence per line."""

        def __init__(self, texts: list[str]) -> None:
            self.texts = texts
            self.kinds = ["sentence"] * len(texts)

        def __len__(self) -> int:
            return len(self.texts)

        def place(self, i: int) -> tuple[str, None, int, int]:
            return ("d", None, i + 1, i + 1)

    words = [f"Zin {chr(97 + i)} gaat over werk." for i in range(RUN_SENTENCES)]
    with_figure = Units([*words, "Het resultaat was 21,29%."])
    runs, tails = _runs(with_figure, {0: 1})  # type: ignore[arg-type]
    assert max(len(m) for m, _ in runs) == RUN_SENTENCES
    assert tails == [list(range(RUN_SENTENCES + 1))]
    runs, tails = _runs(Units([*words, "Het resultaat was goed."]), {0: 1})  # type: ignore[arg-type]
    assert max(len(m) for m, _ in runs) == RUN_SENTENCES and tails == []
