"""Figure questions end to end: ingest (with the figures step) -> Parquet table -> ranked answer.

The bundled corpus is ingested with the fake embedder; figure extraction is real.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from assistant import PolicyAssistant
from corpus import Settings
from tests.conftest import fake_settings

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicyAssistant]:
    pa = PolicyAssistant(fake_settings(tmp_path_factory.mktemp("figures")))
    report = pa.ingest()
    assert not report.failed
    yield pa


def _source_line(row: dict[str, object], corpus: Path | None = None) -> str:
    from corpus import BUNDLED_CORPUS_DIR

    folder = corpus or BUNDLED_CORPUS_DIR
    lines = (folder / str(row["source"])).read_text(encoding="utf-8").split("\n")
    return lines[int(row["line"]) - 1]  # type: ignore[call-overload]


def test_every_figure_quote_stands_verbatim_on_its_line(assistant: PolicyAssistant) -> None:
    frame = assistant.figures.frame()
    assert len(frame) > 300  # the five documents hold hundreds of figures
    assert set(frame["doc_id"]) == {d["doc_id"] for d in assistant.documents()}
    for row in frame.sample(200, random_state=1).to_dict("records"):
        assert row["quote"] in _source_line(row), row


def test_q3_started_lks_is_the_cumulative_figure_marked_partial(assistant: PolicyAssistant) -> None:
    result = assistant.figures.answer("Hoeveel LKS-contracten zijn er in Q3 gestart?")
    assert result.status == "partial"
    top = result.rows[0]
    assert top["period"] == "2024-Q1..Q3" and top["cumulative"]
    assert top["kind"] == "result" and top["municipality"] == "Enschede"
    assert "gestart" in top["measure"].lower() and top["subject"] == "loonkostensubsidie"
    assert top["quote"] in _source_line(top)
    assert any("Q3" in r or "cumul" in r for r in result.reasons)
    # the figure stands on the quoted line of the 2025 programme
    assert str(int(top["value"])) in top["quote"]
    assert top["source"] == "001_2e26a5924f710f99.txt"


def test_running_lks_contracts_in_english(assistant: PolicyAssistant) -> None:
    result = assistant.figures.answer("How many LKS contracts were running?")
    assert result.status in ("answered", "partial")
    top = result.rows[0]
    assert "lopend" in top["measure"].lower() and top["subject"] == "loonkostensubsidie"
    assert top["period"] != "unknown" and top["kind"] == "result"
    assert not any("gestart" in r["measure"].lower() for r in result.rows)
    assert top["quote"] in _source_line(top)


def test_net_participation_rate_in_english(assistant: PolicyAssistant) -> None:
    # "In 2018 was dat 63.1%." names its subject only in the sentence before
    result = assistant.figures.answer("What was the net participation rate in 2018?")
    top = result.rows[0]
    assert result.status == "answered" and top["unit"] == "percent" and top["period"] == "2018"
    assert top["subject"] == "participatiegraad" and "netto" in top["measure"]
    assert top["quote"] in _source_line(top) and "63.1" in top["quote"]


def test_a_reference_date_asked_as_a_whole_year_is_partial(assistant: PolicyAssistant) -> None:
    result = assistant.figures.answer("Hoeveel mensen zijn in 2024 uitgestroomd naar werk?")
    assert result.status == "partial" and result.rows
    assert all(r["period"] != "2024" for r in result.rows)
    assert any("whole year 2024" in r for r in result.reasons)


def test_a_target_is_never_returned_as_a_result(assistant: PolicyAssistant) -> None:
    frame = assistant.figures.frame()
    assert {"target", "result"} <= set(frame["kind"])
    result = assistant.figures.answer("Hoeveel mensen zijn uitgestroomd naar werk?")
    assert all(r["kind"] != "target" for r in result.rows)


def test_unrelated_question_returns_no_number(assistant: PolicyAssistant) -> None:
    result = assistant.figures.answer("Hoeveel zwembaden heeft de gemeente gebouwd?")
    assert result.rows == [] and result.status == "none"


# ----- synthetic corpora: conflicts, municipality, re-ingest in step ----------------------------

DOC_A = """Voortgangsrapportage Werk 2024
Gemeente Enschede

Resultaten
In de eerste drie kwartalen van 2024 zijn 220 loonkostensubsidie-contracten gestart.
Het streven voor heel 2024 is 300 gestarte contracten.
"""

DOC_B = """Raadsbrief arbeidsmarkt
Gemeente Enschede

