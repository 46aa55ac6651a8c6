"""The CI eval gate: the fixed subset of eval/gate.toml through the /ask code path with the real
e5 embedder over the bundled corpus; it fails when a score is below its floor in that file."""

from __future__ import annotations

import pytest

from assistant import PolicyAssistant, evaluate, load_questions, load_subset, select
from tests.conftest import REPO

pytestmark = pytest.mark.integration

GATE = REPO / "eval" / "gate.toml"


def test_gate_subset_scores_are_at_or_above_their_floors(e5_assistant: PolicyAssistant) -> None:
    gate = load_subset(GATE)
    missing = [path for path in gate.sets if not path.is_file()]
    assert not missing, f"question sets not present: {missing}"
    questions = select(load_questions(gate.sets), gate)
    report = evaluate(e5_assistant, questions, name="gate", floors=gate.floors, progress=False)
    print("\n" + report.markdown())
    assert report.summary["questions"] == len(gate.ids)
    assert report.passed, "below floor: " + "; ".join(
        f"{b['score']} {b['value']} < {b['floor']}" for b in report.below_floors
    )
