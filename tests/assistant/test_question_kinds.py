"""What a question asks for (definition, list, reason, place), and the passages that fit it."""

from __future__ import annotations

import pytest

from assistant.evidence import Evidence
from assistant.language import asked_municipality, has_marker, question_kind
from assistant.passage_fit import kind_fit, place_fit

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Wat is Flextensie precies?", "definition"),
        ("Wat wordt er bedoeld met de ketenaanpak?", "definition"),
        ("What does the framework mean by 'draaideurbijstand'?", "definition"),
        ("Welke vier doelen had het uitvoeringsprogramma EAA 2019?", "list"),
        ("In which sectors does Enschede want to create more suitable jobs?", "list"),
        ("Waarom wordt het Regieteam Integratie uitgebreid?", "reason"),
        ("Why is Enschede dropping the OpMaat meetings?", "reason"),
        ("Hoeveel LKS-contracten zijn er in Q3 gestart?", None),
    ],
)
def test_question_kinds(question: str, kind: str | None) -> None:
    assert question_kind(question) == kind


def test_a_definition_question_prefers_a_defining_passage_and_a_list_question_a_list() -> None:
    defining = Evidence("d", None, 1, 2, "Een methode waarbij werkzoekenden werken.", 0.0)
    plain = Evidence("d", None, 3, 4, "De werking wordt positief ervaren door werkgevers.", 0.0)
    under_heading = Evidence("d", None, 5, 6, "Werkzoekenden doen werkervaring op.", 0.0)
    under_heading.context = "Flextensie Beschrijving"
    assert kind_fit("definition", defining) > kind_fit("definition", plain) == 0.0
    assert kind_fit("definition", under_heading) > 0.0
    listed = Evidence("d", None, 1, 9, "Dat leidt tot de volgende ambities: • een • twee", 0.0)
    listed.block = True
    assert kind_fit("list", listed) > kind_fit("list", plain)
    assert has_marker("Dat komt omdat de opkomst laag is.", "reason_markers")


def test_a_passage_of_the_asked_place_counts_only_when_it_is_on_the_subject() -> None:
    documents = {"hengelo": {"municipality": "Hengelo"}, "enschede": {"municipality": "Enschede"}}
    on_topic = Evidence("hengelo", None, 1, 2, "De preventiequote was 56,3%.", 0.0, coverage=0.8)
    off_topic = Evidence(
        "hengelo", None, 3, 4, "Hengelo heeft een nieuw stadhuis.", 0.0, coverage=0.1
    )
    elsewhere = Evidence("enschede", None, 1, 2, "De preventiequote was 50%.", 0.0, coverage=0.8)
    named = Evidence("enschede", None, 5, 6, "In Hengelo was de quote 56%.", 0.0, coverage=0.8)
    assert asked_municipality("Zat de preventiequote van Hengelo boven de ambitie?") == "Hengelo"
    assert place_fit("Hengelo", on_topic, documents) == 1.0
    assert place_fit("Hengelo", off_topic, documents) == 0.0
    assert place_fit("Hengelo", elsewhere, documents) == -1.0
    assert place_fit("Hengelo", named, documents) == 1.0
