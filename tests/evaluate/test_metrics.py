import math

import pytest

from matcher.evaluate.metrics import mean_metrics, mrr_at_k, ndcg_at_k, recall_at_k, spearman


def test_recall_counts_relevant_found_within_k():
    ranked = ["a", "b", "c", "d"]
    relevant = {"b": 1, "x": 1, "c": 0}
    assert recall_at_k(ranked, relevant, 1) == 0.0
    assert recall_at_k(ranked, relevant, 2) == 0.5
    assert recall_at_k(ranked, relevant, 10) == 0.5  # k beyond the list


def test_metrics_are_zero_without_relevant_documents():
    assert recall_at_k(["a"], {}, 10) == 0.0
    assert recall_at_k(["a"], {"a": 0}, 10) == 0.0
    assert mrr_at_k(["a"], {"a": 0}, 10) == 0.0
    assert ndcg_at_k(["a"], {}, 10) == 0.0


def test_mrr_is_reciprocal_rank_of_first_relevant_within_k():
    ranked = [f"d{i}" for i in range(20)]
    assert mrr_at_k(ranked, {"d2": 1, "d5": 1}, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(ranked, {"d10": 1}, 10) == 0.0
    assert mrr_at_k(ranked, {"d10": 1}, 11) == pytest.approx(1 / 11)
    assert mrr_at_k(["a", "b"], {"b": 1}, 100) == 0.5


def test_ndcg_uses_graded_gain_and_log2_discount():
    ranked = ["a", "b", "c"]
    relevant = {"a": 1, "b": 0, "c": 3}
    dcg = 1 / math.log2(2) + 3 / math.log2(4)
    ideal = 3 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k(ranked, relevant, 3) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(["c", "a"], relevant, 3) == pytest.approx(1.0)
    # ideal ordering is cut at k as well
    assert ndcg_at_k(["a"], relevant, 1) == pytest.approx(1 / 3)


def test_ndcg_counts_a_repeated_document_once():
    assert ndcg_at_k(["a", "a"], {"a": 1, "b": 1}, 2) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_mean_metrics_skip_queries_without_relevant_documents():
    runs = {"q1": ["a", "b"], "q2": ["c", "d"], "q3": ["e"]}
    qrels = {"q1": {"a": 1}, "q2": {"d": 1}, "q3": {"e": 0}}
    result = mean_metrics(runs, qrels)
    assert result["n"] == 2
    assert result["recall@1"] == pytest.approx(0.5)
    assert result["recall@10"] == pytest.approx(1.0)
    assert result["mrr@10"] == pytest.approx(0.75)
    assert result["ndcg@10"] == pytest.approx((1 + 1 / math.log2(3)) / 2)


def test_mean_metrics_count_a_missing_run_as_a_miss():
    result = mean_metrics({}, {"q1": {"a": 1}})
    assert result == {"n": 1, "recall@1": 0.0, "recall@10": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0}


def test_spearman_on_hand_computed_values():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # ties get average ranks: ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4)
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(4.5 / math.sqrt(4.5 * 5))
    assert spearman([1, 1, 1], [1, 2, 3]) == 0.0
    with pytest.raises(ValueError):
        spearman([1, 2], [1])
