"""Late changes on a published plan: scheduled meetings never move, new ones fill the gaps."""

from __future__ import annotations

import pytest

from matcher.embed.default import UseEncoder
from matcher.events.model import EventPlan, Participant
from matcher.events.planner import pair_event, schedule_event
from matcher.index.builder import build_indexes
from tests.events.test_planner import industry_plan
from tests.small_world import build_small_world


@pytest.fixture(scope="module")
def encoder():
    return UseEncoder()


@pytest.fixture
def workspace(tmp_path, encoder):
    workspace = build_small_world(tmp_path)
    build_indexes(workspace, progress=False, encoder=encoder)
    return workspace


def places(plan: EventPlan) -> dict[tuple[str, str], tuple[int | None, int | None]]:
    return {(m.a, m.b): (m.slot, m.table) for m in plan.meetings}


def assert_no_double_booking(plan: EventPlan) -> None:
    people, tables = set(), set()
    for m in plan.meetings:
        if m.slot is None or m.status in ("cancelled", "no_show"):
            continue
        for person in (m.a, m.b):
            assert (person, m.slot) not in people
            people.add((person, m.slot))
        assert (m.slot, m.table) not in tables
        tables.add((m.slot, m.table))


def published(workspace, encoder) -> EventPlan:
    plan = industry_plan(tables=2)
    plan.participants = [p for p in plan.participants if p.id != "U:农大"]
    return schedule_event(pair_event(plan, workspace, encoder))


def test_a_late_participant_only_fills_free_slots_and_tables(workspace, encoder):
    plan = published(workspace, encoder)
    before = places(plan)
    late = Participant(id="U:农大", kind="university", ref="青岛农业大学", name="青岛农业大学",
                       role="supply", must_meet=["E1", "E4"])  # fmt: skip
    plan.participants.append(late)
    plan = pair_event(plan, workspace, encoder, keep_scheduled=True)
    plan = schedule_event(plan, keep_scheduled=True)
    after = places(plan)
    assert {pair: after[pair] for pair in before} == before  # nothing moved
    assert {("E1", "U:农大"), ("E4", "U:农大")} <= set(after)
    assert not plan.unplaced
    assert_no_double_booking(plan)


def test_without_keep_scheduled_the_plan_is_rebuilt(workspace, encoder):
    plan = published(workspace, encoder)
    for meeting in plan.meetings:
        meeting.slot, meeting.table = 3, 2  # all on one place: only a full reschedule fixes it
    plan = schedule_event(plan)
    assert_no_double_booking(plan)
    with_keep = published(workspace, encoder)
    first = with_keep.meetings[0]
    first.slot, first.table = 3, 2
    kept = schedule_event(with_keep, keep_scheduled=True)
    assert (kept.meetings[0].slot, kept.meetings[0].table) == (3, 2)


def test_a_removed_participant_frees_only_its_own_meetings(workspace, encoder):
    plan = published(workspace, encoder)
    before = places(plan)
    plan.participants = [p for p in plan.participants if p.id != "E3"]
    plan = schedule_event(
        pair_event(plan, workspace, encoder, keep_scheduled=True), keep_scheduled=True
    )
    after = places(plan)
    assert all("E3" not in pair for pair in after)
    assert {p: v for p, v in before.items() if "E3" not in p}.items() <= after.items()


def test_cancelled_meetings_stay_as_a_record_and_block_nothing(workspace, encoder):
    plan = published(workspace, encoder)
    cancelled = plan.meetings[0]
    cancelled.status = "cancelled"
    place = (cancelled.slot, cancelled.table)
    plan = schedule_event(
        pair_event(plan, workspace, encoder, keep_scheduled=True), keep_scheduled=True
    )
    same = [m for m in plan.meetings if m.key == cancelled.key]
    assert (
        len(same) == 1 and same[0].status == "cancelled" and (same[0].slot, same[0].table) == place
    )
    assert_no_double_booking(plan)
