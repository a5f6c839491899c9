"""Exact top-k (the reference search) against a full sort, dense and sparse."""

import numpy as np
import pytest
from scipy import sparse

from matcher.embed.base import l2_normalise
from matcher.embed.exact import top_k


def random_unit(rng, n, d):
    return l2_normalise(rng.normal(size=(n, d)))


@pytest.mark.parametrize("k", [1, 5, 40])
def test_top_k_matches_a_full_sort_dense_and_sparse(k):
    rng = np.random.default_rng(0)
    queries, docs = random_unit(rng, 7, 16), random_unit(rng, 30, 16)
    scores, ids = top_k(queries, docs, k)
    full = queries @ docs.T
    expected = np.argsort(-full, axis=1, kind="stable")[:, : min(k, 30)]
    assert np.array_equal(ids, expected)
    assert np.allclose(scores, np.take_along_axis(full, expected, axis=1), atol=1e-6)
    sparse_scores, sparse_ids = top_k(sparse.csr_matrix(queries), sparse.csr_matrix(docs), k)
    assert np.array_equal(sparse_ids, expected)
    assert np.allclose(sparse_scores, scores, atol=1e-6)
