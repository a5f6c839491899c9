"""Candidates and the planner on the small world: real encoder, real records."""

from __future__ import annotations

from datetime import date, time

import pytest

from matcher.embed.default import UseEncoder
from matcher.errors import MatcherError
from matcher.events.candidates import candidate_meetings
from matcher.events.model import Event, EventPlan, Participant, make_slots
from matcher.events.planner import (
    add_must_meet,
    lock_meeting,
    pair_event,
    remove_meeting,
    schedule_event,
)
from matcher.events.store import save_plan
from matcher.index.builder import build_indexes
from tests.small_world import build_small_world


@pytest.fixture(scope="module")
def encoder():
    return UseEncoder()


@pytest.fixture
def workspace(tmp_path, encoder):
    workspace = build_small_world(tmp_path)
    build_indexes(workspace, progress=False, encoder=encoder)  # candidates search the indexes
    return workspace


def industry_plan(**event) -> EventPlan:
    settings = dict(id="EV1", name="智能装备产业链对接会", date=date(2026, 12, 3),
                    slots=make_slots(time(9), 20, 4), tables=3)  # fmt: skip
    settings.update(event)
    participants = [
        Participant(id="E1", kind="enterprise", ref="E1", name="海鑫新能源", role="demand"),
        Participant(id="E3", kind="enterprise", ref="E3", name="瑞视智能", role="both"),
        Participant(id="E4", kind="enterprise", ref="E4", name="海工精密", role="both"),
        Participant(id="U:石大", kind="university", ref="中国石油大学（华东）", name="中国石油大学（华东）", role="supply"),
        Participant(id="U:青大", kind="university", ref="青岛大学", name="青岛大学", role="supply"),
        Participant(id="U:农大", kind="university", ref="青岛农业大学", name="青岛农业大学", role="supply"),
    ]  # fmt: skip
    return EventPlan(event=Event(**settings), participants=participants)


def finance_plan() -> EventPlan:
    participants = [
        Participant(id="E1", kind="enterprise", ref="E1", name="海鑫新能源", role="demand"),
        Participant(id="E2", kind="enterprise", ref="E2", name="蓝湾食品", role="demand"),
        Participant(id="B:青银", kind="bank", ref="青岛银行", name="青岛银行", role="supply"),
        Participant(id="B:农商", kind="bank", ref="青岛农商银行", name="青岛农商银行", role="supply"),
        Participant(id="B:齐鲁", kind="bank", ref="齐鲁银行", name="齐鲁银行", role="supply"),
    ]  # fmt: skip
    event = Event(id="EV2", name="政金企对接会", kind="finance", date=date(2026, 12, 5),
                  slots=make_slots(time(14), 15, 3), tables=2)  # fmt: skip
    return EventPlan(event=event, participants=participants)


def pairs(plan: EventPlan) -> set[tuple[str, str]]:
    return {(m.a, m.b) for m in plan.meetings}


def test_candidates_are_reciprocal_and_explained(workspace, encoder):
    meetings = candidate_meetings(industry_plan(), workspace, encoder)
    by_pair = {(m.a, m.b): m for m in meetings}
    assert ("E1", "U:石大") in by_pair  # battery thermal need ↔ PCM thermal management result
    assert ("E4", "U:青大") in by_pair  # machine-vision need ↔ defect detection result
    assert ("E3", "E4") in by_pair  # E3 needs machining; E4 offers it
    top = by_pair["E1", "U:石大"]
    assert {"demand_side", "supply_side"} <= set(top.parts)
    low, high = sorted((top.parts["demand_side"], top.parts["supply_side"]))
    assert top.score == pytest.approx(2 * low * high / (low + high), abs=1e-3)
    assert any("双方意愿" in reason for reason in top.reasons)
    assert all(m.a != m.b for m in meetings)


def test_finance_candidates_obey_product_rules(workspace, encoder):
    meetings = candidate_meetings(finance_plan(), workspace, encoder)
    found = {(m.a, m.b) for m in meetings}
    assert ("E2", "B:青银") not in found  # E2 is not 专精特新
    assert ("E2", "B:齐鲁") not in found  # E2 is not whitelisted
    assert ("E1", "B:农商") not in found  # E1 needs 300万, above the 200万 cap
    assert ("E2", "B:农商") in found and ("E1", "B:青银") in found


