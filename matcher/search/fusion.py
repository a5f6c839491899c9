"""Calibrated fusion of the dense and lexical channels into one absolute confidence.

Both channels give raw cosines, comparable across queries (no per-query rescaling). Their
weighted sum `relevance = w * semantic + (1 - w) * lexical` orders the candidates; a
strictly increasing map of it, fitted on labelled dev pairs, is the `confidence` (0–1)
shown to users, and `match` is confidence ≥ threshold. The map is monotone (isotonic)
calibration through a few knots, joined to a logistic tail on each side, or the logistic
(Platt) map alone when no knots are given; either way it never reorders candidates.
Weights, maps and thresholds per dense encoder live in `calibration.json` (written by
`benchmarks/calibrate.py`, see docs/evaluation.md); an encoder with no entry gets neutral
defaults, marked uncalibrated.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
DEFAULT_WEIGHT = 0.5
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Fusion:
    """How one dense encoder's channel is fused with the lexical channel and calibrated."""

    encoder: str
    weight: float = DEFAULT_WEIGHT  # of the semantic channel
    slope: float = 8.0  # confidence = sigmoid(slope * relevance + intercept)
    intercept: float = -4.0
    threshold: float = DEFAULT_THRESHOLD  # confidence at or above which a hit is a match
    calibrated: bool = False
    knots: tuple[tuple[float, float], ...] = ()  # (relevance, confidence), both increasing

    def relevance(self, semantic: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        """The ranking score of each candidate (float64)."""
        semantic = np.asarray(semantic, dtype=np.float64)
        lexical = np.asarray(lexical, dtype=np.float64)
        return self.weight * semantic + (1.0 - self.weight) * lexical

    def confidence(self, relevance: np.ndarray) -> np.ndarray:
        """Calibrated probability-like confidence of each relevance (strictly increasing)."""
        x = np.asarray(relevance, dtype=np.float64)
        if not self.knots:
            return 1.0 / (1.0 + np.exp(-(self.slope * x + self.intercept)))
        xs, ys = (np.array(column) for column in zip(*self.knots, strict=True))
        inside = np.interp(x, xs, ys)
        below = ys[0] * np.exp(self.slope * (1 - ys[0]) * np.minimum(x - xs[0], 0))
        above = 1 - (1 - ys[-1]) * np.exp(-self.slope * ys[-1] * np.maximum(x - xs[-1], 0))
        return np.where(x < xs[0], below, np.where(x > xs[-1], above, inside))

    def with_overrides(self, weight: float | None = None, threshold: float | None = None) -> Fusion:
        """This fusion with a configured weight and / or threshold in place of the fitted ones."""
        changes: dict[str, float] = {}
        if weight is not None:
            changes["weight"] = float(weight)
        if threshold is not None:
            changes["threshold"] = float(threshold)
        return replace(self, **changes) if changes else self

    def to_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def _calibrations() -> dict[str, dict]:
    if not CALIBRATION_FILE.exists():
        return {}
    return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8")).get("encoders", {})


def fusion_for(encoder_name: str) -> Fusion:
    """The fitted fusion of `encoder_name` (its dense channel's name), or neutral defaults."""
    entry = _calibrations().get(encoder_name)
    if entry is None:
        return Fusion(encoder=encoder_name)
    fields = {k: entry[k] for k in ("weight", "slope", "intercept", "threshold") if k in entry}
    knots = tuple((float(x), float(y)) for x, y in entry.get("knots", ()))
    return Fusion(encoder=encoder_name, calibrated=True, knots=knots, **fields)
