"""LearnedRanker on synthetic examples with a known signal, and the walk-forward comparison."""

from __future__ import annotations

import inspect
from datetime import date

import numpy as np
import pytest

from matcher.learn.features import Example
from matcher.learn.ranker import LearnedRanker, feature_matrix
from matcher.learn.split import (
    RandomRanker,
    compare,
    labelled,
    ranking_metrics,
    scored_examples,
    walk_forward,
)
from matcher.rank import BaselineRanker, Ranker
from tests.learn.world import synthetic


def test_estimator_conventions():
    ranker = LearnedRanker(model="logreg", random_state=3)
    assert ranker.model == "logreg" and ranker.random_state == 3
    assert not [name for name in vars(ranker) if name.endswith("_")]
    assert set(inspect.signature(LearnedRanker).parameters) == set(vars(ranker))
    data = synthetic(2)
    assert ranker.fit([e.features for e in data], [e.grade for e in data]) is ranker
    assert ranker.n_labels_ == len(data) and 0 < ranker.n_positive_ < len(data)
    as_protocol: Ranker = ranker  # the same interface as BaselineRanker
    assert as_protocol.name == "learned" and as_protocol.score([data[0].features]).shape == (1,)


@pytest.mark.parametrize("model", ["hgb", "logreg"])
def test_learned_beats_random_and_baseline_on_a_known_signal(model):
    data = synthetic(n_events=4 if model == "hgb" else 6)  # trees are slower: two test events
    factories = {
        "baseline": lambda _: BaselineRanker(),
        "learned": lambda train: LearnedRanker(model).fit(
            [e.features for e in train], [e.grade for e in train]
        ),
        **{f"random{s}": (lambda _, s=s: RandomRanker(s)) for s in range(10)},
    }
    scores = walk_forward(data, factories, min_train_events=2)
    tested = scored_examples(data, 2)
    assert len(tested) == (len(data) - 2 * 120) and all(
        len(s) == len(tested) for s in scores.values()
    )
    ndcg = {name: ranking_metrics(tested, s)["ndcg@10"] for name, s in scores.items()}
    random_mean = np.mean([v for name, v in ndcg.items() if name.startswith("random")])
    assert ndcg["learned"] > random_mean + 0.15
    assert ndcg["learned"] >= ndcg["baseline"]  # the baseline cannot see the interaction


def test_missing_features_are_filled_with_training_medians():
    data = synthetic(2)
    ranker = LearnedRanker("logreg").fit([e.features for e in data], [e.grade for e in data])
    matrix = feature_matrix(
        [e.features for e in data], ["demand_tier", "supply_university", "district"]
    )
    medians = dict(
        zip(
            ["demand_tier", "supply_university", "district"], np.median(matrix, axis=0), strict=True
        )
    )
    partial = {"relevance": 0.9}
    filled = {**medians, **partial}
    assert ranker.score([partial])[0] == pytest.approx(ranker.score([filled])[0])
    assert ranker.score([{"relevance": float("nan")}]).shape == (1,)
    assert ranker.score([]).shape == (0,)


def test_one_class_or_unknown_model_is_refused():
    data = synthetic(1)
    with pytest.raises(ValueError, match="同时有"):
        LearnedRanker().fit([e.features for e in data], [0] * len(data))
    with pytest.raises(ValueError, match="未知的模型"):
        LearnedRanker("svm").fit([e.features for e in data], [e.grade for e in data])


def test_labelled_keeps_held_or_progressed_meetings_only():
    base = dict(event_id="EV", event_date=date(2025, 1, 1), a="E1", b="S", features={})
    found = labelled([
        Example(**base, grade=0, attendance="held"),
        Example(**base, grade=0, attendance="no_show"),
        Example(**base, grade=0, attendance="cancelled"),
        Example(**base, grade=None, attendance=None),
        Example(**base, grade=2, attendance=None),
        Example(**base, grade=0, attendance=None),
    ])  # fmt: skip
    assert [(e.grade, e.attendance) for e in found] == [(0, "held"), (2, None)]


def test_compare_rows_and_metrics_on_a_hand_ranking():
    day = date(2025, 1, 1)
    data = [Example("EV", day, "E1", f"S{i}", {"relevance": r}, g, "held")
            for i, (r, g) in enumerate([(0.9, 0), (0.8, 3), (0.1, 1)])]  # fmt: skip
    rows = compare(data, {"baseline": BaselineRanker().score([e.features for e in data])})
    by_group = {row["grouping"]: row for row in rows}
    ideal = 3 + 1 / np.log2(3)
    assert by_group["event"]["ndcg@10"] == pytest.approx((3 / np.log2(3) + 1 / 2) / ideal)
    assert by_group["event"]["recall@5"] == 1.0 and by_group["participant"]["n"] == 1


def test_walk_forward_needs_enough_event_dates():
    with pytest.raises(ValueError, match="至少需要 3 个"):
        walk_forward(synthetic(2), {"baseline": lambda _: BaselineRanker()}, min_train_events=2)