def test_pair_and_schedule_the_industry_event(workspace, encoder):
    plan = pair_event(industry_plan(), workspace, encoder)
    assert {("E1", "U:石大"), ("E4", "U:青大"), ("E3", "E4")} <= pairs(plan)
    assert plan.objective == pytest.approx(sum(m.score for m in plan.meetings), abs=1e-3)
    shortfall = {s.participant: s for s in plan.shortfalls}
    assert "U:农大" in shortfall and "没有相互匹配" in shortfall["U:农大"].reason
    plan = schedule_event(plan)
    assert not plan.unplaced
    busy = set()
    for m in plan.meetings:
        for person in (m.a, m.b):
            assert (person, m.slot) not in busy
            busy.add((person, m.slot))


def test_lock_remove_must_meet_and_regenerate(workspace, encoder):
    plan = schedule_event(pair_event(industry_plan(), workspace, encoder))
    locked = next(m for m in plan.meetings if (m.a, m.b) == ("E1", "U:石大"))
    place = (locked.slot, locked.table)
    lock_meeting(plan, "E1", "U:石大")
    remove_meeting(plan, "E3", "E4")
    add_must_meet(plan, "E1", "U:农大")
    plan = schedule_event(pair_event(plan, workspace, encoder))
    assert ("E3", "E4") not in pairs(plan) and ("E4", "E3") not in pairs(plan)
    assert ("E1", "U:农大") in pairs(plan)
    kept = next(m for m in plan.meetings if (m.a, m.b) == ("E1", "U:石大"))
    assert kept.locked and (kept.slot, kept.table) == place


def test_availability_and_capacity(workspace, encoder):
    plan = industry_plan()
    plan.participants[0].max_meetings = 1
    plan.participants[0].availability = [3]
    plan = schedule_event(pair_event(plan, workspace, encoder))
    e1 = [m for m in plan.meetings if "E1" in (m.a, m.b)]
    assert len(e1) == 1 and e1[0].slot == 3


def test_errors_are_clear(workspace, encoder):
    empty = EventPlan(event=industry_plan().event)
    with pytest.raises(MatcherError, match="还没有参会方"):
        pair_event(empty, workspace, encoder)
    with pytest.raises(MatcherError, match="请先运行配对"):
        schedule_event(industry_plan())
    plan = industry_plan()
    plan.participants[0].must_meet = ["E404"]
    with pytest.raises(MatcherError, match="E404"):
        pair_event(plan, workspace, encoder)


def test_must_meet_by_name_resolves_to_the_participant(workspace, encoder):
    plan = industry_plan()
    plan.participant("E3").must_meet = ["青岛农业大学"]  # the name of U:农大, not its id
    plan = pair_event(plan, workspace, encoder)
    assert ("E3", "U:农大") in pairs(plan)


def test_hosts_keep_their_table_all_day(workspace, encoder):
    plan = industry_plan(tables=4)
    for pid, table in (("U:石大", 3), ("U:青大", None), ("E4", None)):
        plan.participant(pid).host = True
        plan.participant(pid).table = table
    plan = schedule_event(pair_event(plan, workspace, encoder))
    assert not plan.unplaced
    tables = {"U:石大": 3, "E4": 1, "U:青大": 2}  # unnamed ones in participant order
    for m in plan.meetings:
        host = m.a if m.a in tables else m.b
        assert m.table == tables.get(host, 4), m
    assert len({(m.slot, m.table) for m in plan.meetings}) == len(plan.meetings)


def test_picks_and_pairs_met_before(workspace, encoder):
    earlier = industry_plan(date=date(2026, 6, 1), id="EV0")
    earlier = schedule_event(pair_event(earlier, workspace, encoder, earlier=[]))
    save_plan(workspace, earlier)
    met = {m.key for m in earlier.meetings}
    assert frozenset(("E1", "U:石大")) in met
    plan = pair_event(industry_plan(), workspace, encoder)  # the workspace's plans by default
    assert not {m.key for m in plan.meetings} & met
    again = industry_plan()
    again.participant("E1").picks = {"U:石大": "must", "U:青大": "must", "nobody": "want"}
    again.participant("U:石大").picks = {"E1": "must"}
    again.participant("U:青大").picks = {"E1": "must"}
    again.participant("E1").max_meetings = 1
    again = pair_event(again, workspace, encoder)
    e1 = [m for m in again.meetings if "E1" in (m.a, m.b)]
    assert len(e1) == 1 and "双方均标记必见" in e1[0].reasons
    assert "未能安排" in again.pairing_note and "海鑫新能源" in again.pairing_note
