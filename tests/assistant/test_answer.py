"""``PolicyAssistant.ask`` over the bundled corpus with the fake embedder (figures are real)."""

from __future__ import annotations

import pytest

from assistant import AskResult, PolicyAssistant
from assistant.blocks import BLOCK_CHARS
from assistant.figure_text import describe_period, describe_value, spelled_note
from assistant.grounding import ground_answer, ungrounded_numbers
from assistant.language import detect_language, is_figure_question
from assistant.numeric import format_value, readings
from assistant.pipeline.answerability import ANSWERABILITY_FEATURES, AnswerabilityModel
from assistant.pipeline.compose import MAX_CITATIONS
from assistant.pipeline.retrieve import RUN_MAX_CHARS
from assistant.sentences import split_sentences
from corpus import BUNDLED_CORPUS_DIR, InvalidRequestError, Settings

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def assistant(built_figure_index: Settings) -> PolicyAssistant:
    return PolicyAssistant(built_figure_index)


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def assert_quotes_verbatim(result: AskResult) -> None:
    for c in result.citations:
        lines = (BUNDLED_CORPUS_DIR / c["source"]).read_text(encoding="utf-8").split("\n")
        cited = _collapsed(" ".join(lines[c["line_start"] - 1 : c["line_end"]]))
        assert c["quote"] and _collapsed(c["quote"]) in cited, c


def assert_grounded(result: AskResult) -> None:
    quotes = [c["quote"] for c in result.citations]
    titles = [d["title"] for d in result.trace.get("named_documents", [])]
    assert ungrounded_numbers(result.answer, quotes, result.figures, titles) == []
    assert result.trace["grounding"]["checked"] is True


def test_q3_lks_is_partial_with_the_cumulative_220_in_dutch(assistant: PolicyAssistant) -> None:
    result = assistant.ask("Hoeveel LKS-contracten zijn er in Q3 gestart?")
    assert result.status == "partial" and result.language == "nl"
    assert result.trace["route"] in ("metrics", "both")
    top = result.figures[0]
    assert top["value"] == 220 and top["period"] == "2024-Q1..Q3" and top["cumulative"]
    assert "220" in result.answer
    assert "eerste drie kwartalen van 2024" in result.answer and "cumulatief" in result.answer
    assert "derde kwartaal" in result.answer  # says what is missing
    assert result.citations and "220" in result.citations[0]["quote"]
    assert result.citations[0]["line_start"] <= top["line"] <= result.citations[0]["line_end"]
    assert_quotes_verbatim(result)
    assert_grounded(result)


def test_english_figure_question_gets_an_english_answer(assistant: PolicyAssistant) -> None:
    result = assistant.ask("How many LKS contracts were running?")
    assert result.language == "en" and result.status == "answered"
    assert "451" in result.answer and "first three quarters of 2024" in result.answer
    assert "Source:" in result.answer and "Bron" not in result.answer
    assert_quotes_verbatim(result)
    assert_grounded(result)


def test_policy_question_quotes_sentences_at_their_lines(assistant: PolicyAssistant) -> None:
    result = assistant.ask("Waarom wordt het Regieteam Integratie uitgebreid?")
    assert result.status == "answered" and result.trace["route"] == "passages"
    assert 1 <= len(result.citations) <= MAX_CITATIONS and not result.figures
    assert [c["id"] for c in result.citations] == [
        f"c{i}" for i in range(1, len(result.citations) + 1)
    ]
    assert any("Regieteam" in c["quote"] and "uitgebreid" in c["quote"] for c in result.citations)
    for c in result.citations:
        assert f"[{c['id']}]" in result.answer
        # sentences, runs of sentences or one list block, never whole chunks
        assert len(c["quote"]) <= max(RUN_MAX_CHARS, BLOCK_CHARS)
    assert_quotes_verbatim(result)
    assert_grounded(result)


