"""Exact top-k search by inner product over dense or sparse unit vectors (the reference search)."""

from __future__ import annotations

import numpy as np
from scipy import sparse

_CELLS_PER_CHUNK = 1 << 24  # query x document scores held at once (64 MiB of float32)


def _top_k_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Best k columns per row, by score descending then column ascending."""
    if k < scores.shape[1]:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.tile(np.arange(scores.shape[1]), (scores.shape[0], 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    return np.take_along_axis(part_scores, order, axis=1), np.take_along_axis(part, order, axis=1)


def top_k(
    queries: np.ndarray | sparse.csr_matrix, docs: np.ndarray | sparse.csr_matrix, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """(scores, doc indexes), each [n_queries, min(k, n_docs)], best first; dense or sparse."""
    n_queries, n_docs = queries.shape[0], docs.shape[0]
    k = min(k, n_docs)
    scores_out = np.zeros((n_queries, k), dtype=np.float32)
    ids_out = np.zeros((n_queries, k), dtype=np.int64)
    if k == 0 or n_queries == 0:
        return scores_out, ids_out
    docs_t = docs.T.tocsr() if sparse.issparse(docs) else np.ascontiguousarray(docs.T)
    chunk = max(1, _CELLS_PER_CHUNK // n_docs)
    for start in range(0, n_queries, chunk):
        block = queries[start : start + chunk] @ docs_t
        block = block.toarray() if sparse.issparse(block) else np.asarray(block)
        scores, ids = _top_k_rows(block.astype(np.float32, copy=False), k)
        scores_out[start : start + chunk] = scores
        ids_out[start : start + chunk] = ids
    return scores_out, ids_out