In de eerste drie kwartalen van 2024 zijn 235 loonkostensubsidie-contracten gestart.
"""


def _ingest(settings: Settings, folder: Path, prune: bool = False) -> PolicyAssistant:
    pa = PolicyAssistant(settings)
    report = pa.ingest([folder], prune=prune)
    assert not report.failed, report.failed
    return pa


def test_conflicting_figures_are_all_returned_with_their_sources(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "voortgang.txt").write_text(DOC_A, encoding="utf-8")
    (folder / "raadsbrief.txt").write_text(DOC_B, encoding="utf-8")
    pa = _ingest(fake_settings(tmp_path / "data"), folder)
    result = pa.figures.answer("Hoeveel loonkostensubsidie-contracten zijn in 2024 gestart?")
    values = {(int(r["value"]), r["source"]) for r in result.rows if r["kind"] == "result"}
    assert {(220, "voortgang.txt"), (235, "raadsbrief.txt")} <= values
    assert result.conflicts, "different values for the same figure must be flagged"
    flagged = [r for r in result.rows if r.get("conflict")]
    assert {r["source"] for r in flagged} == {"voortgang.txt", "raadsbrief.txt"}
    assert 300 not in {int(r["value"]) for r in result.rows}  # the target is no result
    # the whole year was asked, the documents only give the first three quarters
    assert result.status == "partial" and any("whole year" in r for r in result.reasons)


def test_reingest_keeps_figures_and_chunks_in_step(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "voortgang.txt").write_text(DOC_A, encoding="utf-8")
    (folder / "raadsbrief.txt").write_text(DOC_B, encoding="utf-8")
    settings = fake_settings(tmp_path / "data")
    pa = _ingest(settings, folder)

    def table() -> tuple[pd.DataFrame, set[str]]:
        snap = pa.index.snapshot()
        return pa.figures.frame(), set(snap.chunks["doc_id"])

    figures, chunk_docs = table()
    assert set(figures["doc_id"]) == chunk_docs == {"voortgang", "raadsbrief"}

    # a changed document: its old figures go, the new ones point at the new lines
    (folder / "raadsbrief.txt").write_text(DOC_B.replace("235", "\n\n240"), encoding="utf-8")
    pa = _ingest(settings, folder)
    figures, chunk_docs = table()
    brief = figures[figures["doc_id"] == "raadsbrief"]
    assert 235 not in set(brief["value"]) and 240 in set(brief["value"])
    lines = (folder / "raadsbrief.txt").read_text(encoding="utf-8").split("\n")
    for row in brief.to_dict("records"):
        assert row["quote"] in lines[row["line"] - 1]
    # the unchanged document's figures were carried over unchanged
    assert 220 in set(figures[figures["doc_id"] == "voortgang"]["value"])

    # a removed document: pruned from chunks and figures together
    (folder / "raadsbrief.txt").unlink()
    pa = _ingest(settings, folder, prune=True)
    figures, chunk_docs = table()
    assert set(figures["doc_id"]) == chunk_docs == {"voortgang"}


def test_a_new_extractor_version_reextracts_unchanged_documents(tmp_path: Path) -> None:
    from metrics import FigureStep

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "voortgang.txt").write_text(DOC_A, encoding="utf-8")
    settings = fake_settings(tmp_path / "data")
    first = _ingest(settings, folder)
    version, figures = first.index.snapshot().version, len(first.figures.frame())
    assert _ingest(settings, folder).index.snapshot().version == version  # nothing to do

    step = FigureStep()
    step.version = "next"  # what a release with a changed extractor looks like
    pa = PolicyAssistant(settings, steps=(step,))
    report = pa.ingest([folder])
    assert report.version != version
    assert report.steps["metrics"]["figures"] == figures > 0


def test_bundled_corpus_conflict_is_shown_with_both_sources(assistant: PolicyAssistant) -> None:
    # the 2019 evaluation and the 2023 council letter give different 2018 caseloads
    result = assistant.figures.answer("Hoeveel bijstandsuitkeringen waren er in 2018?")
    flagged = [r for r in result.rows if r.get("conflict")]
    assert result.conflicts and len({r["doc_id"] for r in flagged}) == 2
    assert len({r["value"] for r in flagged}) == 2 and {r["period"] for r in flagged} == {"2018"}
    for row in flagged:
        assert row["quote"] in _source_line(row)


def test_the_row_index_answers_as_reading_every_row(assistant: PolicyAssistant) -> None:
    # metrics.FigureRows: only the rows that can match a question are read, with the same
    # answer as reading every row; a filtered view of the table is answered through it too
    import json

    from metrics import FigureRows, answer_figures

    frame = assistant.figures.frame()
    table = assistant.figures.rows()
    assert isinstance(table, FigureRows)
    views = [
        frame,
        frame[frame["municipality"].str.lower() == "hengelo"],
        frame[frame["doc_id"] == frame["doc_id"].iloc[0]],
    ]
    folder = Path(__file__).resolve().parents[2] / "eval" / "questions"
    asked = [
        json.loads(line)["question"]
        for path in sorted(folder.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ][::4]
    assert len(asked) > 50
    for view in views:
        assert table.positions(view) is not None
        for question in asked:
            fast = answer_figures(view, question, table=table)
            slow = answer_figures(view, question)
            assert (fast.status, fast.rows, fast.reasons, fast.conflicts) == (
                slow.status,
                slow.rows,
                slow.reasons,
                slow.conflicts,
            ), question
    # the table itself stands where the comparison of every row puts it
    compared = FigureRows(frame.copy()).positions(frame)
    assert compared is not None and (table.positions(frame) == compared).all()
    # a table that is not a view of the indexed one is read row by row
    other = frame.assign(quote=frame["quote"].str.upper())
    assert table.positions(other) is None
