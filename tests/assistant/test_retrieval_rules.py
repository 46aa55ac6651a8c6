"""Retrieval rules: stem prefix matching, unit coverage, group weights, counted nouns, named
documents and definition-frame stopwords."""

from __future__ import annotations

import pytest

from assistant.document_reference import named_documents
from assistant.language import (
    content_stems,
    counted_terms,
    question_terms,
    stems,
)
from assistant.sentences import (
    coverage,
    group_weight,
    idf_table,
    matches,
    meets,
    met_weight,
    stem_set,
)
from assistant.unit_lexicon import UnitLexicon
from corpus import without_periods

pytestmark = pytest.mark.unit


def test_an_exact_stem_meets_even_when_short() -> None:
    assert meets("wet", "wet")
    assert meets("uitstroom", "uitstroom")


def test_a_long_question_stem_meets_a_longer_word_it_begins() -> None:
    assert meets("uitstroom", "uitstroomcijfer")
    # ... but not the other way round: the passage word is much shorter than the question's
    assert not meets("uitstroomcijfer", "uitstroom")


def test_a_compound_first_part_does_not_meet_the_whole_word() -> None:
    assert not meets("arbeidsmigrant", "arbeid")
    assert not matches("arbeidsmigrant", {"arbeid", "markt"})


def test_a_shorter_passage_stem_meets_when_it_holds_most_of_the_question_stem() -> None:
    assert meets("bijstandsuitkering", "bijstandsuitker")
    assert meets("bijstandsuitkeringen", "bijstandsuitker")
    # "inburgering" has 11 letters: 8 (>= 7.7) is enough, 6 is not
    assert meets("inburgering", "inburger")
    assert not meets("inburgering", "inburg")


def test_stems_shorter_than_the_minimum_prefix_only_match_exactly() -> None:
    assert not meets("werk", "werkgever")
    assert not meets("werkg", "werk")
    assert not matches("werk", {"werkgever", "werkloos"})
    assert matches("werk", {"werkgever", "werk"})


def test_matches_looks_for_a_meeting_stem_in_the_whole_set() -> None:
    assert matches("uitstroom", {"de", "uitstroomcijfer"})
    assert not matches("uitstroom", {"instroom", "uitval"})


UNIT_TEXTS = [
    "In 2019 vonden 120 bijstandsgerechtigden werk bij een werkgever.",
    "Het aantal uitkeringsgerechtigden daalde in 2019.",
    "Werkgevers zoeken personeel voor de zorg.",
    "De tegenprestaties zijn verplicht; wie werk heeft gevonden is vrijgesteld.",
]
UNIT_CONTEXTS = ["Uitstroom naar werk", "Bijstand", "Werkgeversdienstverlening", "Participatie"]


JOINED = [f"{c} {t}" for t, c in zip(UNIT_TEXTS, UNIT_CONTEXTS, strict=True)]
# by hand: "uitkeringsgerechtigd" is commoner than the asked "bijstandsgerechtigd", so the
# second unit earns only part of that group's weight
HAND_IDF = {"bijstandsgerechtigd": 3.0, "uitkeringsgerechtigd": 1.0, "werk": 0.5, "gevond": 2.0}


@pytest.mark.parametrize("idf", [idf_table(JOINED), HAND_IDF], ids=["corpus", "hand"])
def test_the_unit_lexicon_scores_every_unit_as_sentence_coverage_does(
    idf: dict[str, float],
) -> None:
    joined = JOINED
    terms = [
        *question_terms("Hoeveel bijstandsgerechtigden hebben werk gevonden?"),
        "tegenprestatie",
    ]
    assert any(isinstance(t, tuple) for t in terms)
    assert "tegenprestatie" in terms  # met by prefix only: the fourth unit says "tegenprestaties"
    lexicon = UnitLexicon(UNIT_TEXTS, UNIT_CONTEXTS)
    got = lexicon.coverage(terms, idf)
    expected = [coverage(terms, text, idf) for text in joined]
    assert list(got) == pytest.approx(expected, rel=1e-5)
    # the case is not degenerate: units differ, and none holds every term
    assert len({round(v, 4) for v in expected}) > 2
    assert all(v < 1.0 for v in expected)
    assert max(expected) > 0.5


@pytest.mark.parametrize("idf", [idf_table(JOINED), HAND_IDF], ids=["corpus", "hand"])
def test_the_unit_lexicon_scores_runs_of_units_as_coverage_of_their_joined_text(
    idf: dict[str, float],
) -> None:
    terms = [
        *question_terms("Hoeveel bijstandsgerechtigden hebben werk gevonden?"),
        "tegenprestatie",
        "daald",
    ]
    groups = [[0], [1], [0, 1], [1, 2, 3], [2, 3]]
    text_share, context_share = UnitLexicon(UNIT_TEXTS, UNIT_CONTEXTS).group_coverage(
        terms, idf, groups
    )
    for group, got_text, got_context in zip(groups, text_share, context_share, strict=True):
        text = " ".join(UNIT_TEXTS[i] for i in group)
        assert got_text == pytest.approx(coverage(terms, text, idf))
        # the headings counted are the first unit's
        with_heading = f"{UNIT_CONTEXTS[group[0]]} {text}"
        assert got_context == pytest.approx(coverage(terms, with_heading, idf))
    # a run holds what neither of its units holds alone
    assert text_share[2] > max(text_share[0], text_share[1])


