"""Snapshots of the answer contract: the /ask JSON and the /ask/stream event sequence.

Fake embedder, real figures table, the bundled corpus. Volatile fields (conversation_id,
timings, index_version) are normalised, and so is each citation's ``score``: it carries the
hit's hybrid rank, and Chroma's approximate (HNSW) dense ranking of the fake vectors differs a
little from one index build to the next. The questions were chosen so that everything else was
identical over five separate builds. When the writer's wording changes on purpose, review
the diff and run ``pytest tests/api/test_ask_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

pytestmark = pytest.mark.unit

QUESTIONS = {
    "figure-answered": "Hoeveel banen telde Enschede in 2018?",
    "figure-partial": "Hoeveel LKS-contracten zijn er in Q3 gestart?",
    "figure-conflict": "Hoeveel bijstandsuitkeringen waren er in 2018?",
    "policy": "Wat zijn de drie beleidslijnen van de vernieuwde EAA?",
    "english-figure": "What was Enschede's unemployment rate in 2018?",
    "english-policy": "Why is Enschede dropping the OpMaat meetings?",
    "refused": "Hoeveel zwembaden heeft Enschede?",
}


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


def normalised(value: Any) -> Any:
    """The response without what changes from run to run; floats rounded."""
    if isinstance(value, dict):
        out = {k: normalised(v) for k, v in value.items()}
        for key, placeholder in (
            ("conversation_id", "<conversation_id>"),
            ("index_version", "<index_version>"),
            ("score", "<score>"),
        ):
            if key in out:
                out[key] = placeholder
        if "timings_ms" in out:
            out["timings_ms"] = {k: "<ms>" for k in sorted(out["timings_ms"])}
        return out
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


def sse_events(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.strip().split("\n\n"):
        head, data = block.split("\n", 1)
        events.append((head.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return events


@pytest.mark.parametrize("case", list(QUESTIONS))
def test_ask_response_matches_snapshot(
    client: TestClient, snapshot_json: SnapshotAssertion, case: str
) -> None:
    response = client.post("/api/v1/ask", json={"question": QUESTIONS[case]})
    assert response.status_code == 200
    body = response.json()
    assert all(isinstance(c["score"], float | int) for c in body["citations"])
    assert normalised(body) == snapshot_json


@pytest.mark.parametrize("case", ["figure-partial", "refused"])
def test_ask_stream_event_sequence_matches_snapshot(
    client: TestClient, snapshot_json: SnapshotAssertion, case: str
) -> None:
    response = client.post("/api/v1/ask/stream", json={"question": QUESTIONS[case]})
    assert response.status_code == 200
    events = sse_events(response.text)
    shape: list[dict[str, Any]] = []
    for name, data in events:
        keys = sorted(data)
        if shape and shape[-1]["event"] == name and shape[-1]["keys"] == keys:
            shape[-1]["count"] += 1
        else:
            shape.append({"event": name, "count": 1, "keys": keys})
    assert shape == snapshot_json
    final = events[-1][1]
    assert "".join(d["text"] for e, d in events if e == "token") == final["answer"]
    plain = client.post("/api/v1/ask", json={"question": QUESTIONS[case]}).json()
    assert normalised(final) == normalised(plain)
