"""`matcher train-ranker` end to end on the small simulated half year (DEMO DATA ONLY)."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

import matcher.cli.learn_cmd  # noqa: F401  (registers simulate-outcomes and train-ranker)
from matcher.cli import app
from matcher.config import Settings, save_settings
from matcher.events.store import list_plans
from matcher.learn.features import examples, history_features, intent_dates
from matcher.learn.persist import load_ranker, manifests
from matcher.learn.ranker import LearnedRanker
from matcher.learn.train import workspace_examples
from matcher.outcomes.model import meeting_outcome_id
from matcher.outcomes.store import history, load_meeting_outcomes
from matcher.workspace import open_workspace
from tests.conftest import SAMPLE_DIR
from tests.learn.world import shared_simulation

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SAMPLE_DIR / "enterprise.jsonl").exists(), reason="no sample data"),
]
runner = CliRunner()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, worker_id):
    copy = tmp_path_factory.mktemp("sim") / "ws"
    shutil.copytree(shared_simulation(tmp_path_factory, worker_id), copy)
    return open_workspace(copy)


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_too_few_labels_is_refused_in_chinese(workspace):
    result = run("train-ranker", "-w", workspace.root, "--min-labels", 5000)
    assert result.exit_code == 1
    assert "少于要求的 5000 条" in result.stderr and "Traceback" not in result.output
    assert not manifests(workspace)


def test_train_evaluate_save_and_switch_on(workspace):
    result = run(
        "train-ranker", "-w", workspace.root, "--min-labels", 50, "--model", "hgb", "--json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["labels"] >= 50 and 0 < report["positives"] < report["labels"]
    rows = {(r["grouping"], r["ranker"]): r for r in report["comparison"]}
    assert set(rows) == {
        (g, r) for g in ("event", "participant") for r in ("baseline", "learned", "random")
    }
    assert all(0 <= r[m] <= 1 for r in rows.values() for m in ("ndcg@10", "recall@5", "recall@10"))
    assert rows["event", "learned"]["n"] >= 1 and report["test_events"] >= 1
    manifest = report["manifest"]
    assert manifest["labels"] == report["labels"] and manifest["model"] == "hgb"
    assert (workspace.root / "models" / manifest["file"]).exists()

    save_settings(workspace.root, Settings(today=workspace.settings.today, ranker="learned"))
    ranker = load_ranker(open_workspace(workspace.root), min_labels=50)
    assert isinstance(ranker, LearnedRanker)
    scores = ranker.score([e.features for e in workspace_examples(workspace)[:20]])
    assert scores.shape == (20,) and ((scores >= 0) & (scores <= 1)).all()
    shown = run("train-ranker", "-w", workspace.root, "--min-labels", 50)
    assert shown.exit_code == 0 and "学习排序" in shown.stdout and "基线" in shown.stdout


def test_history_of_recorded_outcomes_never_looks_ahead(workspace):
    plans = sorted(list_plans(workspace), key=lambda p: p.event.date)
    outcomes = load_meeting_outcomes(workspace)
    intents = intent_dates(outcomes, history(workspace))
    full = history_features(plans, intents)
    for k, plan in enumerate(plans):
        assert history_features(plans[: k + 1], intents)[plan.event.id] == full[plan.event.id]
    last = plans[-1]
    for (a, _), features in full[last.event.id].items():  # recount by hand: earlier, dated intents
        expected = sum(
            intents.get(meeting_outcome_id(p.event.id, m.a, m.b), last.event.date) < last.event.date
            for p in plans[:-1] for m in p.meetings if a in (m.a, m.b)
        )  # fmt: skip
        assert features["demand_past_intents"] == expected
    assert any(f["demand_past_intents"] > 0 for f in full[last.event.id].values())
    assert any(f["demand_past_meetings"] > 0 for f in full[last.event.id].values())
    assert all(f["demand_past_meetings"] == 0 for f in full[plans[0].event.id].values())
    labelled_count = sum(e.grade is not None for e in examples(workspace, plans, outcomes))
    assert labelled_count == len(outcomes)