GROUP = ("tegenprestatie", "verplicht", "obligation")
GROUP_IDF = {"tegenprestatie": 3.0, "verplicht": 1.0, "obligation": 2.0}


def test_a_group_met_only_through_a_commoner_form_earns_that_forms_weight() -> None:
    full = group_weight(GROUP, GROUP_IDF)
    assert full == pytest.approx(3.0)
    common = met_weight(GROUP, stem_set("Deelname is verplicht."), GROUP_IDF)
    assert common == pytest.approx(1.0)
    assert common < full
    assert met_weight(GROUP, stem_set("De tegenprestatie geldt."), GROUP_IDF) == pytest.approx(full)
    assert met_weight(GROUP, stem_set("Niets hierover."), GROUP_IDF) == 0.0


def test_a_group_never_earns_more_than_its_own_weight() -> None:
    # the asker's word is the common one; a rarer form met in the text is capped at the group's
    group = ("verplicht", "tegenprestatie")
    assert group_weight(group, GROUP_IDF) == pytest.approx(1.0)
    have = stem_set("De tegenprestatie geldt.")
    assert met_weight(group, have, GROUP_IDF) == pytest.approx(1.0)


def test_a_group_inside_a_longer_grouped_word_is_not_a_second_term() -> None:
    terms = question_terms("Hoeveel bijstandsgerechtigden stroomden uit?")
    groups = [t for t in terms if isinstance(t, tuple)]
    assert len(groups) == 1
    assert groups[0][0] == "bijstandsgerechtigd"
    assert not any("bijstand" in g for g in groups)
    assert "bijstand" not in terms
    # the same group asked on its own is a term
    alone = question_terms("Hoeveel bijstand is er verstrekt?")
    assert any(isinstance(t, tuple) and t[0] == "bijstand" for t in alone)


def test_a_plain_counted_noun_gives_its_stem() -> None:
    assert counted_terms("Hoeveel no-riskpolissen zijn er in 2019 verstrekt?") == ["riskpoliss"]
    assert counted_terms("How many fte are available for the approach?") == ["fte"]


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel mensen stroomden uit in 2019?",
        "Hoeveel geld is er begroot voor de aanpak?",
        "Hoeveel daarvan hadden werk?",
        "Hoeveel bijstandsgerechtigden hebben werk gevonden?",
        "Wat is de uitstroom naar werk in 2019?",
    ],
)
def test_a_question_counting_no_specific_noun_gives_no_counted_terms(question: str) -> None:
    assert counted_terms(question) == []


DOCUMENTS = {
    "up2025": {
        "title": "Uitvoeringsprogramma Enschedese Arbeidsmarkt Aanpak 2025",
        "doc_type": "uitvoeringsprogramma",
        "year": 2025,
    },
    "bk2019": {
        "title": "Beleidskader Enschedese Arbeidsmarkt Aanpak 2019",
        "doc_type": "beleidskader",
        "year": 2019,
    },
    "hengelo": {
        "title": "Raadsvoorstel en nota “Werk maken van werk”, re-integratiebeleid Hengelo "
        "2016-2020",
        "doc_type": "raadsvoorstel",
        "year": 2017,
    },
    "rb2023": {
        "title": "Raadsbrief Uitvoeringsprogramma EAA 2023",
        "doc_type": "raadsbrief",
        "year": 2023,
    },
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Wat staat er in het Uitvoeringsprogramma EAA 2025 over jongeren?", {"up2025"}),
        ("What are the goals of the framework?", {"bk2019"}),
        ("Wat is het doel van 'Werk maken van werk'?", {"hengelo"}),
        ("Wat staat in de raadsbrief van 2023?", {"rb2023"}),
        ("Wat staat er in het uitvoeringsprogramma 2021?", set()),
        ("Hoeveel mensen stroomden uit in 2019?", set()),
        # a title phrase two documents share names neither
        ("Wat zijn de doelen van de Enschedese Arbeidsmarkt Aanpak?", set()),
    ],
)
def test_named_documents_are_found_by_kind_year_or_title_phrase(
    question: str, expected: set[str]
) -> None:
    assert named_documents(question, DOCUMENTS) == expected


def test_definition_frame_words_are_stopwords() -> None:
    found = content_stems("Hoe definieert de gemeente maatwerk?")
    assert stems("maatwerk")[0] in found
    assert stems("definieert")[0] not in found
    assert found == stems("maatwerk")


