"""Pure ranking and correlation metrics.

Relevance is graded: a document counts as relevant when its grade is > 0. A query with
no relevant document scores 0 on every metric; `mean_metrics` leaves such queries out.
nDCG uses linear gain (grade) and a log2(rank + 1) discount, as trec_eval and BEIR do.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import stats

Relevance = Mapping[str, float]


def _relevant(relevant: Relevance) -> set[str]:
    return {doc for doc, grade in relevant.items() if grade > 0}


def recall_at_k(ranked_ids: Sequence[str], relevant: Relevance, k: int) -> float:
    """Share of the relevant documents found in the first k results."""
    wanted = _relevant(relevant)
    if not wanted:
        return 0.0
    return len(wanted.intersection(ranked_ids[:k])) / len(wanted)


def mrr_at_k(ranked_ids: Sequence[str], relevant: Relevance, k: int) -> float:
    """1 / rank of the first relevant result within the first k, else 0."""
    wanted = _relevant(relevant)
    for rank, doc in enumerate(ranked_ids[:k], start=1):
        if doc in wanted:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked_ids: Sequence[str], relevant: Relevance, k: int) -> float:
    """DCG of the first k results over the DCG of the ideal ordering (graded relevance)."""
    ideal_grades = sorted((g for g in relevant.values() if g > 0), reverse=True)[:k]
    ideal = sum(g / math.log2(rank + 2) for rank, g in enumerate(ideal_grades))
    if ideal == 0:
        return 0.0
    seen: set[str] = set()
    dcg = 0.0
    for rank, doc in enumerate(ranked_ids[:k]):
        if doc not in seen:
            dcg += max(relevant.get(doc, 0.0), 0.0) / math.log2(rank + 2)
            seen.add(doc)
    return dcg / ideal


def mean_metrics(
    runs: Mapping[str, Sequence[str]], qrels: Mapping[str, Relevance]
) -> dict[str, float]:
    """Mean recall@1, recall@10, mrr@10 and ndcg@10 over queries that have a relevant doc.

    `n` in the result is the number of queries averaged.
    """
    judged = [q for q, rel in qrels.items() if _relevant(rel)]
    rows = [
        (
            recall_at_k(runs.get(q, []), qrels[q], 1),
            recall_at_k(runs.get(q, []), qrels[q], 10),
            mrr_at_k(runs.get(q, []), qrels[q], 10),
            ndcg_at_k(runs.get(q, []), qrels[q], 10),
        )
        for q in judged
    ]
    means = np.mean(rows, axis=0) if rows else np.zeros(4)
    return {
        "n": len(judged),
        "recall@1": float(means[0]),
        "recall@10": float(means[1]),
        "mrr@10": float(means[2]),
        "ndcg@10": float(means[3]),
    }


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman rank correlation (ties get average ranks); 0 when either side is constant."""
    a_arr, b_arr = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if len(a_arr) != len(b_arr):
        raise ValueError("sequences differ in length")
    if len(a_arr) < 2 or np.ptp(a_arr) == 0 or np.ptp(b_arr) == 0:
        return 0.0
    return float(stats.spearmanr(a_arr, b_arr).statistic)
