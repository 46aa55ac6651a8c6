"""The console script, run as a user would (a subprocess), with the fake embedder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

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


def _ingested(data_dir: Path, *folders: Path) -> dict[str, Any]:
    done = run_cli(data_dir, "ingest", "--json", *map(str, folders))
    assert done.returncode == 0, done.stderr[-2000:]
    return cast(dict[str, Any], json.loads(done.stdout))


def test_files_of_one_name_in_two_folders_are_two_documents(tmp_path: Path) -> None:
    """`ingest a b` with a different `same.txt` in each (the security probe's DuplicateIDError):
    both go in, each with its own stable id; an identical copy (c) is the same document."""
    data = tmp_path / "data"
    texts = {
        "a": "Nota beschut werk\n\nIn 2024 kregen 41 inwoners een beschutte werkplek.\n",
        "b": "Nota taalcoaching\n\nIn 2024 volgden 63 statushouders een taaltraject.\n",
    }
    folders = {name: tmp_path / name for name in ("a", "b", "c")}
    for name, folder in folders.items():
        folder.mkdir()
        (folder / "same.txt").write_text(texts.get(name, texts["a"]), encoding="utf-8")

    first = _ingested(data, folders["a"], folders["b"], folders["c"])
    statuses = [(f["status"], f["doc_id"]) for f in first["files"]]
    assert [s for s, _ in statuses] == ["added", "added", "duplicate"], statuses
    ids = {name: doc_id for name, (_, doc_id) in zip("abc", statuses, strict=True)}
    assert ids["a"] == "same" and re.fullmatch(r"same-[0-9a-f]{8}", ids["b"]), ids
    assert ids["c"] == ids["a"] and first["documents"] == 2
    for word, name in (("beschutte", "a"), ("taaltraject", "b")):
        found = run_cli(data, "search", word, "--json", "-k", "1")
        assert json.loads(found.stdout)["results"][0]["doc_id"] == ids[name], found.stdout

    # the same folders again, in any order: nothing changes
    for order in ("abc", "cba"):
        again = _ingested(data, *(folders[name] for name in order))
        assert again["version"] == first["version"]
        assert {(f["status"], f["doc_id"]) for f in again["files"]} == {
            ("unchanged", ids["a"]),
            ("unchanged", ids["b"]),
            ("duplicate", ids["a"]),
        }
    # the text output names each file's id, and the copy's original
    shown = run_cli(data, "ingest", *(str(folders[name]) for name in "abc"))
    assert f"unchanged same.txt  {ids['b']}: " in shown.stdout
    assert f"duplicate same.txt  same: the same file as {folders['a'] / 'same.txt'}" in (
        shown.stdout
    )
