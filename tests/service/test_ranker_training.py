"""Outcomes recorded in the service's database feed the learned ranker's training."""

from __future__ import annotations

from datetime import date, time

import pytest

from matcher.errors import MatcherError
from matcher.events.model import Event, EventPlan, Participant, make_slots
from matcher.events.planner import pair_event, schedule_event
from matcher.learn.train import train_ranker
from matcher.outcomes.model import meeting_outcome_id


def test_database_outcomes_become_training_examples(sqlite_service):
    state = sqlite_service.state
    event = Event(id="TR1", name="训练用对接会", date=date(2025, 3, 1),
                  slots=make_slots(time(9), 20, 3), tables=3)  # fmt: skip
    people = [
        Participant(id="E1", kind="enterprise", ref="E1", name="海鑫", role="demand"),
        Participant(id="E4", kind="enterprise", ref="E4", name="海工", role="demand"),
        Participant(
            id="U:石大", kind="university", ref="中国石油大学（华东）", name="石大", role="supply"
        ),
        Participant(id="U:青大", kind="university", ref="青岛大学", name="青大", role="supply"),
    ]
    plan = schedule_event(
        pair_event(EventPlan(event=event, participants=people), state.workspace, state.encoder)
    )
    state.events.save(plan)
    first = plan.meetings[0]
    key = meeting_outcome_id("TR1", first.a, first.b)
    state.outcomes.record_meetings([(key, {"attendance": "held", "stage": "intent"})], who="测试")

    examples = [e for e in state.training_examples() if e.event_id == "TR1"]
    assert len(examples) == len(plan.meetings)
    graded = {(e.a, e.b): e.grade for e in examples}
    assert graded[first.a, first.b] == 1
    assert all(e.features for e in examples)
    with pytest.raises(MatcherError, match="少于要求的 500 条"):
        train_ranker(state.workspace, data=state.training_examples(), min_labels=500, save=False)
