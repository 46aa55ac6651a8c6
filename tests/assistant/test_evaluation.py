"""The evaluation: scores of eval/FORMAT.md on hand-made answers, and a run over the fake index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant import (
    PolicyAssistant,
    SourceTexts,
    evaluate,
    evidence_places,
    first_hit_rank,
    load_questions,
    load_subset,
    percentile,
    score_answer,
    select,
    summarize,
)
from corpus import BUNDLED_CORPUS_DIR, InvalidRequestError, Settings
from tests.conftest import REPO

pytestmark = pytest.mark.unit

SOURCE = "001_2e26a5924f710f99.txt"
QUESTION: dict[str, Any] = {
    "id": "t-01",
    "lang": "nl",
    "question": "Hoeveel LKS-contracten zijn er gestart?",
    "type": "metric",
    "expect_status": "answered",
    "source": SOURCE,
    "evidence_lines": [1608, 1614],
    "must_include": [220, "21,29%", "LKS"],
    "also": [{"source": SOURCE, "evidence_lines": [83, 92]}],
}


def citation(cid: str, line_start: int, line_end: int, source: str = SOURCE) -> dict[str, Any]:
    return {"id": cid, "source": source, "line_start": line_start, "line_end": line_end}


def response(status: str, answer: str, citations: list[dict[str, Any]]) -> dict[str, Any]:
    for c in citations:
        c.setdefault("quote", answer)
    return {
        "status": status,
        "answer": answer,
        "language": "nl",
        "citations": citations,
        "figures": [],
        "trace": {"route": "passages", "evidence": {"best_coverage": 0.5}},
    }


def row(q: dict[str, Any], r: dict[str, Any]) -> dict[str, Any]:
    return score_answer(q, r, [True] * len(r["citations"]), 10.0)


def test_evidence_places_widen_by_two_lines_and_include_also() -> None:
    assert evidence_places(QUESTION) == [(SOURCE, 1606, 1616), (SOURCE, 81, 94)]
    cited = [citation("c1", 10, 12), citation("c2", 1617, 1620), citation("c3", 93, 95)]
    assert first_hit_rank(cited, evidence_places(QUESTION)) == 3
    assert (
        first_hit_rank([citation("c1", 1606, 1606, "other.txt")], evidence_places(QUESTION)) is None
    )


def test_numbers_are_compared_after_normalising_dutch_and_english_formats() -> None:
    q = {**QUESTION, "must_include": [6143, "21,29%", 8600000, 18.3]}
    for answer in ("6.143 en 21.29% en € 8,6 miljoen en 18,3", "6,143; 21,29 %; 8.600.000; 18.3"):
        assert row(q, response("answered", answer, []))["numbers_missing"] == []
    missing = row(q, response("answered", "614 en 21,3% en 8,6 en 183", []))["numbers_missing"]
    assert missing == ["6143", "21,29%", "8600000", "18.3"]


def test_summary_scores_follow_the_format() -> None:
    refused_q = {**QUESTION, "id": "t-02", "expect_status": "refused", "evidence_lines": []}
    rows = [
        row(QUESTION, response("answered", "220 LKS 21,29%", [citation("c1", 1610, 1611)])),
        row(
            {**QUESTION, "id": "t-03"},
            response("answered", "220", [citation("c1", 1, 2), citation("c2", 85, 86)]),
        ),
        row({**QUESTION, "id": "t-04"}, response("refused", "Niet gevonden.", [])),
        row(refused_q, response("refused", "Niet gevonden.", [])),
    ]
    s = summarize(rows)
    assert s["questions"] == 4 and s["counts"]["answerable"] == 3
    assert s["status_accuracy"] == 0.75
    assert s["refused_when_expected"] == 1.0 and s["answerable_wrongly_refused"] == 0.333
    assert s["number_accuracy"] == 0.333  # only the first states 220 and 21,29%
    assert (s["evidence_hit@1"], s["evidence_hit@5"], s["evidence_mrr"]) == (0.333, 0.667, 0.5)
    assert s["keyword_recall"] == 0.333 and s["citation_faithfulness"] == 1.0
    assert s["latency_ms_p50"] == 10.0


def test_the_lead_is_scored_on_its_own_numbers_and_length() -> None:
    body = "Er zijn 220 LKS-contracten gestart, 21,29% van de doelgroep."
    stated = {**response("answered", body, [citation("c1", 1610, 1611)]), "lead": body}
    late = {
        **response("answered", f"Volgens het programma: zie hieronder.\n\n{body}", []),
        "lead": "Volgens het programma: zie hieronder.",
    }
    long = {**response("answered", body, []), "lead": " ".join(["woord"] * 41) + " 220 21,29%"}
    rows = [row(QUESTION, stated), row({**QUESTION, "id": "t-05"}, late)]
    rows.append(row({**QUESTION, "id": "t-06"}, long))
    assert [r["lead_numbers_missing"] for r in rows] == [[], ["220", "21,29%"], []]
    assert [r["numbers_missing"] for r in rows] == [[], [], []]  # the answer states them all
    s = summarize(rows)
    assert s["lead_number_accuracy"] == 0.667 and s["number_accuracy"] == 1.0
    assert s["lead_within_words"] == 0.667  # the third lead has 43 words


def test_grounded_numbers_need_every_number_in_a_quote_or_figure() -> None:
    r = response("answered", "Er zijn 220 contracten en 999 plekken [c1].", [citation("c1", 1, 1)])
    r["citations"][0]["quote"] = "Gestarte contracten: 220"
    assert row(QUESTION, r)["ungrounded_numbers"] == ["999"]
    assert summarize([row(QUESTION, r)])["grounded_numbers"] == 0.0


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5.0], 95) == 5.0 and percentile([], 50) is None
    assert percentile(list(range(1, 101)), 95) == 95.0


def test_question_sets_are_validated(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(InvalidRequestError) as missing:
        load_questions([bad])
    assert missing.value.code == "invalid_question_set"
    line = json.dumps({**QUESTION})
    bad.write_text(f"{line}\n{line}\n", encoding="utf-8")
    with pytest.raises(InvalidRequestError, match="duplicate id"):
        load_questions([bad])
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(InvalidRequestError, match="not JSON"):
        load_questions([bad])


def test_gate_subset_covers_every_document_type_and_status() -> None:
    gate = load_subset(REPO / "eval" / "gate.toml")
    assert set(gate.floors) >= {"status_accuracy", "number_accuracy", "evidence_hit@5"}
    assert all(p.is_file() for p in gate.sets), gate.sets
    questions = select(load_questions(gate.sets), gate)
    assert len(questions) == len(gate.ids) >= 30
    assert {q["source"] for q in questions} == {p.name for p in BUNDLED_CORPUS_DIR.glob("00*.txt")}
    assert {q["type"] for q in questions} == {
        "metric",
        "policy",
        "definition",
        "comparison",
        "list",
        "unanswerable",
    }
    assert {q["expect_status"] for q in questions} == {"answered", "partial", "refused"}
    assert {q["lang"] for q in questions} == {"nl", "en"}


def test_the_gate_is_the_frozen_test_part_of_the_split() -> None:
    gate = load_subset(REPO / "eval" / "gate.toml")
    split = json.loads((REPO / "eval" / "split.json").read_text(encoding="utf-8"))
    assert gate.ids == split["test"] and len(gate.ids) == 149
    assert gate.sets == [REPO / "eval" / s for s in split["sets"]]


def test_a_subset_naming_an_unreadable_split_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "gate.toml"
    path.write_text('split = "missing.json"\n', encoding="utf-8")
    with pytest.raises(InvalidRequestError, match="cannot read split"):
        load_subset(path)


def test_subset_rejects_unknown_scores_and_ids(tmp_path: Path) -> None:
    path = tmp_path / "gate.toml"
    path.write_text('ids = ["t-01"]\n[floors]\nbeauty = 1.0\n', encoding="utf-8")
    with pytest.raises(InvalidRequestError, match="unknown scores"):
        load_subset(path)
    path.write_text('ids = ["nope"]\n', encoding="utf-8")
    with pytest.raises(InvalidRequestError, match="nope"):
        select([{**QUESTION}], load_subset(path))


def test_source_texts_check_quotes_at_the_cited_lines(built_figure_index: Settings) -> None:
    sources = SourceTexts(PolicyAssistant(built_figure_index))
    doc_id = SOURCE.removesuffix(".txt")
    good = {**citation("c1", 1612, 1612), "doc_id": doc_id, "page": None}
    lines = (BUNDLED_CORPUS_DIR / SOURCE).read_text(encoding="utf-8").split("\n")
    good["quote"] = " ".join(lines[1611].split())
    assert good["quote"] and sources.holds(good)
    assert not sources.holds({**good, "quote": good["quote"] + " extra"})
    assert not sources.holds({**good, "line_start": 10, "line_end": 11})


def test_evaluate_runs_questions_through_ask_and_writes_results(
    built_figure_index: Settings, tmp_path: Path
) -> None:
    questions = load_questions([REPO / "eval" / "questions" / "own-001.jsonl"])[:3]
    seen: list[str] = []
    report = evaluate(
        PolicyAssistant(built_figure_index),
        questions,
        name="t",
        floors={"citation_faithfulness": 1.0, "status_accuracy": 1.01},
        progress=False,
        on_row=lambda r: seen.append(r["id"]),
    )
    assert seen == [q["id"] for q in questions] == [r["id"] for r in report.rows]
    assert report.summary["questions"] == 3 and report.summary["citation_faithfulness"] == 1.0
    assert [b["score"] for b in report.below_floors] == ["status_accuracy"]
    json_path, md_path = report.write(tmp_path)
    saved = json.loads(json_path.read_text(encoding="utf-8"))
    assert set(saved) >= {"summary", "rows", "by_set", "by_type", "meta", "below_floors"}
    assert saved["rows"][0]["answer"] and saved["meta"]["embedder"] == "fake"
    table = md_path.read_text(encoding="utf-8")
    assert "| status accuracy |" in table and "**Below floor:** status accuracy" in table
