"""The `EventStore` contract, on every backend: the workspace's JSON files, SQLite and
PostgreSQL. Plans carry their version; a save is a compare-and-set; `change` applies to the
current plan; a stale write raises `VersionConflict` and changes nothing."""

from __future__ import annotations

from datetime import date, time

import pytest

from matcher.errors import NotFoundError, VersionConflict
from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots
from matcher.events.store import JsonlEventStore
from storage.events import EventRepository
from tests.storage.backends import BACKENDS


def make_plan(event_id: str = "EV1", on: date = date(2026, 12, 3)) -> EventPlan:
    event = Event(id=event_id, name="人工智能产业链对接会", date=on,
                  slots=make_slots(time(9), 20, 3, 5), tables=4)  # fmt: skip
    participants = [
        Participant(id="E1", kind="enterprise", ref="E1", name="海鑫新能源", role="demand"),
        Participant(id="E2", kind="enterprise", ref="E2", name="蓝湾食品", role="demand"),
        Participant(id="U:青岛大学", kind="university", ref="青岛大学", name="青岛大学",
                    role="supply"),
    ]  # fmt: skip
    meetings = [Meeting(a="E1", b="U:青岛大学", score=0.8, slot=0, table=1),
                Meeting(a="E2", b="U:青岛大学", score=0.6, slot=1, table=1)]  # fmt: skip
    return EventPlan(event=event, participants=participants, meetings=meetings)


@pytest.fixture(params=("jsonl", *BACKENDS))
def backend(request) -> str:
    return request.param


@pytest.fixture
def store_factory(request, backend, tmp_path):
    """A fresh store object over the same storage on every call."""
    if backend == "jsonl":
        return lambda: JsonlEventStore(tmp_path)
    engine = request.getfixturevalue("engine")
    return lambda: EventRepository(engine)


def test_a_saved_plan_loads_back_at_version_one_and_every_save_adds_one(store_factory):
    store = store_factory()
    plan = make_plan()
    store.save(plan)
    assert plan.version == 1
    loaded = store_factory().load("EV1")
    assert loaded == plan and loaded.version == 1
    loaded.published = True
    store_factory().save(loaded)
    assert loaded.version == 2
    assert store_factory().load("EV1").published is True
    assert store_factory().exists("EV1") and not store_factory().exists("EV2")
    with pytest.raises(NotFoundError, match="找不到对接活动「EV404」"):
        store_factory().load("EV404")


def test_a_stale_copy_or_a_second_create_is_refused_and_changes_nothing(store_factory):
    store_factory().save(make_plan())
    mine, theirs = store_factory().load("EV1"), store_factory().load("EV1")
    theirs.meetings[0].locked = True
    store_factory().save(theirs)
    mine.meetings = []
    with pytest.raises(VersionConflict) as caught:
        store_factory().save(mine)
    assert str(caught.value) == (
        "数据已被他人修改，请刷新后重试：对接活动「EV1」已被他人修改（现为第 2 版，提交的是第 1 版）"
    )
    assert mine.version == 1  # not saved: still the version it was read at
    with pytest.raises(VersionConflict, match="已被他人创建（现为第 2 版）"):
        store_factory().save(make_plan())
    stored = store_factory().load("EV1")
    assert stored.version == 2 and stored.meetings[0].locked and len(stored.meetings) == 2


def test_change_applies_to_the_current_plan(store_factory):
    store_factory().save(make_plan())

    def lock(a: str):
        def apply(plan: EventPlan) -> str:
            next(m for m in plan.meetings if m.a == a).locked = True
            return f"锁定 {a}"

        return apply

    plan, detail = store_factory().change("EV1", lock("E1"))
    assert (detail, plan.version) == ("锁定 E1", 2)
    plan, _ = store_factory().change("EV1", lock("E2"), expected=2)
    assert plan.version == 3
    stored = store_factory().load("EV1")
    assert [m.locked for m in stored.meetings] == [True, True] and stored.version == 3


def test_a_stale_or_failing_change_writes_nothing(store_factory):
    store_factory().save(make_plan())
    store_factory().change("EV1", lambda plan: setattr(plan, "published", True))

    def remove_all(plan: EventPlan) -> None:
        plan.meetings = []

    with pytest.raises(VersionConflict, match="现为第 2 版，提交的是第 1 版"):
        store_factory().change("EV1", remove_all, expected=1)

    def fail(plan: EventPlan) -> None:
        plan.meetings = []
        raise ValueError("配对失败")

    with pytest.raises(ValueError, match="配对失败"):
        store_factory().change("EV1", fail)
    stored = store_factory().load("EV1")
    assert (stored.version, len(stored.meetings)) == (2, 2)
    with pytest.raises(NotFoundError, match="找不到对接活动「EV404」"):
        store_factory().change("EV404", remove_all)


def test_delete_checks_the_version_it_is_given(store_factory):
    store_factory().save(make_plan())
    store_factory().change("EV1", lambda plan: None)
    with pytest.raises(VersionConflict, match="现为第 2 版"):
        store_factory().delete("EV1", expected=1)
    assert store_factory().exists("EV1")
    assert store_factory().delete("EV1", expected=2) is True
    assert store_factory().delete("EV1") is False
    with pytest.raises(VersionConflict, match="对接活动「EV1」已被他人删除"):
        store_factory().delete("EV1", expected=2)


def test_list_latest_first_and_by_published(store_factory):
    store = store_factory()
    for event_id, day in (("EV-a", date(2026, 12, 1)), ("EV-b", date(2026, 12, 9)),
                          ("EV-c", date(2026, 12, 5)), ("EV-0", date(2026, 12, 5))):  # fmt: skip
        store.save(make_plan(event_id, day))
    store.change("EV-c", lambda plan: setattr(plan, "published", True))
    reopened = store_factory()
    assert [p.event.id for p in reopened.list()] == ["EV-b", "EV-0", "EV-c", "EV-a"]
    assert [(p.event.id, p.version) for p in reopened.list(published=True)] == [("EV-c", 2)]
    assert [p.event.id for p in reopened.list(published=False)] == ["EV-b", "EV-0", "EV-a"]