def test_english_policy_question_frames_dutch_evidence_in_english(
    assistant: PolicyAssistant,
) -> None:
    result = assistant.ask("What does the framework mean by 'draaideurbijstand'?")
    assert result.language == "en" and result.status == "answered"
    assert result.answer.startswith("According to ")  # English framing, the source named
    assert result.answer.startswith(result.lead)
    assert any("draaideurbijstand" in c["quote"] for c in result.citations)
    assert_quotes_verbatim(result)


def _answerability(refuse: bool) -> AnswerabilityModel:
    """A model whose decision is fixed (all weights zero): the refusal path on its own."""
    n = len(ANSWERABILITY_FEATURES)
    return AnswerabilityModel(
        ANSWERABILITY_FEATURES, (0.0,) * n, (1.0,) * n, (0.0,) * n, 0.0, 0.0 if refuse else 1.0, {}
    )


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        ("Hoeveel LKS-contracten zijn er in Q3 gestart?", "De documenten bevatten hierover geen"),
        ("What is the price of a swimming pool subscription?", "The documents do not contain"),
    ],
)
def test_a_refusal_says_so_plainly_and_names_the_nearest_documents(
    assistant: PolicyAssistant, question: str, opening: str
) -> None:
    assistant.pipeline.use(None, _answerability(refuse=True))
    try:
        result = assistant.ask(question)
    finally:
        assistant.pipeline.use(None, None)
    assert result.status == "refused" and result.trace["route"] == "none"
    assert result.citations == [] and result.figures == []
    assert result.answer.startswith(opening) and result.answer.startswith(result.lead)
    titles = {d["title"] for d in assistant.documents()}
    assert any(title in result.answer for title in titles)
    assert result.trace["evidence"]["p_refused"] >= result.trace["evidence"]["threshold"]
    assert_grounded(result)


@pytest.mark.parametrize(
    ("question", "refused", "opening"),
    [
        # a particular scheme no document names: refused whatever the model says, in words
        (
            "Wat doet het Kraanvogelloket voor werkzoekenden?",
            True,
            "De documenten noemen ‘Kraanvogelloket’ nergens, dus ze zeggen er ook niets over.",
        ),
        (
            "What does the Kraanvogelloket offer job seekers in Enschede?",
            True,
            "The documents never mention ‘Kraanvogelloket’, so they say nothing about it.",
        ),
        # ... and a figure question gets the figure wording
        (
            "Hoeveel deelnemers had Kraanvogelstart Plus in 2024?",
            True,
            "De documenten noemen ‘Kraanvogelstart Plus’ nergens, dus ze geven er ook geen cijfer",
        ),
        # a name general language knows may stand in Dutch in other words (Duitsland)
        ("How many jobseekers from Enschede found work in Germany?", False, ""),
        # a name the documents hold in another ending (Eritrea) is known
        ("Welke hulp krijgen Eritrese nieuwkomers in Hengelo?", False, ""),
    ],
)
def test_a_question_about_a_name_no_document_or_language_knows_is_refused(
    assistant: PolicyAssistant, question: str, refused: bool, opening: str
) -> None:
    assistant.pipeline.use(None, _answerability(refuse=False))
    try:
        result = assistant.ask(question)
    finally:
        assistant.pipeline.use(None, None)
    assert (result.status == "refused") is refused, result.answer
    assert result.answer.startswith(opening)
    if refused:
        assert result.citations == [] and result.figures == []
        titles = {d["title"] for d in assistant.documents()}
        assert any(title in result.answer for title in titles)  # the nearest documents


def test_general_language_knows_common_words_as_written_not_rare_names() -> None:
    from ingest import is_common_word

    assert all(map(is_common_word, ["Germany", "March", "zegt", "organisation", "Gemeente"]))
    assert not any(map(is_common_word, ["Talentenloket", "Kraanvogelloket", "ZEBRAQUARTZ"]))


