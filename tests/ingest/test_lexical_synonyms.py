"""BM25 with synonym groups: a group scores a chunk by its best term, never by the sum."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.lexical import BM25Index

pytestmark = pytest.mark.unit

CHUNKS = {
    "rare": "In 2019 is de tegenprestatie niet opgelegd aan bijstandsgerechtigden.",
    "common-1": "De bijstand en de bijstandsuitkering: het bijstandsbestand en de uitkeringen.",
    "common-2": "Uitkering, bijstandsuitkeringen en bijstandsvolume in de bijstand dit jaar.",
    "common-3": "Het bijstandsbestand kromp; de uitkering en de bijstand daalden.",
    "other": "Werkgevers zoeken personeel in de zorg en de techniek.",
}


@pytest.fixture(scope="module")
def index() -> BM25Index:
    return BM25Index.build(list(CHUNKS), list(CHUNKS.values()))


def _ranked(index: BM25Index, query: str) -> list[str]:
    scores = index.scores(query)
    return [index.chunk_ids[i] for i in np.argsort(-scores, kind="stable")]


def test_a_rare_question_word_is_not_drowned_by_a_group_of_common_synonyms(
    index: BM25Index,
) -> None:
    # "bijstandsgerechtigden" pulls in a synonym group; summing every form would put the
    # chunks full of "bijstand"/"uitkering" first
    assert _ranked(index, "Legt de gemeente bijstandsgerechtigden een tegenprestatie op?")[0] == (
        "rare"
    )


def test_an_english_phrase_finds_dutch_text_through_its_group(index: BM25Index) -> None:
    scores = dict(zip(index.chunk_ids, index.scores("social assistance"), strict=True))
    assert scores["common-1"] > 0 and scores["other"] == 0
    assert _ranked(index, "employers in healthcare")[0] == "other"


def test_a_group_scores_as_its_best_form_not_the_sum(index: BM25Index) -> None:
    one_form = index.scores("bijstand")
    group = index.scores("social assistance")  # every form of the bijstand group matches
    assert group.max() < 2 * one_form.max()
