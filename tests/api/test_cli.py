"""The console script, run as a user would (a subprocess), with the fake embedder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import shared_environment

pytestmark = pytest.mark.unit


def run_cli(
    data_dir: Path, *args: str, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "POLICY_ASSISTANT_DATA_DIR": str(data_dir),
        "POLICY_ASSISTANT_EMBEDDING__BACKEND": "fake",
        **shared_environment(data_dir),
        **(extra or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_ingest_search_and_exit_codes(tmp_path: Path, corpus_copy: Path) -> None:
    data = tmp_path / "data"
    (corpus_copy / "kapot.pdf").write_bytes(b"%PDF-1.4 broken")
    first = run_cli(data, "ingest", str(corpus_copy))
    assert first.returncode == 1, first.stderr  # one file failed
    assert "failed" in first.stdout and "kapot.pdf" in first.stdout
    assert "chunk size" in first.stdout and "index version" in first.stdout
    assert "reading" in first.stderr  # the progress bar
    (corpus_copy / "kapot.pdf").unlink()
    again = run_cli(data, "ingest", str(corpus_copy), "--json")
    assert again.returncode == 0
    report = json.loads(again.stdout)
    assert {f["status"] for f in report["files"]} == {"unchanged"}

    found = run_cli(
        data, "search", "hoeveel loonkostensubsidie contracten gestart", "--json", "-k", "3"
    )
    assert found.returncode == 0, found.stderr
    results = json.loads(found.stdout)["results"]
    assert len(results) == 3 and all(r["line_start"] <= r["line_end"] for r in results)
    text = run_cli(data, "search", "statushouders", "-k", "2")
    assert ", r. " in text.stdout and text.stdout.count("“") == 2
    assert ".txt" not in text.stdout  # documents by title, never by file name

    # figures were extracted in the same ingest; a figure question reads them
    question = "Hoeveel LKS-contracten zijn er in Q3 gestart?"
    answer = run_cli(data, "metrics", "--q", question, "--json")
    assert answer.returncode == 0, answer.stderr
    body = json.loads(answer.stdout)
    assert body["status"] == "partial" and body["figures"][0]["cumulative"] is True
    listed = run_cli(data, "metrics", "--q", question)
    assert "Uitvoeringsprogramma Enschedese Arbeidsmarkt Aanpak 2025, r. 90" in listed.stdout
    assert ".txt" not in listed.stdout
    table = run_cli(data, "metrics", "--q", question, "--csv")
    header, first = table.stdout.splitlines()[:2]
    assert header.startswith("\ufefftitle;municipality;period;kind;")  # Dutch Excel's dialect
    assert f";{body['figures'][0]['value']};" in first and ";2024-Q1..Q3;" in first
    plain = run_cli(data, "metrics", "--q", question, "--csv", "--csv-dialect", "plain")
    assert plain.stdout.startswith("figure_id,subject,measure,value,unit,period")
    workbook = data / "lks.xlsx"
    run_cli(data, "metrics", "--q", question, "--xlsx", str(workbook))
    from openpyxl import load_workbook

    sheet = load_workbook(workbook).active
    assert sheet is not None and sheet["A1"].value == "title" and sheet.max_row > 1


def test_bad_input_gives_a_clear_error(tmp_path: Path) -> None:
    missing = run_cli(tmp_path, "ingest", str(tmp_path / "bestaat-niet.pdf"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    empty = run_cli(tmp_path, "search", "   ")
    assert empty.returncode == 2 and "error [" in empty.stderr


def test_settings_are_listed() -> None:
    out = run_cli(Path("/tmp"), "settings").stdout
    assert "POLICY_ASSISTANT_EMBEDDING__BACKEND" in out and "POLICY_ASSISTANT_INDEX__BACKEND" in out
