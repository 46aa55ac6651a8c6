"""Stage 1: a question parsed once into a typed Question (answer type, scope, terms)."""

from __future__ import annotations

import pytest

from assistant.language import question_kind, whole_year_asked
from assistant.pipeline import understand

pytestmark = pytest.mark.unit

DOCS = {
    "kader": {"title": "Beleidskader EAA 2019", "doc_type": "beleidskader", "year": 2019},
    "prog": {"title": "Uitvoeringsprogramma EAA 2025", "doc_type": "uitvoeringsprogramma"},
}


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


@pytest.mark.parametrize(
    ("question", "answer_type"),
    [
        ("Hoeveel LKS-contracten zijn er in Q3 gestart?", "figure"),
        ("Wat is Flextensie precies?", "definition"),
        ("Waarom stopt Enschede met de OpMaat-bijeenkomsten?", "reason"),
        ("Hoe heeft het bijstandsbestand zich ontwikkeld tussen 2018 en 2022?", "comparison"),
        ("How did outflow to work change compared to 2019?", "comparison"),
        ("Wat wil de gemeente bereiken met de EAA?", "policy"),
    ],
)
def test_answer_types(question: str, answer_type: str) -> None:
    assert understand(question, DOCS, set()).answer_type == answer_type


def test_the_scope_asked_is_typed() -> None:
    q = understand("Hoeveel bijstandsuitkeringen had Hengelo in het derde kwartaal van 2024?", DOCS, set())
    assert q.municipality == "Hengelo" and q.region is None
    assert q.years == ("2024",) and q.period == "2024-Q3" and q.quarter == 3
    assert q.kind is None and q.asks_figure and q.language == "nl"
    twente = understand("What was the regional target for placements in Twente?", DOCS, set())
    assert twente.region == "Twente" and twente.municipality is None
    assert twente.kind == "target" and twente.language == "en"
    national = understand("Hoe hoog was de landelijke werkloosheid in 2018?", DOCS, set())
    assert national.region == "Nederland"


def test_a_whole_year_and_the_named_documents() -> None:
    q = understand("Hoeveel mensen zijn er volgens het beleidskader in heel 2019 uitgestroomd?", DOCS, set())
    assert q.whole_year == "2019" and q.named == frozenset({"kader"})
    assert whole_year_asked("How many benefits were there at the end of December 2022?") == "2022"
    assert whole_year_asked("Hoeveel mensen hebben in 2019 een Doen!Beurs bezocht?") is None


def test_period_words_are_no_terms_but_the_subject_is() -> None:
    q = understand("Hoeveel mensen stroomden in de eerste drie kwartalen van 2024 uit?", DOCS, set())
    assert "kwartal" not in " ".join(q.terms) and "2024" not in q.terms
    counted = understand("Hoeveel no-riskpolissen zijn er afgesloten?", DOCS, set())
    assert counted.counted and all(isinstance(t, str) for t in counted.counted)
