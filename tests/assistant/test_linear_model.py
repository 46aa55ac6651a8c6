"""The fitted linear models' file format (answerability, lead sentence): margins, round trip,
refusal of a missing file or of a file fitted on other features."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.pipeline.linear_model import LinearFit, read_linear, write_linear
from assistant.pipeline.ranking import ModelError

FIT = LinearFit(("a", "b"), (1.0, 2.0), (2.0, 4.0), (0.5, -1.0), 0.25)


def test_margin_standardises_each_feature_before_the_coefficients() -> None:
    # ((3-1)/2)*0.5 + ((10-2)/4)*-1 + 0.25 = 0.5 - 2 + 0.25
    assert FIT.margin(np.array([3.0, 10.0])) == pytest.approx(-1.25)
    rows = FIT.margin(np.array([[3.0, 10.0], [1.0, 2.0]]))
    assert rows.tolist() == pytest.approx([-1.25, 0.25])


def test_a_written_fit_reads_back_with_the_roles_own_keys(tmp_path: Path) -> None:
    path = tmp_path / "models" / "m.json"
    write_linear(path, FIT, {"threshold": 0.9, "data_version": "abc"})
    assert json.loads(path.read_text(encoding="utf-8"))["threshold"] == 0.9
    fit, rest = read_linear(path, ("a", "b"), "test model")
    assert fit == FIT
    assert rest == {"threshold": 0.9, "data_version": "abc"}


def test_a_missing_file_or_other_features_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no test model"):
        read_linear(tmp_path / "absent.json", ("a", "b"), "test model")
    path = tmp_path / "m.json"
    write_linear(path, FIT, {})
    with pytest.raises(ModelError, match="other features"):
        read_linear(path, ("a", "c"), "test model")


def test_the_passage_ranker_refuses_a_missing_file_or_other_features_the_same_way(
    tmp_path: Path,
) -> None:
    from assistant.pipeline.ranking import MODEL_DIR, RANKER_FILE, RANKER_META, LightGBMRanker

    with pytest.raises(ModelError, match="no passage ranker"):
        LightGBMRanker.load(tmp_path)
    (tmp_path / RANKER_FILE).write_text((MODEL_DIR / RANKER_FILE).read_text(encoding="utf-8"))
    with pytest.raises(ModelError, match="no passage ranker"):
        LightGBMRanker.load(tmp_path)  # the model without its feature list
    meta = json.loads((MODEL_DIR / RANKER_META).read_text(encoding="utf-8"))
    (tmp_path / RANKER_META).write_text(json.dumps({**meta, "features": ["a"]}))
    with pytest.raises(ModelError, match="other features"):
        LightGBMRanker.load(tmp_path)
    (tmp_path / RANKER_META).write_text(json.dumps(meta))
    assert LightGBMRanker.load(tmp_path).features == tuple(meta["features"])
