"""Follow-up resolution on many phrasings (Dutch and English), without an index."""

from __future__ import annotations

import pytest

from assistant import Turn, resolve_followup
from assistant.followup import is_source_request, vocabulary
from ingest import SearchFilters

pytestmark = pytest.mark.unit

LKS_Q3 = "Hoeveel LKS-contracten zijn er in Q3 gestart?"
LKS_2024 = (
    "Hoeveel LKS-contracten zijn er in de eerste drie kwartalen van 2024 in Enschede gestart?"
)


def turn(question: str, figures: list[dict[str, object]] | None = None, **filters: object) -> Turn:
    """A stored turn as the assistant writes it for a first question."""
    resolution = resolve_followup(question, None, SearchFilters(**filters))  # type: ignore[arg-type]
    return Turn(
        question=question,
        resolved_question=resolution.question,
        kind=resolution.kind,
        language="nl",
        status="partial",
        route="both",
        index_version="v1",
        frame=resolution.frame,
        citations=[],
        figures=figures or [],
        turn=1,
    )


def test_the_vocabulary_file_loads_with_every_section() -> None:
    v = vocabulary()
    for section in ("markers", "source_requests", "fillers", "aspects", "anaphora"):
        assert v[section], section
    assert v["connectors"] == {"nl": "van", "en": "of"}
    assert set(v["phrases"]) == {"nl", "en"}
    assert all(isinstance(offset, int) for offset in v["relative_years"].values())


def test_a_first_question_is_new_and_framed() -> None:
    first = turn(LKS_2024)
    assert first.kind == "new" and first.resolved_question == LKS_2024
    frame = first.frame
    assert frame.subject == ["LKS-contracten"]
    assert (frame.period, frame.year, frame.quarter) == ("2024-Q1..Q3", 2024, None)
    assert frame.period_text == "de eerste drie kwartalen van 2024"
    assert frame.municipality == "Enschede"
    bare = turn(LKS_Q3).frame
    assert (bare.period, bare.year, bare.quarter) == ("Q3", None, 3)


@pytest.mark.parametrize(
    ("follow_up", "resolved"),
    [
        ("en in 2022?", "Hoeveel LKS-contracten zijn er in Q3 2022 gestart?"),
        ("En in 2022", "Hoeveel LKS-contracten zijn er in Q3 2022 gestart?"),
        ("and in 2022?", "Hoeveel LKS-contracten zijn er in Q3 2022 gestart?"),
        ("what about 2023?", "Hoeveel LKS-contracten zijn er in Q3 2023 gestart?"),
        ("2023?", "Hoeveel LKS-contracten zijn er in Q3 2023 gestart?"),
        ("en in het tweede kwartaal?", "Hoeveel LKS-contracten zijn er in Q2 gestart?"),
        ("and in Hengelo?", "Hoeveel LKS-contracten zijn er in Q3 gestart in Hengelo?"),
        ("en Hengelo?", "Hoeveel LKS-contracten zijn er in Q3 gestart in Hengelo?"),
        ("en hoe zit het met hengelo?", "Hoeveel LKS-contracten zijn er in Q3 gestart in Hengelo?"),
        (
            "and in Hengelo in 2023?",
            "Hoeveel LKS-contracten zijn er in Q3 2023 gestart in Hengelo?",
        ),
        (
            "Hoeveel had Almelo in 2022?",
            "Hoeveel LKS-contracten zijn er in Q3 2022 gestart in Almelo?",
        ),
        # the previous answer was about 2024: the year before is 2023
        ("en het jaar daarvoor?", "Hoeveel LKS-contracten zijn er in Q3 2023 gestart?"),
        ("and the year before?", "Hoeveel LKS-contracten zijn er in Q3 2023 gestart?"),
        ("en het kwartaal daarvoor?", "Hoeveel LKS-contracten zijn er in Q2 2024 gestart?"),
    ],
)
def test_a_period_or_place_refines_the_previous_question(follow_up: str, resolved: str) -> None:
    previous = turn(LKS_Q3, figures=[{"period": "2024-Q1..Q3", "value": 220}])
    resolution = resolve_followup(follow_up, previous)
    assert resolution.kind == "refine" and resolution.follow_up
    assert resolution.question == resolved
    assert resolution.frame.subject == ["LKS-contracten"]


@pytest.mark.parametrize(
    ("follow_up", "resolved", "period", "place"),
    [
        (
            "en in 2022?",
            "Hoeveel LKS-contracten zijn er in de eerste drie kwartalen van 2022 in Enschede gestart?",
            "2022-Q1..Q3",
            "Enschede",
        ),
        (
            "and in Hengelo?",
            "Hoeveel LKS-contracten zijn er in de eerste drie kwartalen van 2024 in Hengelo gestart?",
            "2024-Q1..Q3",
            "Hengelo",
        ),
        (
            "en het jaar daarvoor?",
            "Hoeveel LKS-contracten zijn er in de eerste drie kwartalen van 2023 in Enschede gestart?",
            "2023-Q1..Q3",
            "Enschede",
        ),
        (
            "en in 2021 in Borne?",
            "Hoeveel LKS-contracten zijn er in de eerste drie kwartalen van 2021 in Borne gestart?",
            "2021-Q1..Q3",
            "Borne",
        ),
    ],
)
def test_a_refinement_replaces_the_year_and_place_and_keeps_the_rest(
    follow_up: str, resolved: str, period: str, place: str
) -> None:
    resolution = resolve_followup(follow_up, turn(LKS_2024))
    assert resolution.question == resolved
    assert (resolution.frame.period, resolution.frame.municipality) == (period, place)


