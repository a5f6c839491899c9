"""No lost updates between workers: two engines on one database (standing in for two service
processes), 100 pairs of concurrent conflicting writes each on records, event plans and
outcomes, on SQLite and PostgreSQL.

A pair is two threads, one per engine, released together; each reads, changes a field of its
own and writes back stating the version it read. Either both land (one after the other) or
the stale one gets `VersionConflict` / a stale `OutcomeError` and changes nothing: every
reported success is in the final data, and no refused change is. Event changes through
`EventRepository.change` need no version: they run on the current plan under its row lock,
so all of them land.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, time

import pytest
from sqlalchemy import Engine

from matcher.errors import VersionConflict
from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots
from matcher.outcomes.store import OutcomeError
from matcher.types import Need
from storage.db import make_engine, upgrade
from storage.events import EventRepository
from storage.outcomes import SqlOutcomeStore
from storage.records import SqlRecordStore
from tests.storage.backends import BACKENDS, backend_url

PAIRS = 100


@pytest.fixture(params=BACKENDS)
def two(request, tmp_path) -> Iterator[tuple[Engine, Engine]]:
    """Two engines (two connection pools) on one new, migrated database."""
    with backend_url(request.param, tmp_path) as (url, schema):
        first, second = make_engine(url, schema), make_engine(url, schema)
        try:
            upgrade(first)
            yield first, second
        finally:
            first.dispose()
            second.dispose()


def race(*writes: Callable[[], object]) -> list[object]:
    """Run the writes in threads released at once; each one's result or exception."""
    start = threading.Barrier(len(writes))
    results: list[object] = [None] * len(writes)

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = writes[index]()
        except Exception as error:  # the caller checks which errors were expected
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(writes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_records_lose_no_update(two):
    stores = [SqlRecordStore(engine) for engine in two]
    ids = [f"N{i:03d}" for i in range(PAIRS)]
    stores[0].upsert("need", [Need(id=i, enterprise_id="E1", kind="finance",
                                   text="需要流动资金贷款") for i in ids])  # fmt: skip

    def write(store: SqlRecordStore, record_id: str, field: str, value: object):
        def attempt() -> bool:
            need, version = store.get_versioned("need", record_id)
            changed = need.model_copy(update={field: value})
            store.upsert("need", [changed], expected={record_id: version})
            return True

        return attempt

    outcomes = {}
    for number, record_id in enumerate(ids):
        outcomes[record_id] = race(
            write(stores[0], record_id, "amount", float(number + 1)),
            write(stores[1], record_id, "deadline", date(2027, 1, 1 + number % 28)),
        )
    lost = refused_but_written = 0
    for number, record_id in enumerate(ids):
        need, version = stores[0].get_versioned("need", record_id)
        first, second = outcomes[record_id]
        for result, applied in ((first, need.amount == number + 1),
                                (second, need.deadline == date(2027, 1, 1 + number % 28))):  # fmt: skip
            if result is True:
                lost += not applied
            else:
                assert isinstance(result, VersionConflict), result
                assert "数据已被他人修改，请刷新后重试" in str(result)
                refused_but_written += applied
        assert version == 1 + sum(r is True for r in (first, second))
        assert True in (first, second)  # one of a pair always lands
    assert (lost, refused_but_written) == (0, 0)


def _event(meetings: int) -> EventPlan:
    event = Event(id="EV-race", name="并发测试对接会", date=date(2026, 12, 3),
                  slots=make_slots(time(9), 20, 8, 5), tables=20)  # fmt: skip
    people = [Participant(id=f"A{i}", kind="enterprise", ref=f"A{i}", name=f"需方{i}",
                          role="demand") for i in range(10)]  # fmt: skip
    people += [Participant(id=f"B{i}", kind="enterprise", ref=f"B{i}", name=f"供方{i}",
                           role="supply") for i in range(meetings // 10 + 1)]  # fmt: skip
    pairs = [Meeting(a=f"A{i % 10}", b=f"B{i // 10}", score=0.5) for i in range(meetings)]
    return EventPlan(event=event, participants=people, meetings=pairs)


def test_event_changes_from_two_workers_all_land(two):
    repos = [EventRepository(engine) for engine in two]
    repos[0].save(_event(2 * PAIRS))

    def lock(repo: EventRepository, index: int):
        def apply(plan: EventPlan) -> str:
            plan.meetings[index].locked = True
            return f"锁定第 {index} 场"

        return lambda: repo.change("EV-race", apply)

    for pair in range(PAIRS):  # each pair: two workers lock two meetings at the same moment
        results = race(lock(repos[0], 2 * pair), lock(repos[1], 2 * pair + 1))
        assert all(isinstance(r, tuple) for r in results), results
    stored = repos[1].load("EV-race")
    assert sum(m.locked for m in stored.meetings) == 2 * PAIRS  # 0 lost locks
    assert stored.version == 1 + 2 * PAIRS


def test_a_stale_event_plan_is_never_saved_over_a_newer_one(two):
    repos = [EventRepository(engine) for engine in two]
    repos[0].save(_event(2 * PAIRS))

    def save_a_copy(repo: EventRepository, index: int):
        def attempt() -> int:
            plan = repo.load("EV-race")
            plan.meetings[index].locked = True
            repo.save(plan)
            return index

        return attempt

    saved: list[int] = []
    for pair in range(PAIRS):
        for result in race(save_a_copy(repos[0], 2 * pair), save_a_copy(repos[1], 2 * pair + 1)):
            if isinstance(result, int):
                saved.append(result)
            else:
                assert isinstance(result, VersionConflict), result
    stored = repos[0].load("EV-race")
    assert sorted(i for i, m in enumerate(stored.meetings) if m.locked) == sorted(saved)
    assert stored.version == 1 + len(saved) and len(saved) >= PAIRS


def test_outcomes_lose_no_update(two):
    plan = _event(PAIRS)
    stores = [SqlOutcomeStore(engine, lambda _: plan, SqlRecordStore(engine)) for engine in two]
    keys = [f"EV-race|A{i % 10}|B{i // 10}" for i in range(PAIRS)]
    stores[0].record_meetings([(key, {"stage": "intent"}) for key in keys], "张三")

    def record(store: SqlOutcomeStore, key: str, changes: dict, who: str):
        def attempt() -> bool:
            seen = store.get(key).version  # type: ignore[union-attr]
            store.record_meetings([(key, changes)], who, expected=[seen])
            return True

        return attempt

    results = {
        key: race(
            record(stores[0], key, {"attendance": "held"}, "李四"),
            record(stores[1], key, {"notes": f"回访 {key}"}, "王五"),
        )
        for key in keys
    }
    lost = refused_but_written = 0
    for key in keys:
        outcome = stores[1].get(key)
        first, second = results[key]
        for result, applied in ((first, outcome.attendance == "held"),
                                (second, outcome.notes == f"回访 {key}")):  # fmt: skip
            if result is True:
                lost += not applied
            else:
                assert isinstance(result, OutcomeError) and result.stale, result
                refused_but_written += applied
        assert outcome.version == 1 + sum(r is True for r in (first, second))
        assert len(stores[0].history(key)) == 1 + sum(r is True for r in (first, second))
    assert (lost, refused_but_written) == (0, 0)


def test_outcome_updates_without_versions_all_land(two):
    plan = _event(PAIRS)
    stores = [SqlOutcomeStore(engine, lambda _: plan, SqlRecordStore(engine)) for engine in two]
    keys = [f"EV-race|A{i % 10}|B{i // 10}" for i in range(PAIRS)]
    stores[0].record_meetings([(key, {"stage": "intent"}) for key in keys], "张三")
    for key in keys:
        results = race(
            lambda key=key: stores[0].record_meetings([(key, {"attendance": "held"})], "李四"),
            lambda key=key: stores[1].record_meetings([(key, {"notes": "已回访"})], "王五"),
        )
        assert all(isinstance(r, list) for r in results), results
    final = stores[1].meeting_outcomes("EV-race")
    assert all((o.attendance, o.notes, o.version) == ("held", "已回访", 3) for o in final.values())
