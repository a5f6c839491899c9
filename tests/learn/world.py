"""Shared test worlds for the learned ranker: hand-built events, and a simulated half year."""

from __future__ import annotations

import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pytest
from filelock import FileLock

from matcher.config import Settings
from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots
from matcher.ingest.importer import import_path
from matcher.learn.features import Example
from matcher.outcomes.model import MeetingOutcome, meeting_outcome_id
from matcher.synth.outcomes import simulate_outcomes
from matcher.workspace import Workspace, init_workspace
from tests.conftest import SAMPLE_DIR
from tests.small_world import ENTERPRISES

NAMES = {e.id: e.name for e in ENTERPRISES}
UPC, UQD, BQD = "U:中国石油大学（华东）", "U:青岛大学", "B:青岛银行"
SIM_SEED = 7


def _people(*ids: str) -> list[Participant]:
    people = []
    for pid in ids:
        if pid.startswith("E"):
            people.append(Participant(id=pid, kind="enterprise", ref=pid, name=NAMES[pid],
                                      role="both"))  # fmt: skip
        else:
            kind = "university" if pid.startswith("U:") else "bank"
            people.append(Participant(id=pid, kind=kind, ref=pid[2:], name=pid[2:], role="supply"))
    return people


def _plan(event_id: str, day: date, people: list[str], meetings: list[Meeting],
          kind: str = "industry") -> EventPlan:  # fmt: skip
    event = Event(id=event_id, name=event_id, kind=kind, date=day,
                  slots=make_slots(time(9), 20, 3), tables=3)  # type: ignore[arg-type]  # fmt: skip
    return EventPlan(event=event, participants=_people(*people), meetings=meetings)


def hand_plans() -> list[EventPlan]:
    """Three events on the small world: E1 meets a university twice, E3↔E4 twice."""
    parts = {
        "relevance": 0.55,
        "semantic": 0.6,
        "lexical": 0.3,
        "demand_side": 0.7,
        "supply_side": 0.6,
    }
    return [
        _plan("EV1", date(2025, 3, 10), ["E1", "E3", "E4", UPC, UQD], [
            Meeting(a="E1", b=UPC, score=0.7, parts=parts, need_id="N1", supply_id="T1"),
            Meeting(a="E3", b="E4", score=0.6, parts=parts, need_id="N4", supply_id="O1"),
        ]),
        _plan("EV2", date(2025, 5, 20), ["E1", "E2", BQD], [
            Meeting(a="E1", b=BQD, score=0.5, parts=parts, need_id="N2", supply_id="F1"),
        ], kind="finance"),
        _plan("EV3", date(2025, 9, 15), ["E1", "E3", "E4", UPC, UQD], [
            Meeting(a="E1", b=UQD, score=0.4, parts=parts, need_id="N1", supply_id="T2"),
            Meeting(a="E3", b="E4", score=0.6, parts=parts, need_id="N4", supply_id="O1"),
            Meeting(a="E4", b=UQD, score=0.8, parts=parts, need_id="N5", supply_id="T2"),
        ]),
    ]  # fmt: skip


def outcome(plan: EventPlan, a: str, b: str, stage: str, on: date) -> MeetingOutcome:
    return MeetingOutcome(
        id=meeting_outcome_id(plan.event.id, a, b), event_id=plan.event.id, a=a, b=b,
        attendance="held", stage=stage, updated_at=datetime.combine(on, time(17)),
    )  # type: ignore[arg-type]  # fmt: skip


def sample_workspace(root: Path, cache_from: Path | None = None) -> Workspace:
    """The committed sample imported into a new workspace (optionally with a warm cache)."""
    workspace = init_workspace(root, Settings(today=date(2025, 6, 30)))
    import_path(workspace.store, SAMPLE_DIR, progress=False)
    if cache_from is not None and cache_from.exists():
        shutil.copytree(cache_from, workspace.cache_dir, dirs_exist_ok=True)
    return workspace


def simulated_workspace(root: Path) -> Workspace:
    """The sample with the small simulated half year recorded (demo data)."""
    workspace = sample_workspace(root)
    simulate_outcomes(workspace, seed=SIM_SEED, small=True, progress=False)
    return workspace


def shared_simulation(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """One simulated workspace per test session, built by the first xdist worker that asks
    (the others wait on a lock); treat it as read-only and copy it to change it."""
    if worker_id == "master":
        root = tmp_path_factory.getbasetemp() / "simulated-sample"
    else:  # the parent of the workers' base folders belongs to this session only
        root = tmp_path_factory.getbasetemp().parent / "simulated-sample"
    with FileLock(str(root) + ".lock"):
        if not (root / "outcomes" / "meetings.jsonl").exists():
            shutil.rmtree(root, ignore_errors=True)
            simulated_workspace(root)
    return root


def synthetic(n_events: int = 6, per_event: int = 120, seed: int = 0) -> list[Example]:
    """Events whose outcomes follow relevance plus a tier × university interaction."""
    rng = np.random.default_rng(seed)
    result = []
    for k in range(n_events):
        day = date(2025, 1, 1) + timedelta(days=30 * k)
        for i in range(per_event):
            features = {
                "relevance": float(rng.random()),
                "demand_tier": float(rng.integers(0, 4)),
                "supply_university": float(rng.integers(0, 2)),
                "district": float(rng.integers(0, 2)),
            }
            logit = (
                3 * features["relevance"]
                - 4.5
                + 3 * float(features["demand_tier"] >= 2 and features["supply_university"] == 1)
            )
            grade = int(rng.random() < 1 / (1 + np.exp(-logit)))
            grade += grade and int(rng.random() < 0.3)
            result.append(Example(f"EV{k}", day, f"E{i % 20}", f"S{i}", features, grade, "held"))
    return result
