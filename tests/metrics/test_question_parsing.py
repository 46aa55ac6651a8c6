"""Figure questions parsed: kinds, and how a row's period fits the asked one."""

from __future__ import annotations

import pytest

from metrics import parse_question, period_fit

pytestmark = pytest.mark.unit


def test_a_subjects_own_words_are_no_kind_cue() -> None:
    # "wage-cost subsidy" names LKS; it asks no cost (budget)
    english = parse_question("How many new wage-cost subsidy (LKS) contracts were started?")
    assert english.kind is None and "loonkostensubsidie" in english.subjects
    assert (
        parse_question("Hoeveel geld hebben we in 2019 om de EAA uit te voeren?").kind == "budget"
    )
    assert parse_question("Wat was het doel voor 2019?").kind == "target"


@pytest.mark.parametrize(
    ("question", "period", "fit"),
    [
        ("Hoeveel uitkeringen waren er eind september 2024?", "2024-09-30", "exact"),
        ("Hoeveel uitkeringen waren er eind september 2024?", "2024", "near"),
        ("Hoeveel contracten zijn er in Q3 2024 gestart?", "2024-Q1..Q3", "near"),
        ("Hoeveel contracten zijn er in Q3 2024 gestart?", "2024-Q3", "exact"),
        ("Hoeveel contracten zijn er in 2024 gestart?", "2022", "other"),
    ],
)
def test_a_rows_period_fits_the_asked_one(question: str, period: str, fit: str) -> None:
    assert period_fit(parse_question(question), period)[0] == fit


def test_a_group_inside_a_longer_grouped_word_and_the_period_words_are_not_subjects() -> None:
    query = parse_question(
        "Hoeveel bijstandsgerechtigden zijn in de eerste drie kwartalen van 2024 uitgestroomd?"
    )
    # "bijstand" is met only inside "bijstandsgerechtigden", whose own group says it all
    assert set(query.subjects) == {"bijstandsgerechtigden", "uitstroom"}
    # the period is parsed as a period, not counted as free words a row must hold
    assert query.period == "2024-Q1..Q3"
    assert not {"eerst", "drie", "kwartal"} & set(query.free)
    assert "bijstand" in parse_question("Hoeveel mensen zitten in de bijstand?").subjects


def test_a_synonym_form_is_met_by_its_kept_pattern_as_by_the_pattern_made_per_question() -> None:
    """``parse_question`` meets the synonym forms with patterns made once per form
    (``_form_pattern``): the same matches as the pattern made, escaped, per question."""
    import json
    import re
    from pathlib import Path

    from corpus.synonyms import synonym_groups
    from metrics.query import _form_pattern

    root = Path(__file__).resolve().parents[2]
    questions = [
        json.loads(line)["question"].lower()
        for path in sorted((root / "eval" / "questions").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ][::7]
    forms = [
        f
        for section in ("subjects", "measures")
        for fs in synonym_groups()[section].values()
        for f in fs
    ]
    for low in questions:
        for form in forms:
            made = [m.span() for m in re.finditer(rf"(?<![\w]){re.escape(form)}\w*", low)]
            assert [m.span() for m in _form_pattern(form).finditer(low)] == made
