"""The outcome simulator (DEMO DATA ONLY): calibration, determinism, labelling, real planner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import matcher.cli.learn_cmd  # noqa: F401  (registers simulate-outcomes)
from matcher.cli import app
from matcher.errors import MatcherError
from matcher.events.store import list_plans
from matcher.outcomes.funnel import funnel
from matcher.outcomes.store import (
    history,
    load_finance_outcomes,
    load_meeting_outcomes,
    outcomes_dir,
)
from matcher.synth.outcomes import (
    DEFAULT_EVENTS,
    SIMULATOR,
    SMALL_TARGETS,
    invitations,
    simulate_outcomes,
)
from matcher.workspace import open_workspace
from tests.conftest import SAMPLE_DIR
from tests.learn.world import SIM_SEED, sample_workspace, shared_simulation

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SAMPLE_DIR / "enterprise.jsonl").exists(), reason="no sample data"),
]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory, worker_id):
    return open_workspace(shared_simulation(tmp_path_factory, worker_id))  # read-only


def _files(workspace):
    folder = outcomes_dir(workspace)
    return {
        n: (folder / n).read_bytes() for n in ("meetings.jsonl", "finance.jsonl", "history.jsonl")
    }


def _pairs(workspace):
    """Who meets whom at each event (the CP-SAT schedule may place ties in other slots)."""
    return {p.event.id: sorted((m.a, m.b, m.need_id, m.supply_id) for m in p.meetings)
            for p in list_plans(workspace)}  # fmt: skip


def test_funnel_is_calibrated_and_labelled_as_simulated(simulated):
    plans = list_plans(simulated)
    counts = funnel(load_meeting_outcomes(simulated), load_finance_outcomes(simulated), plans,
                    simulated.store.load("enterprise"))  # fmt: skip
    # only pairs the engine calls a match are proposed, so four small events hold ~100 meetings
    assert counts.events == 4 and counts.meetings_planned == counts.followed_up >= 80
    assert abs(counts.signed - SMALL_TARGETS.signed) <= 1
    assert abs(counts.negotiating - SMALL_TARGETS.negotiating) <= 2
    assert abs(counts.intent_enterprises - SMALL_TARGETS.intent_enterprises) <= 2
    assert 0 < counts.no_show + counts.cancelled < counts.meetings_held
    assert counts.signed_amount > 0 and counts.finance_recommended > 0
    assert all(p.event.name.endswith("（模拟）") for p in plans)
    assert {c.who for c in history(simulated)} == {SIMULATOR}
    # the real planner made these plans: every meeting is scheduled, within the venue
    for plan in plans:
        assert plan.meetings and all(
            m.slot is not None and m.table is not None for m in plan.meetings
        )
        assert len({(m.slot, m.table) for m in plan.meetings}) == len(plan.meetings)


def test_outcomes_follow_the_hidden_utility(simulated):
    outcomes = load_meeting_outcomes(simulated)
    signed = [o for o in outcomes.values() if o.stage == "signed"]
    assert signed and all(o.attendance == "held" and o.signed_amount for o in signed)
    assert all(o.stage == "none" for o in outcomes.values() if o.attendance != "held")
    stages = [c for c in history(simulated) if c.field == "stage"]
    for outcome in signed:  # history climbs the funnel in time order
        steps = [c.new for c in stages if c.outcome_id == outcome.id]
        assert steps[-1] == "signed" and steps == sorted(
            steps, key=["intent", "negotiating", "signed"].index
        )


def test_same_seed_same_files_other_seed_other_outcomes(simulated, tmp_path):
    again = sample_workspace(tmp_path / "again", cache_from=simulated.cache_dir)
    simulate_outcomes(again, seed=SIM_SEED, small=True, progress=False)
    assert _files(again) == _files(simulated) and _pairs(again) == _pairs(simulated)
    with pytest.raises(MatcherError, match="已有模拟活动"):
        simulate_outcomes(again, seed=SIM_SEED, small=True, progress=False)
    other = sample_workspace(tmp_path / "other", cache_from=simulated.cache_dir)
    simulate_outcomes(other, seed=SIM_SEED + 1, small=True, progress=False)
    assert load_meeting_outcomes(other) != load_meeting_outcomes(simulated)


def test_default_half_year_invites_about_300_enterprises(simulated):
    invited = invitations(simulated, DEFAULT_EVENTS, seed=20250101)
    distinct = {e for event in invited for e in event}
    assert len(invited) == 7 and 280 <= len(distinct) <= 320
    assert sum(map(len, invited)) > len(distinct)  # some come back to a later event
    assert invited == invitations(simulated, DEFAULT_EVENTS, seed=20250101)


def test_command_line_says_it_is_simulated(simulated, tmp_path):
    workspace = sample_workspace(tmp_path / "cli", cache_from=simulated.cache_dir)
    args = ["simulate-outcomes", "--small", "--seed", SIM_SEED, "-w", workspace.root]
    result = CliRunner().invoke(app, [str(a) for a in [*args, "--json"]])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["simulated"] is True and len(payload["events"]) == 4
    assert payload["funnel"]["signed"] == len(
        [o for o in load_meeting_outcomes(simulated).values() if o.stage == "signed"]
    )
    again = CliRunner().invoke(app, [str(a) for a in args])
    assert again.exit_code == 1 and "已有模拟活动" in again.stderr
