"""The fitted linear models' one file format: standardised features, coefficients, intercept.

The answerability model (``answerability.json``) and the lead sentence model
(``lead_sentence.json``) are logistic regressions over named features, fitted by
``policy-assistant train``. Each is a small JSON file: its feature list, the scaler's mean and
scale, the coefficients, the intercept and whatever else its role keeps (a threshold, the
training report's figures); no pickle. A file whose feature list differs from the code's is
refused at load (``ModelError``): retrain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.pipeline.ranking import read_model_json

LINEAR_KEYS = ("features", "mean", "scale", "coef", "intercept")


@dataclass(frozen=True, slots=True)
class LinearFit:
    """margin = coef . (x - mean) / scale + intercept, over ``features`` in this order."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def margin(self, x: np.ndarray) -> np.ndarray:
        """The margin of each row of ``x`` (or of one vector): columns in ``features`` order."""
        z = (np.asarray(x, dtype=np.float64) - np.array(self.mean)) / np.array(self.scale)
        return np.asarray(z @ np.array(self.coef) + self.intercept)

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
        }


def write_linear(path: Path, fit: LinearFit, extra: dict[str, Any]) -> None:
    """``fit`` and the role's ``extra`` keys as one JSON file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({**fit.to_json(), **extra}, indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


def read_linear(path: Path, features: tuple[str, ...], what: str) -> tuple[LinearFit, dict]:
    """The fit stored at ``path`` and the file's other keys; a ``ModelError`` naming ``what``
    when the file is missing or was fitted on other features than ``features``."""
    data = read_model_json(path, features, what)
    fit = LinearFit(
        tuple(data["features"]),
        tuple(data["mean"]),
        tuple(data["scale"]),
        tuple(data["coef"]),
        float(data["intercept"]),
    )
    return fit, {k: v for k, v in data.items() if k not in LINEAR_KEYS}
