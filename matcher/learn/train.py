"""Train the learned ranker on a workspace's recorded outcomes, evaluate it, save it.

The evaluation walks forward in time (each later event is scored by a model trained only on
the events before it) against the baseline and a random order; the saved model is then
fitted on every label, so the deployed ranker also learns from the latest events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matcher.errors import MatcherError
from matcher.events.store import list_plans
from matcher.learn.features import Example, examples
from matcher.learn.persist import DEFAULT_MIN_LABELS, save_ranker
from matcher.learn.ranker import LearnedRanker
from matcher.learn.split import RandomRanker, compare, labelled, scored_examples, walk_forward
from matcher.outcomes.store import history, load_meeting_outcomes
from matcher.rank import BaselineRanker
from matcher.workspace import Workspace


def workspace_examples(workspace: Workspace) -> list[Example]:
    """Every meeting of every saved event, with features and its recorded grade."""
    return examples(
        workspace, list_plans(workspace), load_meeting_outcomes(workspace), history(workspace)
    )


@dataclass(frozen=True)
class Training:
    """What `train_ranker` did: the comparison table, label counts and the saved manifest."""

    rows: list[dict[str, Any]]
    labels: int
    positives: int
    test: int
    test_events: int
    manifest: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "positives": self.positives,
            "test": self.test,
            "test_events": self.test_events,
            "comparison": self.rows,
            "manifest": self.manifest,
        }


def train_ranker(
    workspace: Workspace,
    *,
    data: list[Example] | None = None,
    model: str = "logreg",
    min_labels: int = DEFAULT_MIN_LABELS,
    min_train_events: int = 2,
    save: bool = True,
) -> Training:
    """Evaluate walking forward in time, fit on all labels and (with `save`) save the model.

    `data` are the examples to learn from (default: the workspace's saved events and
    outcomes; the service passes those of its database). Refused (MatcherError, Chinese)
    with fewer than `min_labels` usable labels.
    """
    usable = labelled(workspace_examples(workspace) if data is None else data)
    if len(usable) < min_labels:
        raise MatcherError(
            f"可用于训练的会谈结果只有 {len(usable)} 条，少于要求的 {min_labels} 条，"
            "暂不训练排序模型。请先用 matcher outcome 记录更多已举行会谈的结果，"
            "或用 --min-labels 调低门槛。"
        )

    def learned(train: list[Example]) -> LearnedRanker:
        return LearnedRanker(model).fit([e.features for e in train], [e.grade or 0 for e in train])

    factories = {"baseline": lambda _: BaselineRanker(), "learned": learned,
                 "random": lambda _: RandomRanker()}  # fmt: skip
    try:
        scores = walk_forward(usable, factories, min_train_events)  # type: ignore[arg-type]
        final = learned(usable)
    except ValueError as error:
        raise MatcherError(f"无法训练排序模型：{error}") from error
    tested = scored_examples(usable, min_train_events)
    training = Training(
        rows=compare(tested, scores),
        labels=len(usable),
        positives=final.n_positive_,
        test=len(tested),
        test_events=len({e.event_id for e in tested}),
        manifest=None,
    )
    if not save:
        return training
    metrics = {k: v for k, v in training.to_dict().items() if k != "manifest"}
    return Training(**{**training.__dict__, "manifest": save_ranker(workspace, final, metrics)})
