"""One pair-features definition: a pair gets the same features when served and when trained on."""

from __future__ import annotations

from datetime import date, time

import pytest

from matcher.embed.default import UseEncoder
from matcher.events.candidates import candidate_meetings
from matcher.events.model import Event, EventPlan, Participant, make_slots
from matcher.index.builder import build_indexes
from matcher.learn.features import Records, record_features
from matcher.recommend import Recommender
from tests.small_world import build_small_world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    workspace = build_small_world(tmp_path_factory.mktemp("pairs"))
    encoder = UseEncoder()
    build_indexes(workspace, progress=False, encoder=encoder)
    return workspace, encoder


def test_a_tech_pair_has_the_same_features_served_and_in_training(world):
    workspace, encoder = world
    participants = [
        Participant(id="E1", kind="enterprise", ref="E1", name="海鑫新能源", role="demand"),
        Participant(id="U:石大", kind="university", ref="中国石油大学（华东）",
                    name="中国石油大学（华东）", role="supply"),
    ]  # fmt: skip
    event = Event(id="EV", name="对接会", date=date(2026, 12, 3), slots=make_slots(time(9), 20, 3),
                  tables=2)  # fmt: skip
    plan = EventPlan(event=event, participants=participants)
    meeting = next(m for m in candidate_meetings(plan, workspace, encoder) if m.need_id == "N1")
    trained = record_features(Records.load(workspace), plan, meeting)
    served = next(r for r in Recommender(workspace).for_need("N1") if r.id == meeting.supply_id)
    shared = set(trained) & set(served.parts)
    assert {
        "relevance",
        "semantic",
        "lexical",
        "chain",
        "demand_tier",
        "supply_university",
    } <= shared
    for name in shared:
        assert trained[name] == pytest.approx(served.parts[name], abs=1e-4), name
    assert served.parts["relevance"] == pytest.approx(served.confidence, abs=1e-4)
