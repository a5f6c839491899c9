"""Rankers: turn candidate features into one score. The baseline is a transparent weighted sum."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

# Default weights of the baseline; features a candidate lacks are left out of its normaliser.
# `relevance` is the hybrid text score; semantic and lexical are shown as its parts.
BASELINE_WEIGHTS: dict[str, float] = {
    "relevance": 0.85,
    "chain": 0.10,
    "district": 0.05,
}


class Ranker(Protocol):
    """Scores candidates from their feature dicts; higher is better."""

    name: str

    def score(self, features: Sequence[Mapping[str, float]]) -> np.ndarray: ...


class BaselineRanker:
    """Weighted sum of the features present, divided by the weights of those features."""

    name = "baseline"

    def __init__(self, weights: Mapping[str, float] | None = None) -> None:
        self.weights = dict(weights or BASELINE_WEIGHTS)

    def score(self, features: Sequence[Mapping[str, float]]) -> np.ndarray:
        scores = np.zeros(len(features), dtype=np.float64)
        for row, feats in enumerate(features):
            used = {name: w for name, w in self.weights.items() if name in feats}
            total = sum(used.values())
            if total:
                scores[row] = sum(w * float(feats[name]) for name, w in used.items()) / total
        return scores
