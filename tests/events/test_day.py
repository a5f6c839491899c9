"""The event day on a hand-made plan: check-in, no-shows, re-pairing freed places."""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as clock

import pytest

from matcher.errors import ConflictError
from matcher.events.day import (
    add_day_meetings,
    check_in,
    current_slot,
    mark_absent,
    mark_meeting,
    propose_day_meetings,
)
from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots

AT = datetime(2026, 5, 20, 8, 30)


def person(pid: str, role: str, **extra) -> Participant:
    return Participant(id=pid, kind="enterprise", ref=pid, name=f"企业{pid}", role=role, **extra)


def plan() -> EventPlan:
    event = Event(id="day", name="对接会", date=date(2026, 5, 20), tables=2,
                  slots=make_slots(clock(9), 20, 3))  # fmt: skip
    people = [person(p, "demand") for p in ("d1", "d2", "d3")]
    people += [person(p, "supply") for p in ("s1", "s2", "s3")]
    meetings = [
        Meeting(a="d1", b="s1", score=0.9, slot=0, table=1),
        Meeting(a="d2", b="s2", score=0.8, slot=0, table=2),
        Meeting(a="d1", b="s2", score=0.7, slot=1, table=1),
        Meeting(a="d3", b="s3", score=0.6, slot=1, table=2),
    ]
    return EventPlan(event=event, participants=people, meetings=meetings)


CANDIDATES = [
    Meeting(a="d2", b="s1", score=0.5, reasons=["需求↔成果"]),
    Meeting(a="d2", b="s3", score=0.4),
    Meeting(a="d3", b="s1", score=0.3),
    Meeting(a="d1", b="s3", score=0.2),
]


def placed(p: EventPlan) -> set[tuple[str, str, int | None, int | None]]:
    return {(m.a, m.b, m.slot, m.table) for m in p.meetings if m.origin != "day"}


def test_check_in_is_idempotent() -> None:
    p = plan()
    assert check_in(p, "d1", AT)
    assert not check_in(p, "d1", datetime(2026, 5, 20, 9))
    assert p.checked_in["d1"] == AT


def test_current_slot_follows_the_clock() -> None:
    p = plan()
    assert current_slot(p, datetime(2026, 5, 19, 12)) == 0
    assert current_slot(p, datetime(2026, 5, 20, 9, 10)) == 0
    assert current_slot(p, datetime(2026, 5, 20, 9, 25)) == 1
    assert current_slot(p, datetime(2026, 5, 20, 11)) == 3


def test_absent_frees_only_remaining_meetings() -> None:
    p = plan()
    freed = mark_absent(p, "s2", from_slot=1)
    assert [(m.a, m.b) for m in freed] == [("d1", "s2")]
    assert p.meetings[2].status == "no_show" and p.meetings[2].no_show == ["s2"]
    assert p.meetings[1].status == "planned"


def test_mark_meeting_held_and_no_show() -> None:
    p = plan()
    assert mark_meeting(p, "d1", "s1", "held").status == "held"
    missed = mark_meeting(p, "s2", "d2", "no_show", ["d2"])
    assert missed.no_show == ["d2"]


def test_freed_places_filled_without_moving_others() -> None:
    p = plan()
    for pid in ("d1", "d2", "d3", "s1", "s3"):
        check_in(p, pid, AT)
    mark_absent(p, "s2", from_slot=1)
    before = placed(p)
    proposal = propose_day_meetings(p, CANDIDATES, from_slot=1)
    assert proposal, "the freed place of slot 1 and slot 2 should be offered"
    add_day_meetings(p, proposal)
    assert placed(p) == before
    active = [m for m in p.meetings if m.status == "planned"]
    seats = [(m.slot, m.table) for m in active]
    assert len(seats) == len(set(seats))
    for slot in range(3):
        people = [x for m in active if m.slot == slot for x in (m.a, m.b)]
        assert len(people) == len(set(people))
    assert all(m.origin == "day" and m.slot >= 1 for m in proposal)
    assert all("s2" not in (m.a, m.b) for m in proposal)
    assert ("d2", "s1") in {(m.a, m.b) for m in proposal}


def test_only_checked_in_and_not_blocked() -> None:
    p = plan()
    for pid in ("d2", "s1", "s3"):
        check_in(p, pid, AT)
    p.participant("d2").picks = {"s1": "no"}
    mark_absent(p, "s2", from_slot=1)
    proposal = propose_day_meetings(p, CANDIDATES, from_slot=1)
    assert {(m.a, m.b) for m in proposal} == {("d2", "s3")}


def test_confirm_after_a_change_conflicts() -> None:
    p = plan()
    for pid in ("d2", "s1"):
        check_in(p, pid, AT)
    proposal = propose_day_meetings(p, CANDIDATES, from_slot=1)
    assert proposal
    taken = proposal[0]
    p.meetings.append(Meeting(a="d3", b="s1", score=0.1, slot=taken.slot, table=taken.table))
    with pytest.raises(ConflictError):
        add_day_meetings(p, proposal)