def test_the_committed_answerability_model_decides_unless_told_otherwise(
    assistant: PolicyAssistant,
) -> None:
    question = "Hoeveel LKS-contracten zijn er in Q3 gestart?"
    assistant.pipeline.use(None, _answerability(refuse=False))
    try:
        answered = assistant.ask(question)
    finally:
        assistant.pipeline.use(None, None)
    assert answered.status != "refused" and answered.citations
    again = assistant.ask(question)
    assert again.trace["evidence"]["threshold"] == AnswerabilityModel.load().threshold


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel bijstandsuitkeringen had Enschede eind 2018?",
        "Hoe groot is het definitieve BUIG-budget van Enschede voor 2024?",
        "Wat was de netto participatiegraad in Enschede in 2018 ook alweer?",
        "How many people entered and left social assistance in the first three quarters of 2024?",
    ],
)
def test_every_number_in_the_answer_is_grounded(assistant: PolicyAssistant, question: str) -> None:
    result = assistant.ask(question)
    assert result.answer.strip()
    assert result.trace["grounding"]["ok"]
    assert_quotes_verbatim(result)
    assert_grounded(result)


def test_conversation_id_is_kept_or_made(assistant: PolicyAssistant) -> None:
    made = assistant.ask("Wat is Flextensie precies?").conversation_id
    assert len(made) == 32
    assert assistant.ask("Wat is Flextensie?", conversation_id="abc").conversation_id == "abc"


@pytest.mark.parametrize("question", ["", "   ", "x" * 20_000])
def test_empty_or_too_long_question_is_rejected(assistant: PolicyAssistant, question: str) -> None:
    with pytest.raises(InvalidRequestError):
        assistant.ask(question)


# ----- the helpers ------------------------------------------------------------------------
def test_language_and_figure_cues() -> None:
    assert detect_language("Hoeveel LKS-contracten zijn er in Q3 gestart?") == "nl"
    assert detect_language("How many LKS contracts were running?") == "en"
    assert is_figure_question("Welk percentage van de doelgroep werkt?")
    assert is_figure_question("How much money did we spend?")
    assert not is_figure_question("Waarom stopt Enschede met OpMaat?")


def test_dutch_and_english_number_formats() -> None:
    assert format_value(6143, "count", "nl") == "6.143"
    assert format_value(6143, "count", "en") == "6,143"
    assert format_value(21.29, "percent", "nl") == "21,29%"
    assert format_value(8_600_000, "euro", "nl") == "€ 8,6 miljoen"
    assert format_value(8_600_000, "euro", "en") == "€8.6 million"
    assert 6143.0 in readings("6.143") and 6143.0 in readings("6,143")
    assert 21.29 in readings("21,29") and 21.29 in readings("21.29")


def test_periods_are_explained() -> None:
    assert describe_period("2024-Q1..Q3", "nl") == "de eerste drie kwartalen van 2024"
    assert describe_period("2024-Q1..Q3", "en") == "the first three quarters of 2024"
    assert describe_period("2024-Q3", "nl") == "het derde kwartaal van 2024"


def test_grounding_drops_lines_with_invented_numbers() -> None:
    answer = "- Gestarte contracten: 6.143 [c1] (regel 89)\n- Er waren er 9999 extra.\n- 21,29% deed mee."
    text, report = ground_answer(answer, ["Totaal: 6143 en 21.29%"], [])
    assert "9999" not in text and "6.143" in text and "21,29%" in text
    assert report.ungrounded == ["9999"] and not report.ok
    assert report.numbers == 3  # the label c1 and the line 89 are not numbers


def test_a_share_row_reads_as_its_numbers_and_percentage_and_is_grounded() -> None:
    quote = "Bij negen van de tien werkenden met risico op armoede, gaat het om deeltijders."
    row = {"value": 0.9, "unit": "ratio", "quote": quote, "period": "unknown"}
    assert describe_value(row, "nl") == ("9 van de 10 (90%)", "")
    assert describe_value(row, "en") == ("9 in 10 (90%)", "")
    assert describe_value({**row, "value": 0.5, "quote": "de helft"}, "nl") == ("50%", "")
    line = f"- werkenden: **{describe_value(row, 'en')[0]}** [c1]"
    assert ungrounded_numbers(line, [quote], [row]) == []  # from the row, not the digits
    assert ungrounded_numbers(line, [quote], []) == ["9", "10", "90"]


