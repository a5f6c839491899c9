"""A ranker learned from recorded meeting outcomes (scikit-learn), behind the `Ranker` protocol.

`LearnedRanker` follows the estimator conventions: `__init__` only stores its options,
`fit` returns self, learned attributes end in `_`. It scores feature dicts like the
baseline does; a feature missing from a dict is filled with its training median, so the
same model can score event meetings and recommendation candidates alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from matcher.learn.features import FEATURES

MODELS = ("logreg", "hgb")


def positive(grades: Sequence[int]) -> np.ndarray:
    """The binary label: stage ≥ intent."""
    return (np.asarray(grades) >= 1).astype(np.int64)


def feature_matrix(rows: Sequence[Mapping[str, float]], names: Sequence[str]) -> np.ndarray:
    """Rows × names as float64; a missing or non-finite value becomes NaN."""
    matrix = np.full((len(rows), len(names)), np.nan, dtype=np.float64)
    for i, row in enumerate(rows):
        for j, name in enumerate(names):
            value = row.get(name)
            if value is not None and np.isfinite(value):
                matrix[i, j] = float(value)
    return matrix


class LearnedRanker:
    """P(stage ≥ intent | pair features), from logistic regression or gradient-boosted trees.

    `model` is "logreg" (median imputation, scaling, L2 logistic regression; the default,
    steadier with a few dozen positive outcomes) or "hgb" (HistGradientBoostingClassifier,
    for when hundreds of outcomes are recorded); `features` defaults to every name in
    `matcher.learn.features.FEATURES`.
    """

    name = "learned"

    def __init__(
        self, model: str = "logreg", features: Sequence[str] | None = None, random_state: int = 0
    ) -> None:
        self.model = model
        self.features = features
        self.random_state = random_state

    def _pipeline(self) -> Pipeline:
        if self.model == "hgb":
            estimator = HistGradientBoostingClassifier(
                max_iter=150,
                learning_rate=0.05,
                max_leaf_nodes=15,
                min_samples_leaf=20,
                l2_regularization=1.0,
                random_state=self.random_state,
            )
            return make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True),
                                 estimator)  # fmt: skip
        if self.model == "logreg":
            return make_pipeline(
                SimpleImputer(strategy="median", keep_empty_features=True),
                StandardScaler(),
                LogisticRegression(C=1.0, max_iter=1000),
            )
        raise ValueError(f"未知的模型「{self.model}」，可选：{'、'.join(MODELS)}")

    def fit(self, rows: Sequence[Mapping[str, float]], grades: Sequence[int]) -> LearnedRanker:
        """Learn from feature dicts and grades (0 none, 1 intent, 2 negotiating, 3 signed)."""
        labels = positive(grades)
        if len(set(labels.tolist())) < 2:
            raise ValueError("训练数据中需要同时有达成意向和未达成意向的会谈")
        self.features_ = tuple(self.features or FEATURES)
        self.pipeline_ = self._pipeline().fit(feature_matrix(rows, self.features_), labels)
        self.n_labels_ = len(labels)
        self.n_positive_ = int(labels.sum())
        return self

    def score(self, features: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Probability that each pair reaches intent (higher is better)."""
        if not len(features):
            return np.zeros(0, dtype=np.float64)
        matrix = feature_matrix(features, self.features_)
        return self.pipeline_.predict_proba(matrix)[:, 1].astype(np.float64)
