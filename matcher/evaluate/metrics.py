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


def brier(probabilities: Sequence[float], labels: Sequence[float]) -> float:
    """Mean squared error of probabilities against 0/1 labels."""
    p, y = np.asarray(probabilities, dtype=np.float64), np.asarray(labels, dtype=np.float64)
    return float(np.mean((p - y) ** 2)) if len(p) else 0.0


def expected_calibration_error(
    probabilities: Sequence[float], labels: Sequence[float], bins: int = 10
) -> float:
    """ECE: |mean label − mean probability| per equal-width bin, weighted by the bin's share."""
    p, y = np.asarray(probabilities, dtype=np.float64), np.asarray(labels, dtype=np.float64)
    if not len(p):
        return 0.0
    which = np.minimum((p * bins).astype(np.int64), bins - 1)
    error = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            error += inside.mean() * abs(y[inside].mean() - p[inside].mean())
    return float(error)


def no_match_metrics(
    runs: Mapping[str, Sequence[tuple[str, float]]],
    qrels: Mapping[str, Relevance],
    threshold: float,
    keep: float = 0.9,
) -> dict[str, float]:
    """How well a confidence threshold tells a match from "no good match".

    `runs` holds each query's (doc id, confidence) best first. `match_kept`: share of
    queries whose best relevant document reaches `threshold`; `no_match_flagged`: share whose
    best document, once the relevant ones are removed, stays below it; `flagged_at_90`: that
    share at the threshold that keeps `keep` of the true matches (a relevant document not
    found at all counts as lost).
    """
    best_relevant, best_other = [], []
    for query, scored in runs.items():
        relevant = _relevant(qrels.get(query, {}))
        if not relevant:
            continue
        best_relevant.append(next((c for d, c in scored if d in relevant), -np.inf))
        best_other.append(next((c for d, c in scored if d not in relevant), -np.inf))
    if not best_relevant:
        return {"match_kept": 0.0, "no_match_flagged": 0.0, "flagged_at_90": 0.0}
    kept_scores, other = np.asarray(best_relevant), np.asarray(best_other)
    at_keep = float(np.quantile(kept_scores, 1.0 - keep, method="lower"))
    return {
        "match_kept": float(np.mean(kept_scores >= threshold)),
        "no_match_flagged": float(np.mean(other < threshold)),
        "flagged_at_90": float(np.mean(other < at_keep)),
    }
