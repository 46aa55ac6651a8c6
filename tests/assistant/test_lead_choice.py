"""The learned choice of a passages lead's sentence (``assistant.pipeline.lead_choice``) and its
training (``assistant.training``: ``lead_examples``, ``fit_lead_model``, ``lead_scores``)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import pytest

from assistant.eval_scoring import states_number
from assistant.language import question_terms
from assistant.pipeline.figure_fit import states_unit_asked
from assistant.pipeline.lead import LEAD_WORDS, passage_lead
from assistant.pipeline.lead_choice import (
    LEAD_FEATURES,
    LEAD_MODEL_FILE,
    LeadModel,
    LeadPool,
    create_lead_model,
    lead_candidates,
    rule_choice,
    told,
)
from assistant.pipeline.ranking import ModelError
from assistant.training import LeadExample, fit_lead_model, lead_examples, lead_scores
from metrics import parse_question

pytestmark = pytest.mark.unit

# a scene-setting first quote that holds the question's words, and the figures a quote below
SETTING = (
    "Eind 2015 hebben wij door Kennispunt Twente een klein onderzoekje laten verrichten over "
    "het effect van re-integratietrajecten."
)
FINDING = (
    "Van de klanten met een traject stroomde 27 procent uit, van de klanten zonder traject "
    "20 procent. Het verschil is dus beperkt."
)
QUESTION = "Wat bleek uit het onderzoek van Kennispunt Twente naar re-integratietrajecten?"


def citation(cid: str, quote: str) -> dict[str, object]:
    return {"id": cid, "title": "Nota Werk maken van werk", "location": "r. 1–4", "quote": quote}


def pool(figure: bool = False, question: str = QUESTION) -> LeadPool:
    return LeadPool(
        (citation("c1", SETTING), citation("c2", FINDING)),
        (),
        tuple(question_terms(question)),
        {},
        figure,
    )


def model_of(weights: dict[str, float]) -> LeadModel:
    n = len(LEAD_FEATURES)
    coef = tuple(weights.get(f, 0.0) for f in LEAD_FEATURES)
    return LeadModel(LEAD_FEATURES, (0.0,) * n, (1.0,) * n, coef, 0.0)


def test_every_sentence_of_the_first_quotes_is_a_candidate_with_its_features() -> None:
    found = lead_candidates(pool(), rule_choice(pool()))
    assert [(c.quote, c.sentence[:12]) for c in found] == [
        (0, "Eind 2015 he"),
        (1, "Van de klant"),
        (1, "Het verschil"),
    ]
    setting, finding, after = (c.features for c in found)
    assert set(setting) == set(LEAD_FEATURES)
    assert (
        finding["figure"] == 1.0 and finding["figures"] > setting["figures"] == 0
    )  # a year is no figure
    assert finding["rank"] == 1.0 and after["position"] == 0.5
    assert after["figure"] == 0.0 and after["neighbour_figure"] == 1.0
    assert setting["coverage_rel"] == 1.0 > finding["coverage_rel"]
    # the rule quotes the first quote's sentence with most of the question's words
    assert rule_choice(pool()) == (0, SETTING) and setting["default"] == 1.0


def test_the_year_and_the_unit_asked_are_features() -> None:
    asked = LeadPool(
        (citation("c1", FINDING),),
        (),
        tuple(question_terms(QUESTION)),
        {},
        True,
        years=("2015",),
        fits=lambda s: "procent" in s,
    )
    first = lead_candidates(asked)[0].features
    assert first["unit_fit"] == 1.0 and first["unit_fit_q"] == 1.0 and first["year"] == 0.0
    assert first["years_asked"] == 1.0 and first["q_figure"] == 1.0


def test_the_lead_quotes_the_sentence_the_model_scores_best_and_cites_its_quote() -> None:
    figures = model_of({"figures": 2.0, "coverage_rel": 0.5})
    choice = figures.choice(pool())
    assert choice == (1, FINDING.split(" Het")[0])
    lead = told(pool(), choice)
    assert "27 procent" in lead and "20 procent" in lead and lead.endswith("[c2]")
    assert len(lead.split()) <= LEAD_WORDS
    # the rule's choice leads with the scene-setting sentence of the first quote
    assert "27" not in told(pool(), None) and told(pool(), None).endswith("[c1]")
    words = model_of({"coverage": 3.0})
    assert words.choice(pool()) == (0, SETTING)


def test_passage_lead_without_a_choice_is_the_rule_as_before() -> None:
    citations = [citation("c1", SETTING), citation("c2", FINDING)]
    terms = question_terms(QUESTION)
    assert passage_lead(citations, [], terms, {}, "nl", False) == told(pool(), None)


def test_a_model_is_saved_and_loaded_and_one_of_other_features_is_refused(
    tmp_path: Path,
) -> None:
    model = model_of({"figure": 1.5})
    model.save(tmp_path)
    again = LeadModel.load(tmp_path)
    assert again.coef == model.coef and again.features == LEAD_FEATURES
    data = (tmp_path / LEAD_MODEL_FILE).read_text(encoding="utf-8")
    (tmp_path / LEAD_MODEL_FILE).write_text(data.replace('"figures"', '"other"'), "utf-8")
    with pytest.raises(ModelError):
        LeadModel.load(tmp_path)
    with pytest.raises(ModelError):
        LeadModel.load(tmp_path / "missing")


def test_the_committed_model_leads_a_share_question_with_the_sentence_stating_the_shares() -> None:
    model = create_lead_model()
    assert model.features == LEAD_FEATURES and len(model.coef) == len(LEAD_FEATURES)
    question = "Welk percentage van de klanten stroomde uit na een re-integratietraject?"
    finding = FINDING.replace("met een traject", "met een re-integratietraject")
    asked = LeadPool(
        (citation("c1", SETTING), citation("c2", finding)),
        (),
        tuple(question_terms(question)),
        {},
        True,
        fits=partial(states_unit_asked, parse_question(question)),
    )
    lead = told(asked, model.choice(asked))
    assert states_number(lead, {27.0}) and states_number(lead, {20.0})
    assert lead.endswith("[c2]") and len(lead.split()) <= LEAD_WORDS


QUESTION_ROW = {
    "id": "x-01",
    "question": QUESTION,
    "expect_status": "answered",
    "must_include": ["27", "20"],
    "source": "002_9a8395ceee984767.txt",
}


def test_a_candidate_is_labelled_good_when_its_lead_states_every_expected_item() -> None:
    documents = {"002_9a8395ceee984767": {"source": "002_9a8395ceee984767.txt"}}
    [example] = lead_examples([(QUESTION_ROW, pool())], documents)
    assert example.document == "002_9a8395ceee984767"
    assert example.labels.tolist() == [0, 1, 0]
    assert example.rule == 0
    worded = {**QUESTION_ROW, "must_include": ["Kennispunt"]}
    [by_words] = lead_examples([(worded, pool())], documents)
    assert by_words.labels.tolist() == [1, 0, 0]
    # a refusal, or a question whose reference answer states nothing, teaches nothing
    refused = {**QUESTION_ROW, "expect_status": "refused"}
    assert (
        lead_examples([(refused, pool()), ({**QUESTION_ROW, "must_include": []}, pool())], {}) == []
    )


def example(document: str, good: int) -> LeadExample:
    """A question whose ``good``-th of three candidates (in the second quote) states it."""
    found = lead_candidates(pool(), rule_choice(pool()))
    labels = np.zeros(len(found), dtype=np.int64)
    labels[good] = 1
    return LeadExample(QUESTION_ROW, document, pool(), found, labels, 0)


def test_a_fitted_model_learns_which_candidates_state_the_answer() -> None:
    examples = [example(doc, 1) for doc in ("a", "b", "c")]
    model = fit_lead_model(examples, {"data_version": "test"})
    assert model.choice(pool()) == (1, FINDING.split(" Het")[0])
    assert model.meta["questions"] == 3 and model.meta["data_version"] == "test"
    scores = lead_scores(examples)
    assert scores == {"questions": 3, "rule": 0.0, "model_held_out": 1.0, "best_possible": 1.0}
    with pytest.raises(ValueError):
        fit_lead_model([])
