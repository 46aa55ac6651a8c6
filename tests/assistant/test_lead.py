"""The answer's form (issue 19): a lead of at most 40 words that carries the figure, short
quotes within about 120 words, and the rest of the evidence as the collapsed ``more`` part."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import PolicyAssistant
from assistant.eval_scoring import states_number
from assistant.figure_text import Note, describe_period
from assistant.language import Term, question_terms
from assistant.pipeline.lead import (
    ANSWER_WORDS,
    EXCERPT_CHARS,
    LEAD_WORDS,
    best_sentence,
    excerpt,
    figure_lead,
    passage_lead,
    stated_values,
    window,
    with_sentence,
)
from corpus import Settings

pytestmark = pytest.mark.unit

ROW = {
    "value": 220.0,
    "unit": "count",
    "measure": "gestarte contracten",
    "subject": "loonkostensubsidie",
    "municipality": "Enschede",
    "period": "2024-Q1..Q3",
    "cumulative": True,
    "kind": "result",
}


@pytest.fixture(scope="module")
def assistant(built_figure_index: Settings) -> PolicyAssistant:
    return PolicyAssistant(built_figure_index)


def visible(answer: str, more: str) -> str:
    return answer[: len(answer) - len(more)] if more else answer


def test_a_figure_lead_states_the_number_with_unit_place_period_and_kind() -> None:
    lead = figure_lead([(ROW, "c1")], [], "nl")
    assert lead.startswith("220 gestarte contracten") and "Enschede" in lead
    assert "de eerste drie kwartalen van 2024" in lead and "resultaat" in lead
    assert lead.endswith("[c1].") and len(lead.split()) <= LEAD_WORDS


def test_a_subject_is_told_in_words_not_as_its_vocabulary_key() -> None:
    lead = figure_lead([({**ROW, "subject": "beschut_werk"}, "c1")], [], "nl")
    assert "(beschut werk)" in lead and "_" not in lead
    lead = figure_lead([({**ROW, "subject": "re_integratie"}, "c1")], [], "nl")
    assert "(re-integratie)" in lead  # the group's own spelling


def test_a_partial_lead_says_briefly_what_is_missing_and_stays_short() -> None:
    note = Note(
        "Let op: " + "een lange uitleg " * 20, "Geen cijfer voor alleen het derde kwartaal."
    )
    long_row = {**ROW, "measure": " ".join(["woord"] * 30)}
    lead = figure_lead([(long_row, "c1"), (ROW, "c2")], [note], "nl")
    assert lead.startswith(note.short) and "220" in lead
    assert "uitleg" not in lead and len(lead.split()) <= LEAD_WORDS


def test_two_rows_share_the_lead_when_they_fit() -> None:
    other = {**ROW, "value": 451.0, "measure": "lopende contracten"}
    lead = figure_lead([(ROW, "c1"), (other, "c1")], [], "nl")
    assert "220" in lead and "451" in lead and len(lead.split()) <= LEAD_WORDS


def test_dates_are_told_in_words() -> None:
    assert describe_period("2019-10-01", "nl") == "op 1 oktober 2019"
    assert describe_period("2024-09", "en") == "September 2024"


def test_a_passage_lead_of_a_figure_question_quotes_a_sentence_with_a_figure() -> None:
    quote = (
        "De beurzen zijn door veel personen uit de hele stad bezocht en zij hebben "
        "er graag aan deelgenomen. Het waren er in 2019 3317 personen."
    )
    terms = question_terms("Hoeveel personen hebben aan de beurzen deelgenomen?")
    citation = {"id": "c1", "title": "Evaluatie EAA 2019", "location": "r. 3–4", "quote": quote}
    lead = passage_lead([citation], [], terms, {}, "nl", figure=True)
    assert "3317" in lead and lead.startswith("Volgens Evaluatie EAA 2019 (r. 3–4)")
    assert len(lead.split()) <= LEAD_WORDS
    assert best_sentence([quote], terms, {}, figure=False)[1].startswith("De beurzen")


def test_a_long_sentence_is_cut_to_the_words_that_hold_the_figure() -> None:
    words = " ".join(f"woord{i}" for i in range(60))
    text = f"{words} er zijn 53 deelnemers in Enschede {words}"
    terms = question_terms("Hoeveel deelnemers?")
    cut = window(text, 12, terms, {}, figure=True)
    assert "53" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut.split()) <= 14
    short = excerpt(f"{text}. Een andere zin.", terms, {}, figure=True)
    assert "53" in short and len(short) <= EXCERPT_CHARS + 20


def test_a_figure_answer_is_short_and_keeps_the_rest_collapsed(
    assistant: PolicyAssistant,
) -> None:
    result = assistant.ask("Hoeveel LKS-contracten zijn er in Q3 gestart?")
    assert result.answer.startswith(result.lead) and "220" in result.lead
    assert len(result.lead.split()) <= LEAD_WORDS
    assert result.lead.startswith("Geen cijfer voor alleen het derde kwartaal")
    assert result.more.startswith("Meer in de bronnen:") and result.answer.endswith(result.more)
    shown = visible(result.answer, result.more)
    assert len(shown.split()) <= ANSWER_WORDS
    assert "Let op" in shown  # the full note stands below the lead
    # no file name where a person reads; the rows are named by title
    assert ".txt" not in result.answer
    assert "Uitvoeringsprogramma" in result.more


def test_a_passages_answer_has_a_short_lead_and_its_whole_quotes_in_more(
    assistant: PolicyAssistant,
) -> None:
    result = assistant.ask("Waarom wordt het Regieteam Integratie uitgebreid?")
    assert result.trace["route"] == "passages" and result.lead
    assert len(result.lead.split()) <= LEAD_WORDS
    first = result.citations[0]
    assert f"({first['location']})" in result.lead or "[c" in result.lead
    shown = visible(result.answer, result.more)
    assert "[c1]" in shown and ".txt" not in result.answer
    for c in result.citations:
        assert f"[{c['id']}]" in result.answer


def test_every_row_of_a_several_part_answer_fits_the_lead_with_what_they_share_told_once() -> None:
    rows = [
        (ROW, "c1"),
        ({**ROW, "value": 451.0, "measure": "lopende contracten"}, "c1"),
        ({**ROW, "value": 155.0, "measure": "beëindigde contracten"}, "c2"),
    ]
    lead = figure_lead(rows, [], "nl")
    assert all(n in lead for n in ("220", "451", "155")) and len(lead.split()) <= LEAD_WORDS
    # municipality, period and kind once, in front; each place cited after its last row
    assert lead.startswith("In Enschede, de eerste drie kwartalen van 2024, cumulatief")
    assert lead.count("de eerste drie kwartalen") == 1 and lead.count("Enschede") == 1
    assert lead.count("[c1]") == 1 and lead.endswith("[c2].")


def test_rows_that_differ_in_kind_or_period_say_so_each() -> None:
    target = {**ROW, "value": 300.0, "kind": "target", "period": "2024", "cumulative": False}
    lead = figure_lead([(ROW, "c1"), (target, "c2")], [], "en")
    assert lead.startswith("In Enschede:") and "220" in lead and "300" in lead
    assert "the first three quarters of 2024, cumulative, result" in lead
    assert "the year 2024, target" in lead and len(lead.split()) <= LEAD_WORDS


def test_rows_are_left_out_of_the_lead_only_when_they_do_not_fit() -> None:
    many = [
        ({**ROW, "value": float(100 + i), "subject": f"onderwerp{i}"}, f"c{i}") for i in range(9)
    ]
    lead = figure_lead(many, [], "nl")
    assert len(lead.split()) <= LEAD_WORDS and "100" in lead and "108" not in lead


def test_a_passage_lead_quotes_the_figures_beside_its_sentence_when_they_fit() -> None:
    quote = (
        "Ons doel was om in 2022 tenminste 21% van het bijstandsbestand te laten participeren. "
        "Met een resultaat van 21,8% haalden we het doel. Dat is een mooi resultaat."
    )
    terms = question_terms("Welk doel gold in 2022 voor participatie, en is het gehaald?")
    citation = {"id": "c1", "title": "Raadsbrief EAA 2023", "location": "r. 80–85", "quote": quote}
    lead = passage_lead([citation], [], terms, {}, "nl", figure=True)
    assert "21%" in lead and "21,8%" in lead and "mooi" not in lead
    assert len(lead.split()) <= LEAD_WORDS
    # a question that asks no figure: its best sentence, with the figures beside it when
    # it states one itself
    plain = passage_lead([citation], [], terms, {}, "nl", figure=False)
    assert "21%" in plain and "21,8%" in plain
    words = question_terms("Was het een mooi resultaat?")
    assert "21" not in passage_lead([citation], [], words, {}, "nl", figure=False)


def test_a_figure_beside_a_sentence_too_long_to_fit_whole_is_cut_into_the_lead() -> None:
    # the target's sentence and the result's sentence are together longer than the lead's
    # room: the lead keeps the words that state both figures, not the target alone
    quote = (
        "Het streven voor het aantal uitplaatsingen via het Kraanvogelloket vanuit het "
        "bijstandsbestand van de gemeente Groenlo is in 2030 vastgesteld op 120 uitplaatsingen. "
        "Tot en met het derde kwartaal van 2030 zijn er in totaal 97 inwoners uitgeplaatst. "
        "Dat ligt boven de lijn van het streven."
    )
    terms = question_terms("Haalt Groenlo in 2030 het streven van het Kraanvogelloket?")
    citation = {
        "id": "c1",
        "title": "Uitvoeringsprogramma Werk en Inkomen Groenlo 2031",
        "location": "r. 1616–1650",
        "quote": quote,
    }
    lead = passage_lead([citation], [], terms, {}, "nl", figure=False)
    assert "120" in lead and "97" in lead
    assert len(lead.split()) <= LEAD_WORDS


def test_table_rows_beside_a_table_row_are_not_packed_into_the_lead() -> None:
    # a row of a table is no sentence: the lead does not trade it for the densest rows
    quote = (
        "Budget 2017 2018 2019 Perspectiefjaar 200.000 200.000 200.000. "
        "Totaal 3.700.445 3.695.772 3.813.336 3.897.295 4.118.352 4.216.171 4.300.000. "
        "Klassiek " + " ".join(f"3.{n}07.590" for n in range(10, 30)) + "."
    )
    terms = question_terms("Hoeveel geld staat er in de begroting voor het Perspectiefjaar?")
    citation = {"id": "c1", "title": "Nota", "location": "r. 1–3", "quote": quote}
    lead = passage_lead([citation], [], terms, {}, "nl", figure=True)
    assert "Perspectiefjaar 200.000" in lead and "3.1007.590" not in lead
    assert len(lead.split()) <= LEAD_WORDS


def test_a_several_part_figure_question_gets_every_shown_row_in_its_lead(
    assistant: PolicyAssistant,
) -> None:
    result = assistant.ask(
        "Hoe groot is het gat op het BUIG-budget over 2022 en welk deel daarvan vangen we op "
        "met algemene middelen?"
    )
    rows = [f for f in result.figures if not f.get("conflict")]
    assert len(rows) >= 3  # the gap, what general funds cover, and what is left
    for row in rows:
        assert states_number(result.lead, {float(row["value"])}), row
    assert len(result.lead.split()) <= LEAD_WORDS and result.lead.count("het jaar 2022") == 1
    assert len(visible(result.answer, result.more).split()) <= ANSWER_WORDS


def test_a_long_sentence_with_a_figure_keeps_it_when_cut_also_for_a_question_asking_none() -> None:
    sentence = (
        "In de voorloper van de nota van 2011 (de nota Sterk Werk uit 2006) werd de ambitie "
        "geformuleerd om " + " ".join(["heel"] * 20) + " veel mensen, namelijk 230 mensen per "
        "jaar, te laten uitstromen naar werk of zelfstandig ondernemerschap."
    )
    terms = question_terms("Welke ambitie had de voorloper van de nota?")
    citation = {"id": "c1", "title": "Nota", "location": "r. 489–494", "quote": sentence}
    lead = passage_lead([citation], [], terms, {}, "nl", figure=False)
    assert "230" in lead and len(lead.split()) <= LEAD_WORDS
    # ... but not a list's numbers
    listed = passage_lead([citation], [], terms, {}, "nl", figure=False, counts=False)
    assert "230" not in listed


def test_a_passage_lead_names_the_figure_for_the_year_asked_beside_its_sentence() -> None:
    quote = (
        "Om de economie te laten groeien moet de bruto arbeidsdeelname van de inwoners "
        "(het deel van de volwassenen dat werkt of werk zoekt) flink omhoog. "
        "In 2021 was dat 61,4%. De regio werkt daarvoor samen met het onderwijs."
    )
    terms = question_terms("Wat was de bruto arbeidsdeelname in 2021?")
    citation = {"id": "c1", "title": "Regioagenda", "location": "r. 10–14", "quote": quote}
    lead = passage_lead([citation], [], terms, {}, "nl", figure=False, years=["2021"])
    assert "arbeidsdeelname" in lead and "61,4%" in lead and "onderwijs" not in lead
    assert len(lead.split()) <= LEAD_WORDS
    # without an asked year, or for a year the quote gives no figure for: the sentence alone
    assert "61,4%" not in passage_lead([citation], [], terms, {}, "nl", figure=False)
    other = passage_lead([citation], [], terms, {}, "nl", figure=False, years=["2019"])
    assert "61,4%" not in other
    # a list's or a definition's numbers are not counts: no figure is added
    listed = passage_lead(
        [citation], [], terms, {}, "nl", figure=False, years=["2021"], counts=False
    )
    assert "61,4%" not in listed


def test_a_question_how_something_developed_gets_the_figures_in_its_lead(tmp_path: Path) -> None:
    # a comparison asks no "hoeveel", but its answer is the figures: the lead quotes the
    # sentence that states them, not the one that only names the subject best
    from corpus import write_manifest
    from tests.conftest import fake_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    filler = [f"Paragraaf {n} gaat over de wijkteams in wijk {n}." for n in range(1, 30)]
    paragraph = [
        "De waardering van klanten voor het Stadsloket meten we elke twee jaar, zodat we zien "
        "hoe die waardering zich ontwikkelt.",
        "Die steeg van een 6,9 in 2021 naar een 7,6 in 2023.",
    ]
    (corpus / "jaarverslag.txt").write_text(
        "\n\n".join([*filler[:15], " ".join(paragraph), *filler[15:]]) + "\n", encoding="utf-8"
    )
    write_manifest(corpus, {"jaarverslag.txt": {"title": "Jaarverslag", "municipality": "Delden"}})
    assistant = PolicyAssistant(fake_settings(tmp_path / "data", corpus_dirs=[corpus]))
    assert not assistant.ingest().failed
    result = assistant.ask(
        "Hoe heeft de waardering van klanten voor het Stadsloket zich ontwikkeld?"
    )
    assert result.status != "refused"
    assert "6,9" in result.lead and "7,6" in result.lead
    assert len(result.lead.split()) <= LEAD_WORDS


def test_a_figure_lead_quotes_its_rows_sentence_when_that_states_the_figure_beside_it() -> None:
    row = {**ROW, "value": 1.14, "unit": "percent", "measure": "stijging", "subject": "bijstand"}
    lead = figure_lead([(row, "c1")], [], "nl")
    quote = (
        "De instroom in de bijstand stijgt per saldo harder dan het landelijk gemiddelde. "
        "Enschede kent een stijging van 1,14% van het bijstandsbestand ten opzichte van een "
        "landelijke stijging van 0,49%."
    )
    told = with_sentence(lead, quote, "stijging van 1,14%.", [], {}, "nl")
    assert told.startswith(lead) and "landelijke stijging van 0,49%" in told
    assert "De instroom" not in told  # only the sentence of the row's own line
    assert states_number(told, {0.49}) and len(told.split()) <= LEAD_WORDS
    english = with_sentence(
        figure_lead([(row, "c1")], [], "en"), quote, "stijging van 1,14%.", [], {}, "en"
    )
    assert "In Dutch: “" in english and len(english.split()) <= LEAD_WORDS


def test_a_figure_lead_adds_no_sentence_that_only_repeats_it_or_is_a_grid_of_figures() -> None:
    row = {**ROW, "value": 5687.0, "measure": "bijstandsuitkeringen", "subject": "bijstand"}
    lead = figure_lead([(row, "c1")], [], "nl")
    same = "Er zijn 5.687 bijstandsuitkeringen."
    assert with_sentence(lead, same, "Er zijn 5.687", [], {}, "nl") == lead
    grid = "Totaal 5.687 2.118 2.226 2.269 2.388 2.377 1.963 1.707 1.126"
    assert with_sentence(lead, grid, "Totaal 5.687", [], {}, "nl") == lead
    # an English lead writes the figure with English marks: the Dutch sentence repeats it
    share = {**ROW, "value": 1.14, "unit": "percent", "measure": "stijging", "subject": "bijstand"}
    english = figure_lead([(share, "c1")], [], "en")
    assert "1.14%" in english
    again = "Enschede kent een stijging van 1,14% van het bijstandsbestand."
    assert with_sentence(english, again, "stijging van 1,14%.", [], {}, "en") == english
    assert stated_values("6.143 en 1,14%", "nl") == {6143.0, 1.14}
    assert stated_values("6,143 and 1.14%", "en") == {6143.0, 1.14}


def test_a_figure_lead_whose_row_sentence_repeats_it_quotes_the_figures_beside_it() -> None:
    row = {**ROW, "value": 207.0, "measure": "mensen gestart", "subject": "scholing"}
    lead = figure_lead([(row, "c1")], [], "nl")
    quote = (
        "Er zijn 207 mensen gestart met scholing. Hiervan is inmiddels 32% uitgestroomd naar "
        "werk en 23% met overige reden uitstroom. Het traject loopt door."
    )
    told = with_sentence(lead, quote, "Er zijn 207 mensen gestart met scholing.", [], {}, "nl")
    assert told.startswith(lead) and states_number(told, {32.0}) and states_number(told, {23.0})
    assert "loopt door" not in told and len(told.split()) <= LEAD_WORDS
    # a sentence beside it that states no figure does not come along: the lead stays as it is
    plain = "Er zijn 207 mensen gestart met scholing. Het traject loopt door."
    assert with_sentence(lead, plain, "Er zijn 207 mensen gestart", [], {}, "nl") == lead


def test_a_figure_lead_prefers_the_sentence_stating_the_kind_of_figure_asked() -> None:
    from assistant.pipeline.figure_fit import states_unit_asked
    from metrics import parse_question

    question = "Met hoeveel banen groeit Twente naar verwachting in 2024?"
    quote = (
        "Het CPB verwacht voor Twente in 2024 een groei van de economie van 1,1%. "
        "Het aantal banen in Twente groeit naar verwachting met 2.600 in 2024."
    )
    terms = question_terms(question)
    query = parse_question(question)
    _, fitted = best_sentence(
        [quote], terms, {}, figure=True, fits=lambda s: states_unit_asked(query, s)
    )
    assert "2.600" in fitted and "1,1%" not in fitted
    assert states_unit_asked(query, fitted) and not states_unit_asked(query, quote.split(". ")[0])


def _window_as_before(
    text: str, size: int, terms: list[Term], idf: dict[str, float], figure: bool, most_figures: bool
) -> str:
    """``window`` as it was: every run's text joined and stemmed again (issue #20)."""
    from assistant.pipeline.lead import ELLIPSIS, _score, figure_count

    words = text.split()
    if len(words) <= size:
        return text
    size = max(size, 1)

    def key(i: int) -> tuple:
        part = " ".join(words[i : i + size])
        if not figure:
            return (*_score(part, terms, idf, figure), -i)
        if most_figures:
            return (figure_count(part), *_score(part, terms, idf, figure), -i)
        return (*_score(part, terms, idf, figure), figure_count(part), -i)

    best = max(range(len(words) - size + 1), key=key)
    part = " ".join(words[best : best + size])
    head = f"{ELLIPSIS} " if best > 0 else ""
    tail = f" {ELLIPSIS}" if best + size < len(words) else ""
    return f"{head}{part}{tail}"