def test_a_shortened_last_vowel_still_meets_the_compound_that_keeps_it() -> None:
    # the stemmer gives "uitstrom" for "uitstroom" but "uitstroomcijfer" for "uitstroomcijfers"
    assert stems("uitstroom") == ["uitstrom"]
    assert matches("uitstrom", stem_set("De uitstroomcijfers stegen"))
    assert not matches("uitstrom", stem_set("De instroomcijfers stegen"))


def test_a_grouped_word_that_also_stands_alone_keeps_its_group() -> None:
    terms = question_terms("Hoeveel bijstandsgerechtigden ontvangen bijstand?")
    groups = [t for t in terms if isinstance(t, tuple)]
    assert any(g[0] == "bijstand" for g in groups)
    assert any(g[0] == "bijstandsgerechtigd" for g in groups)
    assert "bijstand" not in terms  # not a plain stem beside its group


def test_period_phrases_are_not_counted_as_question_words() -> None:
    question = "Hoeveel mensen stroomden in de eerste drie kwartalen van 2024 uit naar werk?"
    subject = without_periods(question)
    assert "kwartalen" not in subject and "2024" not in subject
    assert {"kwartal", "eerst", "drie"} & set(content_stems(question))
    assert not {"kwartal", "eerst", "drie"} & set(content_stems(subject))
    assert "werk" in content_stems(subject)
    assert without_periods("Wat is maatwerk?") == "Wat is maatwerk?"


def _spaced(texts: list[str]) -> list[tuple[int, str]]:
    """A PDF export's double spacing: one blank line after every line."""
    out: list[tuple[int, str]] = []
    for text in texts:
        out += [(len(out) + 1, text), (len(out) + 2, "")]
    return out


def test_a_double_spaced_document_keeps_a_sentence_across_its_blank_lines() -> None:
    from assistant.sentences import SPACED_MIN_LINES, double_spaced, split_sentences

    prose = [
        "Het college onderzoekt de problematiek en de werkwijze om hier effectief uitvoering aan",
        "te geven. Daarbij profiteren we van de ervaringen uit projecten als PS Doen, de Dynamische",
        "Investeringsagenda en de 100 gezinnenaanpak.",
        "Accentverschuivingen EAA 2019",  # a heading: a short line
        "In de afgelopen jaren behaalden we positieve resultaten.",
    ]
    filler = [
        f"Regel {n} van een lange alinea die doorloopt tot aan de kantlijn van de bladzijde"
        for n in range(SPACED_MIN_LINES)
    ]
    lines = _spaced(prose + filler)
    assert double_spaced(lines) and not double_spaced([(n, t) for n, t in lines if t])
    texts = [s.text for s in split_sentences(lines, spaced=True)]
    assert (
        "Daarbij profiteren we van de ervaringen uit projecten als PS Doen, de Dynamische "
        "Investeringsagenda en de 100 gezinnenaanpak." in texts
    )
    assert "In de afgelopen jaren behaalden we positieve resultaten." in texts  # not the heading
    # read as an ordinary document, the blank line before a capital ends the sentence
    assert not any(
        "Investeringsagenda" in t and "Daarbij" in t
        for t in (s.text for s in split_sentences(lines))
    )


def test_a_separable_participle_meets_the_verb_split_from_its_particle() -> None:
    from assistant.sentences import coverage

    terms = question_terms("Waarom wordt het regieteam uitgebreid?")
    assert ("uitgebreid", "uitbreid", "breid") in terms
    split = "Om ook de oudkomers te helpen, breiden we het regieteam nu uit."
    assert coverage(terms, split, {}) == 1.0
    assert coverage(terms, "De uitbreiding van het regieteam volgt in 2020.", {}) == 1.0
    assert coverage(terms, "Het regieteam boekt goede resultaten.", {}) < 1.0
    # no particle, or a stem too short to stand alone: the word stays a plain stem
    assert "geholp" in question_terms("Wie wordt er geholpen?")
    assert "toegenom" in question_terms("Wat is er toegenomen?")


def test_a_verb_split_from_its_particles_is_written_whole_when_the_corpus_knows_it() -> None:
    from assistant.language import joined_particles, stems

    known = {stems(w)[0] for w in ("instroom", "uitstroom", "uitbreiding", "toename")}
    question = "Hoeveel mensen stroomden dat jaar in en uit?"
    joined = joined_particles(question, known)
    assert "instroom uitstroom" in joined and "stroomden" not in joined
    assert "uitbreid" in joined_particles("Waarom breiden we het regieteam uit?", known)
    assert "toenam" in joined_particles("Hoeveel nam de bijstand toe?", known)
    # a particle inside the clause, or a joined form the corpus does not know: unchanged
    assert joined_particles("Hoeveel mensen stromen uit naar werk?", known).endswith("naar werk?")
    assert joined_particles(question, set()) == question