def test_a_count_spelled_in_a_quote_is_written_in_digits_and_grounded() -> None:
    quote = "We kiezen voor een jaarlijkse toename van vijftig LKS contracten met drie partners."
    note = spelled_note(quote, "nl")
    assert note == " (in cijfers: vijftig = 50)"  # "drie" stays a word: under SPELLED_MIN
    assert spelled_note(quote, "en") == " (in figures: vijftig = 50)"
    assert spelled_note("Er zijn 671 contracten.", "nl") == ""
    assert ungrounded_numbers(f"- “{quote}” [c1]{note}", [quote], []) == []
    assert ungrounded_numbers(
        "- Er komen 50 contracten bij. [c1]", ["Er komen er veel bij."], []
    ) == ["50"]


def test_sentences_keep_their_line_ranges() -> None:
    lines = [
        (10, "Dit is de eerste zin die over"),
        (11, "twee regels loopt. Hier begint"),
        (12, "de tweede zin."),
        (13, ""),
        (14, "o Gestarte contracten: 220"),
    ]
    found = split_sentences(lines)
    assert [(s.line_start, s.line_end) for s in found] == [(10, 11), (11, 12), (14, 14)]
    assert found[0].text == "Dit is de eerste zin die over twee regels loopt."
    # a blank line inside a sentence (PDF export) does not cut it
    split = split_sentences(
        [(1, "- moet de graad (het deel van de"), (2, ""), (3, "bevolking) omhoog.")]
    )
    assert [(s.text, s.line_start, s.line_end) for s in split] == [
        ("- moet de graad (het deel van de bevolking) omhoog.", 1, 3)
    ]


def test_vocab_files_load_and_every_phrase_renders() -> None:
    import string

    from assistant.figure_text import phrases
    from assistant.language import word_list

    assert word_list("nl") and word_list("en") and word_list("figure_cues")
    nl, en = phrases("nl"), phrases("en")
    assert set(nl) == set(en)
    for table in (nl, en):
        for key, phrase in table.items():
            if isinstance(phrase, list):
                assert len(phrase) == (12 if key == "months" else 4), key
                continue
            names = {f for _, f, _, _ in string.Formatter().parse(phrase) if f}
            rendered = phrase.format(**dict.fromkeys(names, "X"))
            assert "{" not in rendered, key


def test_figure_answer_adds_figure_bearing_passages(assistant: PolicyAssistant) -> None:
    result = assistant.ask("Hoeveel LKS-contracten zijn er in Q3 gestart?")
    if result.trace["route"] == "both":
        extra = [
            c for c in result.citations if c["line_start"] != c["line_end"]
        ] or result.citations
        assert any(ch.isdigit() for c in extra for ch in c["quote"])
    assert len({c["id"] for c in result.citations}) == len(result.citations)


def test_a_figure_row_is_quoted_as_its_whole_sentence(assistant: PolicyAssistant) -> None:
    result = assistant.ask("Hoeveel banen telde Enschede in 2018?")
    assert result.trace["route"] in ("metrics", "both")
    first = result.citations[0]
    row = result.figures[0]
    assert first["line_start"] <= row["line"] <= first["line_end"]
    # the answer shows the quote under the figure, so every number of that sentence is seen
    assert f"“{first['quote']}”" in result.answer
    assert first["quote"].endswith((".", "!", "?", ":")) or first["line_end"] > first["line_start"]
    assert_quotes_verbatim(result)
    assert_grounded(result)


def test_a_weakly_matched_row_whose_own_words_fit_is_still_the_answer(
    assistant: PolicyAssistant,
) -> None:
    # the metrics match is weak (no known subject), but the row's measure names the question's
    # rarest word: it is answered from the figures table, not from passages
    result = assistant.ask("Hoeveel mensen volgden de onderwijsroute in 2024?")
    assert result.trace["route"] in ("metrics", "both")
    assert any(f["value"] == 28 and f["period"] == "2024" for f in result.figures)
    assert_quotes_verbatim(result)
    assert_grounded(result)
