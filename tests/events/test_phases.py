"""Event phases and participants' recorded choices on a hand-made plan: phases that need a
schedule, publishing moving with the phase, the 10-must limit, requests expiring."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from matcher.errors import ConflictError, InvalidValue, NotFoundError
from matcher.events.choosing import answer_request, expire_requests, send_request, set_picks
from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots
from matcher.events.phases import move_phase, phase_of

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def plan(count: int = 13, **event) -> EventPlan:
    setup = Event(id="EV", name="对接会", date=date(2026, 12, 3), slots=make_slots(time(9), 20, 2),
                  tables=2, **event)  # fmt: skip
    people = [Participant(id=f"P{i}", kind="enterprise", ref=f"P{i}", name=f"企业{i}",
                          role="both") for i in range(count)]  # fmt: skip
    return EventPlan(event=setup, participants=people)


def test_phases_need_a_schedule_and_publish_with_it():
    p = plan()
    with pytest.raises(ConflictError, match="请先生成配对与日程"):
        move_phase(p, "provisional")
    assert move_phase(p, "preferences") == "阶段：报名 → 意向征集"
    p.meetings = [Meeting(a="P0", b="P1", score=0.5, slot=0, table=1)]
    move_phase(p, "published")
    assert p.published and phase_of(p) == "published"
    move_phase(p, "provisional")
    assert not p.published
    p.published = True  # the publish button, outside the phases
    assert phase_of(p) == "published"
    with pytest.raises(ConflictError, match="已处于"):
        move_phase(p, "published")
    with pytest.raises(ConflictError, match="参会方不足"):
        move_phase(plan(1), "preferences")


def test_picks_limit_and_mode():
    p = plan()
    with pytest.raises(ConflictError, match="意向征集"):
        set_picks(p, "P0", {"P1": "must"}, replace=False)
    p.phase = "preferences"
    set_picks(p, "P0", {f"P{i}": "must" for i in range(1, 11)}, replace=True)
    with pytest.raises(InvalidValue, match=r"必见.*最多标记 10 个") as raised:
        set_picks(p, "P0", {"P11": "must"}, replace=False)
    assert raised.value.problems[0][0] == "picks"
    set_picks(p, "P0", {"P1": None, "P11": "no"}, replace=False)
    assert len(p.participant("P0").picks) == 10 and p.participant("P0").picks["P11"] == "no"


def test_requests_expire_on_read_and_write():
    p = plan(3, choice_mode="requests", request_expiry_hours=1)
    p.phase = "preferences"
    send_request(p, "P0", "P1", "你好", NOW)
    with pytest.raises(ConflictError, match="请在「收到的邀请」中答复"):
        send_request(p, "P1", "P0", "", NOW)
    later = NOW + timedelta(hours=2)
    assert expire_requests(p, later) == 1 and p.requests[0].status == "expired"
    with pytest.raises(ConflictError, match="已过期"):
        answer_request(p, "P1", "P0", "accept", later)
    send_request(p, "P1", "P0", "", later)  # an expired request blocks nothing
    answer_request(p, "P0", "P1", "accept", later)
    assert [r.status for r in p.requests] == ["expired", "accepted"]
    with pytest.raises(NotFoundError):
        answer_request(p, "P2", "P0", "decline", later)