def test_a_window_scores_its_runs_by_their_words_stems_as_by_their_text() -> None:
    """The runs' stems are read per word once (``window``), which picks the run the stemming
    of every run's text picked: over paragraphs of the bundled corpus, with questions' terms,
    figure or not, most figures first or not, and idf weights or none."""
    import random

    from assistant.sentences import idf_table
    from corpus import BUNDLED_CORPUS_DIR

    rng = random.Random(11)
    texts = [p.read_text(encoding="utf-8") for p in sorted(BUNDLED_CORPUS_DIR.glob("*.txt"))]
    paragraphs = [p for t in texts for p in t.split("\n\n") if len(p.split()) > 12]
    idf = idf_table(texts)
    questions = [
        "Hoeveel LKS-contracten zijn er in Q3 gestart?",
        "Wat is de preventiequote van Hengelo over 2019?",
        "How many people with a WSW indication work in sheltered employment?",
        "Hoeveel bijstandsuitkeringen had de gemeente per 1 januari?",
        "Welke vergoeding krijgt iemand op een participatieplaats (premie)?",
    ]
    for paragraph in rng.sample(paragraphs, 120):
        terms = question_terms(rng.choice(questions))
        size = rng.choice([4, 8, 12, 40])
        for figure, most in ((False, False), (True, False), (True, True)):
            for weights in (idf, {}):
                for asked in (terms, []):
                    expected = _window_as_before(paragraph, size, asked, weights, figure, most)
                    got = window(paragraph, size, asked, weights, figure, most_figures=most)
                    assert got == expected
