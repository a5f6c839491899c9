"""The restore list: removed participants and meetings come back as they were, a meeting to
its old place only while that place is free; settings edits that would strand meetings."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from matcher.errors import ConflictError, InvalidValue, NotFoundError
from matcher.events.edits import apply_settings
from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots
from matcher.events.restore import remove_meeting, remove_participant, restore

NOW = datetime(2026, 12, 1, 9, 0)


def plan() -> EventPlan:
    event = Event(id="EV", name="对接会", date=date(2026, 12, 3), slots=make_slots(time(9), 20, 4),
                  tables=3)  # fmt: skip
    people = [Participant(id=p, kind="enterprise", ref=p, name=f"企业{p}", role=r)
              for p, r in (("D1", "demand"), ("D2", "demand"), ("S1", "supply"), ("S2", "supply"))]  # fmt: skip
    meetings = [Meeting(a="D1", b="S1", score=0.9, slot=0, table=1),
                Meeting(a="D2", b="S2", score=0.8, slot=1, table=2),
                Meeting(a="D1", b="S2", score=0.7, slot=2, table=3)]  # fmt: skip
    return EventPlan(event=event, participants=people, meetings=meetings)


def test_a_removed_meeting_returns_to_its_free_place():
    p = plan()
    entry = remove_meeting(p, "S1", "D1", NOW)
    assert entry.label == "会谈 企业D1 ↔ 企业S1（09:00–09:20 1号桌）"
    assert len(p.meetings) == 2 and ["D1", "S1"] in p.removed
    assert restore(p, 0) == "已恢复会谈 企业D1 ↔ 企业S1，仍在原时段与桌号"
    back = next(m for m in p.meetings if m.key == frozenset(("D1", "S1")))
    assert (back.slot, back.table) == (0, 1) and p.restore == [] and p.removed == []


def test_a_restored_meeting_whose_place_was_taken_is_unplaced_with_the_reason():
    p = plan()
    remove_meeting(p, "D1", "S1", NOW)
    p.meetings.append(Meeting(a="D2", b="S1", score=0.5, slot=0, table=1))
    message = restore(p, 0)
    assert "原时段的 1号桌已安排其他会谈" in message
    back = next(m for m in p.meetings if m.key == frozenset(("D1", "S1")))
    assert back.slot is None and p.unplaced["D1|S1"] == "原时段的 1号桌已安排其他会谈"


def test_a_removed_participant_takes_its_meetings_and_comes_back_with_them():
    p = plan()
    remove_participant(p, "D1", NOW)
    assert [m.key for m in p.meetings] == [frozenset(("D2", "S2"))]
    assert [e.what for e in p.restore] == ["meeting", "meeting", "participant"]
    with pytest.raises(ConflictError, match="请先恢复该参会方"):
        restore(p, 0)
    assert restore(p, 2) == "已恢复参会方 企业D1"
    restore(p, 0)
    restore(p, 0)
    assert len(p.meetings) == 3 and p.restore == []
    assert {(m.slot, m.table) for m in p.meetings} == {(0, 1), (1, 2), (2, 3)}


def test_unknown_entries_and_participants_are_not_found():
    p = plan()
    with pytest.raises(NotFoundError):
        restore(p, 0)
    with pytest.raises(NotFoundError):
        remove_participant(p, "X9", NOW)
    with pytest.raises(NotFoundError):
        remove_meeting(p, "D2", "S1", NOW)


def test_fewer_slots_than_the_schedule_uses_names_the_field_or_unschedules():
    p = plan()
    smaller = p.event.model_copy(update={"slots": make_slots(time(9), 20, 2), "tables": 2})
    with pytest.raises(InvalidValue) as caught:
        apply_settings(p, smaller)
    assert [field for field, _ in caught.value.problems] == ["slots", "tables"]
    assert "场次不能少于 3" in str(caught.value)
    detail = apply_settings(p, smaller, unschedule=True)
    assert "取消排程 1 场" in detail and "时段" in detail
    assert p.meetings[2].slot is None and "D1|S2" in p.unplaced
    assert len(p.event.slots) == 2


def test_a_settings_edit_keeps_the_id_and_trims_availability():
    p = plan()
    p.participants[0].availability = [0, 3]
    edited = p.event.model_copy(update={"id": "OTHER", "name": "新名称",
                                        "slots": make_slots(time(9), 20, 3)})  # fmt: skip
    assert apply_settings(p, edited) == "修改活动设置：名称、时段"
    assert p.event.id == "EV" and p.participants[0].availability == [0]
