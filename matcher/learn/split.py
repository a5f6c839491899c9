"""Time-split evaluation: rankers trained on earlier events, compared on later ones.

Walk forward in time: every event date after the first few is a test date in turn, with
rankers trained only on the events before it, so nothing is learned from the future.

Only meetings that were held (or whose stage moved past none) are labelled examples: a
no-show or a cancelled meeting says nothing about how well the pair matched. For each
test group (an event, or one demand participant at one event) the group's meetings are
ranked by each ranker and scored against the graded outcome (0 none, 1 intent,
2 negotiating, 3 signed) with nDCG@10 and recall@5/10; groups without any meeting that
reached intent are left out, as in `matcher.evaluate.metrics.mean_metrics`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from matcher.evaluate.metrics import ndcg_at_k, recall_at_k
from matcher.learn.features import Example
from matcher.rank import Ranker

GROUPINGS = ("event", "participant")
METRICS = ("ndcg@10", "recall@5", "recall@10")


def labelled(examples: Sequence[Example]) -> list[Example]:
    """Examples whose outcome can be learned from: held, or with progress recorded."""
    return [
        e
        for e in examples
        if e.grade is not None and (e.attendance == "held" or (e.attendance is None and e.grade))
    ]


def walk_forward(
    examples: Sequence[Example],
    rankers: Mapping[str, Callable[[list[Example]], Ranker]],
    min_train_events: int = 2,
) -> dict[str, np.ndarray]:
    """Scores of every test example under each ranker, trained only on the past.

    Each event date from the `min_train_events + 1`-th on is a test date in turn; a ranker is
    built by its factory from the examples of earlier dates only and scores that date's
    examples. Returns ranker name → scores aligned with `scored_examples(examples, ...)`.
    """
    dates = sorted({e.event_date for e in examples})
    if len(dates) <= min_train_events:
        raise ValueError(
            f"至少需要 {min_train_events + 1} 个不同日期的活动才能按时间评估"
            f"（现有 {len(dates)} 个）"
        )
    scores: dict[str, list[np.ndarray]] = {name: [] for name in rankers}
    for day in dates[min_train_events:]:
        train = [e for e in examples if e.event_date < day]
        test = [e.features for e in examples if e.event_date == day]
        for name, build in rankers.items():
            scores[name].append(build(train).score(test))
    return {name: np.concatenate(parts) for name, parts in scores.items()}


def scored_examples(examples: Sequence[Example], min_train_events: int = 2) -> list[Example]:
    """The examples `walk_forward` scores, in its order (by date, then input order)."""
    dates = sorted({e.event_date for e in examples})[min_train_events:]
    return [e for day in dates for e in examples if e.event_date == day]


class RandomRanker:
    """Reference: a seeded random order (what any useful ranker must beat)."""

    name = "random"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def score(self, features: Sequence[Mapping[str, float]]) -> np.ndarray:
        return np.random.default_rng(self.seed).random(len(features))


def _groups(examples: Sequence[Example], grouping: str) -> dict[tuple[str, ...], list[int]]:
    if grouping not in GROUPINGS:
        raise ValueError(f"未知的分组方式「{grouping}」，可选：{'、'.join(GROUPINGS)}")
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        groups[(e.event_id,) if grouping == "event" else (e.event_id, e.a)].append(i)
    return groups


def ranking_metrics(
    examples: Sequence[Example], scores: np.ndarray, grouping: str = "event"
) -> dict[str, float]:
    """Mean nDCG@10, recall@5 and recall@10 over groups with a meeting that reached intent."""
    rows = []
    for members in _groups(examples, grouping).values():
        relevant = {f"{examples[i].a}|{examples[i].b}": float(examples[i].grade or 0)
                    for i in members}  # fmt: skip
        if not any(relevant.values()):
            continue
        order = sorted(members, key=lambda i: (-scores[i], examples[i].a, examples[i].b))
        ranked = [f"{examples[i].a}|{examples[i].b}" for i in order]
        rows.append(
            (ndcg_at_k(ranked, relevant, 10), recall_at_k(ranked, relevant, 5),
             recall_at_k(ranked, relevant, 10))
        )  # fmt: skip
    means = np.mean(rows, axis=0) if rows else np.zeros(len(METRICS))
    return {"n": len(rows), **{m: float(v) for m, v in zip(METRICS, means, strict=True)}}


def compare(
    examples: Sequence[Example],
    scores: Mapping[str, np.ndarray],
    groupings: Sequence[str] = GROUPINGS,
) -> list[dict[str, float | str | int]]:
    """One row per grouping × ranker: {grouping, ranker, n, ndcg@10, recall@5, recall@10}."""
    return [
        {"grouping": grouping, "ranker": name, **ranking_metrics(examples, s, grouping)}
        for grouping in groupings
        for name, s in scores.items()
    ]
