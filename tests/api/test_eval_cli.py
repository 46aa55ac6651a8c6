"""``policy-assistant eval`` run as a user would, over the bundled corpus with the fake embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import Settings
from tests.api.test_cli import run_cli
from tests.conftest import REPO

pytestmark = pytest.mark.unit

SET = REPO / "eval" / "questions" / "own-003.jsonl"


def test_cli_eval_json_table_files_and_floor_check(
    built_figure_index: Settings, tmp_path: Path
) -> None:
    subset = tmp_path / "mini.toml"
    subset.write_text(
        'ids = ["003-01", "003-02", "003-10"]\n[floors]\ncitation_faithfulness = 1.0\n'
        "status_accuracy = 1.0\n",
        encoding="utf-8",
    )
    out = tmp_path / "results"
    done = run_cli(
        built_figure_index.data_dir,
        "eval",
        str(SET),
        "--subset",
        str(subset),
        "--json",
        "--out",
        str(out),
        "--check",
    )
    body = json.loads(done.stdout)
    assert [r["id"] for r in body["rows"]] == ["003-01", "003-02", "003-10"]
    assert body["name"] == "own-003" and body["summary"]["questions"] == 3
    assert body["floors"] == {"citation_faithfulness": 1.0, "status_accuracy": 1.0}
    assert done.returncode == (1 if body["below_floors"] else 0), done.stderr
    assert "eval own-003" in done.stderr  # the progress bar
    saved = json.loads((out / "own-003.json").read_text(encoding="utf-8"))
    assert saved["summary"] == body["summary"]
    assert "| citation faithfulness |" in (out / "own-003.md").read_text(encoding="utf-8")

    text = run_cli(
        built_figure_index.data_dir,
        "eval",
        str(SET),
        "--subset",
        str(subset),
        "--out",
        str(out),
        "-v",
    )
    assert text.returncode == 0, text.stderr
    assert "003-10  want refused" in text.stdout and "| status accuracy |" in text.stdout


def test_cli_eval_errors_are_typed(built_figure_index: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    done = run_cli(built_figure_index.data_dir, "eval", str(bad), "--out", str(tmp_path))
    assert done.returncode == 2 and "invalid_question_set" in done.stderr
    empty = run_cli(tmp_path / "empty-data", "eval", str(SET), "--out", str(tmp_path))
    assert empty.returncode == 2 and "index_not_ready" in empty.stderr
