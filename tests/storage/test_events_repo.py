"""Event plans in the database: saved as JSON, loaded back equal, listed, deleted."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from matcher.errors import NotFoundError
from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots
from storage.events import EventRepository
from storage.models import EventRow


def make_plan(event_id: str, on: date, name: str = "人工智能产业链对接会") -> EventPlan:
    event = Event(id=event_id, name=name, date=on, slots=make_slots(time(9), 20, 3, 5), tables=4)
    participants = [
        Participant(id="E1", kind="enterprise", ref="E1", name="海鑫新能源", role="demand"),
        Participant(id="U:青岛大学", kind="university", ref="青岛大学", name="青岛大学",
                    role="supply", availability=[0, 2]),
    ]  # fmt: skip
    meeting = Meeting(a="E1", b="U:青岛大学", score=0.8, reasons=["共同关键词：检测"], slot=2,
                      table=1, locked=True)  # fmt: skip
    return EventPlan(event=event, participants=participants, meetings=[meeting])


@pytest.fixture
def events(engine) -> EventRepository:
    return EventRepository(engine)


def test_a_saved_plan_loads_back_equal(events):
    plan = make_plan("EV1", date(2026, 12, 3))
    events.save(plan)
    loaded = events.load("EV1")
    assert loaded == plan
    assert loaded.event.slots[2].label() == "09:50–10:10"
    assert loaded.meetings[0].locked and loaded.participants[1].availability == [0, 2]


def test_save_replaces_the_plan_and_its_columns(events, engine):
    plan = make_plan("EV1", date(2026, 12, 3))
    events.save(plan)
    plan.published = True
    plan.event.name = "人工智能产业链对接会（第二场）"
    plan.meetings = []
    events.save(plan)
    assert events.load("EV1").meetings == []
    with engine.connect() as connection:
        row = connection.execute(select(EventRow.__table__)).one()
    assert (row.name, row.published, row.kind, row.date) == (
        "人工智能产业链对接会（第二场）", True, "industry", date(2026, 12, 3),
    )  # fmt: skip
    assert row.updated_at.utcoffset().total_seconds() == 0


def test_list_latest_first_and_by_published(events):
    for event_id, day in (("EV-a", date(2026, 12, 1)), ("EV-b", date(2026, 12, 9)),
                          ("EV-c", date(2026, 12, 5))):  # fmt: skip
        events.save(make_plan(event_id, day))
    published = events.load("EV-c")
    published.published = True
    events.save(published)
    assert [p.event.id for p in events.list()] == ["EV-b", "EV-c", "EV-a"]
    assert [p.event.id for p in events.list(published=True)] == ["EV-c"]
    assert [p.event.id for p in events.list(published=False)] == ["EV-b", "EV-a"]


def test_unknown_and_deleted_events(events):
    with pytest.raises(NotFoundError, match="找不到对接活动「EV404」"):
        events.load("EV404")
    events.save(make_plan("EV1", date(2026, 12, 3)))
    assert events.exists("EV1")
    assert events.delete("EV1") is True
    assert events.delete("EV1") is False
    assert not events.exists("EV1") and events.list() == []
