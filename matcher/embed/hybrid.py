"""Hybrid retrieval: fuse a dense (semantic) channel with a lexical channel.

`fuse` is the one scoring rule, used by evaluation and by recommendations. The default
method and weight were chosen on the shared dev data (see docs/evaluation.md).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np
from scipy import sparse

from matcher.embed.exact import top_k

K = TypeVar("K", bound=Hashable)

FUSION_METHODS = ("convex", "minmax", "rrf")
DEFAULT_METHOD = "minmax"
DEFAULT_WEIGHT = 0.5
RRF_K = 60


def combine(dense: float | np.ndarray, lexical: float | np.ndarray, weight: float = DEFAULT_WEIGHT):
    """The convex combination `weight * dense + (1 - weight) * lexical` of two cosine scores."""
    return weight * dense + (1.0 - weight) * lexical


def _minmax(scores: np.ndarray) -> np.ndarray:
    span = np.ptp(scores) if len(scores) else 0.0
    if span <= 0:
        return np.ones_like(scores)
    return (scores - scores.min()) / span


def _rrf(scores: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return 1.0 / (RRF_K + ranks)


def fuse_scores(
    dense: np.ndarray,
    lexical: np.ndarray,
    weight: float = DEFAULT_WEIGHT,
    method: str = DEFAULT_METHOD,
) -> np.ndarray:
    """Fused scores of one query's candidates from both channels' scores of every candidate.

    convex: `combine` of the raw cosines; minmax: `combine` after scaling each channel to
    [0, 1] over the candidates (a constant channel becomes all 1); rrf: `combine` of
    reciprocal ranks 1 / (60 + rank).
    """
    dense = np.asarray(dense, dtype=np.float64)
    lexical = np.asarray(lexical, dtype=np.float64)
    if method == "convex":
        return combine(dense, lexical, weight)
    if method == "minmax":
        return combine(_minmax(dense), _minmax(lexical), weight)
    if method == "rrf":
        return combine(_rrf(dense), _rrf(lexical), weight)
    raise ValueError(f"unknown fusion method {method!r}")


def fuse(
    dense: Mapping[K, float],
    lexical: Mapping[K, float],
    weight: float = DEFAULT_WEIGHT,
    method: str = DEFAULT_METHOD,
) -> list[tuple[K, float, dict[str, float]]]:
    """Candidates of both channels, best first, as (id, fused score, {"semantic", "lexical"}).

    A candidate missing from one channel gets 0 there; parts are the raw channel scores.
    Pass complete score maps (as `HybridRetriever` does) for the exact fusion.
    """
    keys = list(dict.fromkeys([*dense, *lexical]))
    dense_scores = np.array([dense.get(key, 0.0) for key in keys], dtype=np.float64)
    lexical_scores = np.array([lexical.get(key, 0.0) for key in keys], dtype=np.float64)
    fused = fuse_scores(dense_scores, lexical_scores, weight, method)
    return [
        (
            keys[i],
            float(fused[i]),
            {"semantic": float(dense_scores[i]), "lexical": float(lexical_scores[i])},
        )
        for i in np.argsort(-fused, kind="stable")
    ]


class HybridRetriever:
    """Exact hybrid search over a fixed corpus given as dense and lexical document vectors.

    Each channel proposes its `candidates` best documents; both channels' exact scores are
    computed for the union and fused.
    """

    def __init__(
        self,
        ids: Sequence[K],
        dense_docs: np.ndarray,
        lexical_docs: sparse.csr_matrix,
        weight: float = DEFAULT_WEIGHT,
        method: str = DEFAULT_METHOD,
        candidates: int = 100,
    ) -> None:
        if not len(ids) == dense_docs.shape[0] == lexical_docs.shape[0]:
            raise ValueError("ids, dense_docs and lexical_docs differ in length")
        self.ids = list(ids)
        self.dense_docs = dense_docs
        self.lexical_docs = sparse.csr_matrix(lexical_docs)
        self.weight = weight
        self.method = method
        self.candidates = candidates

    def search(
        self, dense_queries: np.ndarray, lexical_queries: sparse.csr_matrix, k: int
    ) -> list[list[tuple[K, float, dict[str, float]]]]:
        """The k best documents per query, as `fuse` rows."""
        _, dense_top = top_k(dense_queries, self.dense_docs, self.candidates)
        _, lexical_top = top_k(lexical_queries, self.lexical_docs, self.candidates)
        results = []
        for q in range(dense_queries.shape[0]):
            pool = np.unique(np.concatenate([dense_top[q], lexical_top[q]]))
            dense_scores = self.dense_docs[pool] @ dense_queries[q]
            lexical_scores = (self.lexical_docs[pool] @ lexical_queries[q].T).toarray().ravel()
            fused = fuse_scores(dense_scores, lexical_scores, self.weight, self.method)
            order = np.argsort(-fused, kind="stable")[:k]
            fused_rows = [
                (
                    self.ids[pool[i]],
                    float(fused[i]),
                    {"semantic": float(dense_scores[i]), "lexical": float(lexical_scores[i])},
                )
                for i in order
            ]
            results.append(fused_rows)
        return results
