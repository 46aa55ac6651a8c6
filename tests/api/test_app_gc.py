"""The app's warm-up result is kept out of the garbage collector's full scans, and its youngest
generation is larger, while it serves (issue #20: a full collection over the unit tables paused
one /ask for 0.4 s; with the warm-up frozen, one every ~22 questions still took ~110 ms)."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from api import create_app
from api.app import SERVING_GC_THRESHOLD
from corpus import Settings


def test_the_app_freezes_its_warm_up_while_it_serves_and_unfreezes_after(
    built_figure_index: Settings,
) -> None:
    before = gc.get_threshold()
    with TestClient(create_app(built_figure_index), raise_server_exceptions=False) as client:
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == SERVING_GC_THRESHOLD  # fewer objects reach a full scan
        response = client.post("/api/v1/ask", json={"question": "Hoeveel LKS-contracten?"})
        assert response.status_code == 200
    assert gc.get_freeze_count() == 0  # collectable again once the app is gone
    assert gc.get_threshold() == before  # and the process's own thresholds back
