import numpy as np
import pytest
from scipy import sparse

from matcher.embed.base import l2_normalise
from matcher.embed.exact import top_k
from matcher.embed.hybrid import DEFAULT_METHOD, HybridRetriever, combine, fuse, fuse_scores


def test_convex_fusion_by_hand():
    rows = fuse({"a": 0.8, "b": 0.4}, {"b": 0.9, "c": 0.5}, weight=0.5, method="convex")
    assert [r[0] for r in rows] == ["b", "a", "c"]
    assert [r[1] for r in rows] == pytest.approx([0.65, 0.4, 0.25])
    assert rows[0][2] == {"semantic": 0.4, "lexical": 0.9}
    assert rows[2][2] == {"semantic": 0.0, "lexical": 0.5}


def test_weight_one_or_zero_keeps_one_channel_order():
    dense = {"a": 0.9, "b": 0.5, "c": 0.1}
    lexical = {"a": 0.0, "b": 0.2, "c": 0.8}
    for method in ("convex", "minmax", "rrf"):
        assert [r[0] for r in fuse(dense, lexical, 1.0, method)] == ["a", "b", "c"]
        assert [r[0] for r in fuse(dense, lexical, 0.0, method)] == ["c", "b", "a"]


def test_minmax_and_rrf_by_hand():
    dense = {"a": 0.9, "b": 0.7, "c": 0.5}
    lexical = {"a": 0.1, "b": 0.3, "c": 0.2}
    minmax = {key: score for key, score, _ in fuse(dense, lexical, 0.5, "minmax")}
    assert minmax == pytest.approx({"a": 0.5, "b": 0.75, "c": 0.25})
    rrf = {key: score for key, score, _ in fuse(dense, lexical, 0.5, "rrf")}
    assert rrf["b"] == pytest.approx(0.5 / 62 + 0.5 / 61)
    assert rrf["c"] == pytest.approx(0.5 / 63 + 0.5 / 62)
    with pytest.raises(ValueError):
        fuse(dense, lexical, 0.5, "max")


def test_fuse_scores_scales_each_channel_per_query():
    dense = np.array([0.9, 0.8, 0.7])
    lexical = np.array([0.0, 0.05, 0.1])
    # raw cosines: the dense spread wins; per-query scaling lets the channels count alike
    assert np.argmax(fuse_scores(dense, lexical, 0.5, "convex")) == 0
    assert np.allclose(fuse_scores(dense, lexical, 0.4, "minmax"), [0.4, 0.5, 0.6])
    assert np.allclose(fuse_scores(dense, np.zeros(3), 0.5, "minmax"), [1.0, 0.75, 0.5])
    assert DEFAULT_METHOD == "minmax"


def test_combine_works_on_arrays():
    assert np.allclose(combine(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 0.25), [0.25, 0.75])


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


def test_hybrid_retriever_fuses_exact_scores_of_both_channels():
    rng = np.random.default_rng(1)
    dense_docs, dense_queries = random_unit(rng, 50, 8), random_unit(rng, 4, 8)
    lexical_docs = sparse.csr_matrix(random_unit(rng, 50, 12).clip(0))
    lexical_docs = sparse.csr_matrix(l2_normalise(lexical_docs.toarray()))
    lexical_queries = sparse.csr_matrix(l2_normalise(random_unit(rng, 4, 12).clip(0)))
    ids = [f"d{i}" for i in range(50)]
    retriever = HybridRetriever(
        ids, dense_docs, lexical_docs, weight=0.6, method="convex", candidates=50
    )
    results = retriever.search(dense_queries, lexical_queries, k=5)
    dense_full = dense_queries @ dense_docs.T
    lexical_full = (lexical_queries @ lexical_docs.T).toarray()
    for q, rows in enumerate(results):
        fused = 0.6 * dense_full[q] + 0.4 * lexical_full[q]
        assert [r[0] for r in rows] == [ids[i] for i in np.argsort(-fused, kind="stable")[:5]]
        assert rows[0][2]["semantic"] == pytest.approx(dense_full[q][int(rows[0][0][1:])], abs=1e-5)
    only_dense = HybridRetriever(ids, dense_docs, lexical_docs, weight=1.0, candidates=10)
    top_dense = only_dense.search(dense_queries, lexical_queries, k=3)
    assert [r[0] for r in top_dense[0]] == [ids[i] for i in np.argsort(-dense_full[0])[:3]]