@pytest.mark.parametrize(
    ("follow_up", "resolved"),
    [
        ("wat was het doel?", "wat was het doel van LKS-contracten in Enschede in Q3?"),
        ("en de doelgroep?", "de doelgroep van LKS-contracten in Enschede in Q3?"),
        ("what was the goal?", "what was the goal of LKS-contracten in Enschede in Q3?"),
        ("what was its purpose?", "what was the purpose of LKS-contracten in Enschede in Q3?"),
        ("hoe werkt dat?", "hoe werkt LKS-contracten in Enschede in Q3?"),
        ("wat zijn de kosten daarvan?", "wat zijn de kosten van LKS-contracten in Enschede in Q3?"),
        ("en hoeveel liepen er?", "hoeveel LKS-contracten liepen er in Enschede in Q3?"),
        ("waarom?", "waarom LKS-contracten in Enschede in Q3?"),
        ("wat was het doel in 2022?", "wat was het doel in 2022 van LKS-contracten in Enschede?"),
    ],
)
def test_a_question_without_its_own_subject_asks_about_the_previous_one(
    follow_up: str, resolved: str
) -> None:
    previous = turn("Hoeveel LKS-contracten zijn er in Q3 in Enschede gestart?")
    resolution = resolve_followup(follow_up, previous)
    assert resolution.kind == "aspect"
    assert resolution.question == resolved
    assert resolution.frame.subject == ["LKS-contracten"]  # the topic stays for the next turn


def test_an_english_policy_question_carries_its_subject_and_place() -> None:
    previous = turn("Why is Enschede dropping the OpMaat meetings?")
    assert previous.frame.municipality == "Enschede"
    goal = resolve_followup("what was the goal?", previous)
    assert goal.question == "what was the goal of dropping OpMaat meetings in Enschede?"
    moved = resolve_followup("and in Hengelo?", previous)
    assert moved.question == "Why is Hengelo dropping the OpMaat meetings?"
    later = resolve_followup("and in 2023?", previous)
    assert later.question == "Why is Enschede dropping the OpMaat meetings in 2023?"


def test_a_marker_with_a_new_subject_keeps_place_and_period() -> None:
    resolution = resolve_followup("en de preventiequote?", turn(LKS_2024))
    assert resolution.kind == "subject"
    assert resolution.question == (
        "de preventiequote in Enschede in de eerste drie kwartalen van 2024?"
    )
    assert resolution.frame.subject == ["preventiequote"]


@pytest.mark.parametrize(
    "question",
    [
        "Wat verstaat Hengelo onder de preventiequote?",
        "Hoeveel bijstandsgerechtigden had Enschede eind 2023?",
        "Why is Enschede dropping the OpMaat meetings?",
        "ok bedankt",
        "Welke drie beleidslijnen heeft de Enschedese Arbeidsmarkt Aanpak en wat houden ze in?",
    ],
)
def test_a_question_with_its_own_subject_is_new(question: str) -> None:
    resolution = resolve_followup(question, turn(LKS_Q3))
    assert resolution.kind == "new" and not resolution.follow_up
    assert resolution.question == question


@pytest.mark.parametrize(
    "question",
    [
        "waar staat dat?",
        "Waar staat dat precies?",
        "en waar staat dat dan?",
        "bron?",
        "Bronnen",
        "wat is de bron?",
        "in welk document staat dat?",
        "where does it say that?",
        "Where is that written?",
        "and what is the source?",
        "sources?",
    ],
)
def test_source_requests_are_recognised(question: str) -> None:
    assert is_source_request(question)
    resolution = resolve_followup(question, turn(LKS_Q3))
    assert resolution.kind == "source" and resolution.question == LKS_Q3


@pytest.mark.parametrize(
    "question",
    ["Waar staat de preventiequote in het beleidskader?", "What is the source of funding?"],
)
def test_a_question_about_a_source_of_something_else_is_not_a_source_request(
    question: str,
) -> None:
    assert not is_source_request(question)


def test_without_a_previous_turn_nothing_is_a_follow_up() -> None:
    for question in ("en in 2022?", "waar staat dat?", "wat was het doel?"):
        resolution = resolve_followup(question, None)
        assert resolution.kind == "new" and resolution.question == question


def test_filters_carry_over_unless_replaced_or_given() -> None:
    previous = turn(LKS_Q3, municipality="Enschede", year=2025, doc_type="uitvoeringsprogramma")
    assert previous.frame.filters == {
        "municipality": "Enschede",
        "year": 2025,
        "doc_type": "uitvoeringsprogramma",
    }
    period = resolve_followup("en in 2022?", previous)
    assert period.frame.filters == {"municipality": "Enschede", "doc_type": "uitvoeringsprogramma"}
    place = resolve_followup("en Hengelo?", previous)
    assert place.frame.filters == {"year": 2025, "doc_type": "uitvoeringsprogramma"}
    given = resolve_followup("en in 2022?", previous, SearchFilters(doc_id="001_x"))
    assert given.frame.filters == {"doc_id": "001_x"}
