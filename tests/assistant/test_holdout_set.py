"""The held-out question set (eval/holdout) stays valid: its quotes stand at their lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.eval_scoring import load_questions

pytestmark = pytest.mark.unit

HOLDOUT = Path(__file__).resolve().parents[2] / "eval" / "holdout"


def test_the_holdout_set_passes_the_question_check() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(HOLDOUT.parent / "check_questions.py"),
            str(HOLDOUT / "holdout-000.jsonl"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_holdout_set_loads_as_a_question_set() -> None:
    questions = load_questions([HOLDOUT / "holdout-000.jsonl"])
    assert len(questions) == 40
    assert {q["expect_status"] for q in questions} == {"answered", "partial", "refused"}
