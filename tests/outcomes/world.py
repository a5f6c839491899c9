"""Three hand-built events over the small world, and a hand-built set of outcomes.

EV1 智能装备 2025-03-10: E1↔石油大学, E4↔青岛大学, E3↔E4
EV2 政金企 2025-05-20:   E1↔青岛银行, E2↔青岛农商银行
EV3 人工智能 2025-09-15: E3↔青岛大学
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots
from matcher.events.store import save_plan
from matcher.outcomes.model import FinanceOutcome, MeetingOutcome, meeting_outcome_id
from matcher.workspace import Workspace
from tests.small_world import ENTERPRISES, build_small_world

NAMES = {e.id: e.name for e in ENTERPRISES}
UPC = "U:中国石油大学（华东）"
UQD = "U:青岛大学"
# Two moments of recorded changes, and the meeting E1 ↔ 石油大学 of EV1.
T1 = datetime(2025, 3, 11, 10, 0)
T2 = datetime(2025, 3, 20, 15, 30)
KEY = f"EV1|E1|{UPC}"
BQD = "B:青岛银行"
BNS = "B:青岛农商银行"


def _firm(eid: str, role: str) -> Participant:
    return Participant(id=eid, kind="enterprise", ref=eid, name=NAMES[eid], role=role)


def _other(pid: str) -> Participant:
    kind = "university" if pid.startswith("U:") else "bank"
    return Participant(id=pid, kind=kind, ref=pid[2:], name=pid[2:], role="supply")


def _plan(event_id, name, day, chain, people, pairs, kind="industry") -> EventPlan:
    event = Event(id=event_id, name=name, kind=kind, chain=chain, date=day,
                  slots=make_slots(time(9), 20, 3, gap=5), tables=3)  # fmt: skip
    meetings = [Meeting(a=a, b=b, score=0.5, slot=i // 3, table=i % 3 + 1)
                for i, (a, b) in enumerate(pairs)]  # fmt: skip
    return EventPlan(event=event, participants=people, meetings=meetings)


def plans() -> list[EventPlan]:
    return [
        _plan("EV1", "智能装备产业链对接会", date(2025, 3, 10), "智能装备",
              [_firm("E1", "demand"), _firm("E3", "demand"), _firm("E4", "both"),
               _other(UPC), _other(UQD)],
              [("E1", UPC), ("E4", UQD), ("E3", "E4")]),
        _plan("EV2", "政金企对接会", date(2025, 5, 20), None,
              [_firm("E1", "demand"), _firm("E2", "demand"), _other(BQD), _other(BNS)],
              [("E1", BQD), ("E2", BNS)], kind="finance"),
        _plan("EV3", "人工智能产业链对接会", date(2025, 9, 15), "人工智能",
              [_firm("E3", "demand"), _other(UQD)], [("E3", UQD)]),
    ]  # fmt: skip


def _meeting(event_id, a, b, **fields) -> MeetingOutcome:
    return MeetingOutcome(id=meeting_outcome_id(event_id, a, b), event_id=event_id, a=a, b=b,
                          **fields)  # fmt: skip


def meeting_outcomes() -> list[MeetingOutcome]:
    return [
        _meeting("EV1", "E1", UPC, attendance="held", stage="signed", signed_amount=120,
                 next_follow_up=date(2025, 4, 1)),
        _meeting("EV1", "E4", UQD, attendance="held", stage="negotiating",
                 next_follow_up=date(2025, 6, 1), updated_by="李四"),
        _meeting("EV1", "E3", "E4", attendance="held", stage="intent",
                 next_follow_up=date(2025, 5, 1), updated_by="张三"),
        _meeting("EV2", "E1", BQD, attendance="held", stage="intent"),
        _meeting("EV2", "E2", BNS, attendance="no_show", next_follow_up=date(2025, 6, 15)),
        _meeting("EV3", "E3", UQD, attendance="held", stage="signed", signed_amount=50),
    ]  # fmt: skip


def finance_outcomes() -> list[FinanceOutcome]:
    return [
        FinanceOutcome(id="E1|F1", enterprise_id="E1", product_id="F1", event_id="EV2",
                       status="approved", amount=300),
        FinanceOutcome(id="E2|F2", enterprise_id="E2", product_id="F2", event_id="EV2",
                       status="approved", amount=80, first_loan=True),
        FinanceOutcome(id="E1|F3", enterprise_id="E1", product_id="F3", status="applied",
                       updated_at=datetime(2025, 10, 1, 9), updated_by="王五",
                       next_follow_up=date(2025, 3, 1)),
        FinanceOutcome(id="E3|F1", enterprise_id="E3", product_id="F1", event_id="EV3",
                       status="declined"),
    ]  # fmt: skip


def build_event_world(root: Path) -> Workspace:
    """The small world's records plus the three event plans (no outcomes yet)."""
    workspace = build_small_world(root)
    for plan in plans():
        save_plan(workspace, plan)
    return workspace
