"""Scheduling: no double booking, table limits, availability, locks, König's bound, and a
feasible schedule (said to be the fallback) when the exact model runs out of time."""

from __future__ import annotations

import itertools
import math
import random
import time
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.events.pairing import Pair
from matcher.events.schedule import (
    LOCK_CONFLICT,
    NO_COMMON_SLOT,
    NO_ROOM,
    max_degree,
    schedule,
    two_sided,
)


@st.composite
def bipartite_meetings(draw):
    n_left, n_right = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    edges = draw(st.lists(st.tuples(st.integers(0, n_left - 1), st.integers(0, n_right - 1)),
                          unique=True, min_size=1, max_size=25))  # fmt: skip
    return [Pair(f"D{a}", f"S{b}", draw(st.floats(0.1, 1.0))) for a, b in edges]


def assert_valid(meetings, result, slots, tables, availability=None):
    seen = Counter()
    tables_used = Counter()
    for index, (slot, table) in result.placed.items():
        assert 0 <= slot < slots and 1 <= table <= tables
        tables_used[slot, table] += 1
        for person in (meetings[index].a, meetings[index].b):
            seen[person, slot] += 1
            if availability and person in availability:
                assert slot in availability[person]
    assert max(seen.values(), default=0) <= 1, "double booking"
    assert max(tables_used.values(), default=0) <= 1, "two meetings at one table"
    assert set(result.placed) | set(result.unplaced) == set(range(len(meetings)))


@settings(max_examples=200, deadline=None)
@given(bipartite_meetings(), st.integers(1, 30))
def test_koenig_bound_is_reached(meetings, tables):
    bound = max(max_degree(meetings), math.ceil(len(meetings) / tables))
    result = schedule(meetings, slots=bound, tables=tables)
    assert not result.unplaced and result.method == "edge-colouring"
    assert result.slots_used == bound
    assert_valid(meetings, result, bound, tables)


@settings(max_examples=60, deadline=None)
@given(bipartite_meetings(), st.integers(1, 6), st.integers(1, 5), st.data())
def test_availability_is_respected(meetings, slots, tables, data):
    people = sorted({p for m in meetings for p in (m.a, m.b)})
    some_slots = st.lists(st.integers(0, slots - 1), unique=True, max_size=slots)
    availability = {p: set(data.draw(some_slots)) for p in people[: len(people) // 2]}
    result = schedule(meetings, slots, tables, availability=availability, time_limit=5)
    assert_valid(meetings, result, slots, tables, availability)
    assert all(result.unplaced.values())  # every unplaced meeting says why


def test_too_few_slots_places_most_and_explains():
    meetings = [Pair("D1", f"S{i}", 0.5) for i in range(4)]
    result = schedule(meetings, slots=3, tables=10, time_limit=5)
    assert len(result.placed) == 3 and len(result.unplaced) == 1
    assert_valid(meetings, result, 3, 10)


def test_no_common_slot_is_named():
    meetings = [Pair("D1", "S1", 0.5)]
    result = schedule(meetings, slots=4, tables=2, availability={"D1": {0, 1}, "S1": {2, 3}})
    assert result.unplaced == {0: NO_COMMON_SLOT}


def test_locked_meetings_keep_slot_and_table():
    meetings = [Pair("D1", "S1", 0.9), Pair("D1", "S2", 0.8), Pair("D2", "S1", 0.7)]
    result = schedule(meetings, slots=2, tables=2, locked={0: (1, 2)}, time_limit=5)
    assert result.placed[0] == (1, 2)
    assert not result.unplaced
    assert_valid(meetings, result, 2, 2)


def complete_graph(size: int) -> list[Pair]:
    """Everyone meets everyone: odd cycles, so no bipartite colouring exists."""
    people = [f"P{i}" for i in range(size)]
    return [
        Pair(a, b, 0.5 + 0.01 * i) for i, (a, b) in enumerate(itertools.combinations(people, 2))
    ]


def test_exact_model_out_of_time_falls_back_to_a_greedy_schedule_and_says_so():
    meetings = complete_graph(5)  # 10 meetings, everyone in 4, only 2 slots
    exact = schedule(meetings, slots=2, tables=5)
    assert exact.method == "cp-sat (optimal)" and exact.note is None and not exact.fallback
    result = schedule(meetings, slots=2, tables=5, time_limit=0)
    assert result.method == "greedy (fallback)" and result.fallback
    assert result.note == "精确排程未在 0 秒时限内完成，已采用贪心排程（匹配度高的会谈优先）"
    assert_valid(meetings, result, 2, 5)
    assert len(result.placed) == 4 and all(r == NO_ROOM for r in result.unplaced.values())


def test_bipartite_event_out_of_time_falls_back_to_the_best_colour_classes():
    meetings = [Pair(f"D{i}", f"S{j}", 0.1 * (i + j + 1)) for i in range(4) for j in range(4)]
    result = schedule(meetings, slots=3, tables=4, time_limit=0)  # König needs 4 slots
    assert result.method == "edge-colouring (fallback)" and "König" in result.note
    assert_valid(meetings, result, 3, 4)
    assert len(result.placed) == 12 and result.slots_used == 3


def test_greedy_that_places_everything_needs_no_model():
    """A big event with people on both sides (the case that timed out and answered 500)."""
    rng = random.Random(7)
    people = [f"P{i}" for i in range(1800)]
    pairs = {frozenset(rng.sample(people, 2)) for _ in range(4000)}
    meetings = [Pair(*sorted(key), rng.random()) for key in pairs]
    assert not two_sided(meetings)
    started = time.perf_counter()
    result = schedule(meetings, slots=20, tables=400, time_limit=0)
    assert time.perf_counter() - started < 5
    assert result.method == "greedy" and result.note is None and not result.unplaced
    assert_valid(meetings, result, 20, 400)


def test_a_participant_on_both_sides_of_an_even_cycle_is_still_coloured():
    meetings = [Pair("A", "B", 0.9), Pair("B", "C", 0.8), Pair("C", "D", 0.7), Pair("D", "A", 0.6)]
    assert two_sided(meetings) and not two_sided(complete_graph(3))
    result = schedule(meetings, slots=2, tables=2)
    assert result.method == "edge-colouring" and not result.unplaced


def test_conflicting_locks_are_unplaced_with_the_reason_not_an_error():
    meetings = [Pair("D1", "S1", 0.9), Pair("D1", "S2", 0.8), Pair("D2", "S3", 0.7)]
    locked = {0: (0, 1), 1: (0, 2), 2: (5, 1)}  # D1 twice in slot 0; slot 5 does not exist
    result = schedule(meetings, slots=2, tables=2, locked=locked, time_limit=5)
    assert result.placed[0] == (0, 1)
    assert result.unplaced == {1: LOCK_CONFLICT, 2: LOCK_CONFLICT}


def assert_hosts_stay(meetings, result, host_table):
    for index, (_, table) in result.placed.items():
        meeting = meetings[index]
        if meeting.a in host_table or meeting.b in host_table:
            assert table == host_table.get(meeting.a, host_table.get(meeting.b))
        else:
            assert table not in host_table.values()


@settings(max_examples=150, deadline=None)
@given(bipartite_meetings(), st.integers(0, 5), st.booleans())
def test_hosts_keep_one_table_and_koenig_bound_is_still_reached(meetings, extra, shuffle):
    hosts = sorted({m.b for m in meetings})  # the supply side hosts, one table each
    tables = list(range(1, len(hosts) + extra + 1))
    if shuffle:
        random.Random(len(meetings)).shuffle(tables)
    host_table = dict(zip(hosts, tables, strict=False))
    bound = max_degree(meetings)
    result = schedule(meetings, slots=bound, tables=len(hosts) + extra, host_table=host_table)
    assert not result.unplaced and result.method == "edge-colouring"
    assert result.slots_used == bound
    assert_valid(meetings, result, bound, len(hosts) + extra)
    assert_hosts_stay(meetings, result, host_table)


@settings(max_examples=60, deadline=None)
@given(bipartite_meetings(), st.integers(1, 6), st.integers(1, 4), st.data())
def test_hosts_and_other_meetings_share_the_venue(meetings, slots, free, data):
    people = sorted({p for m in meetings for p in (m.a, m.b)})
    hosts = data.draw(st.lists(st.sampled_from(people), unique=True, max_size=4))
    host_table = {host: free + i + 1 for i, host in enumerate(hosts)}
    tables = free + len(hosts)
    result = schedule(meetings, slots, tables, host_table=host_table, time_limit=5)
    assert_valid(meetings, result, slots, tables)
    assert_hosts_stay(meetings, result, host_table)
    assert all(result.unplaced.values())


def test_meetings_without_a_host_use_the_remaining_tables():
    # Two hosts at tables 1 and 2; three enterprise meetings share table 3 over three slots.
    meetings = [Pair("E1", "U1", 0.9), Pair("E2", "U2", 0.8), Pair("E3", "E4", 0.7),
                Pair("E5", "E6", 0.6), Pair("E7", "E8", 0.5)]  # fmt: skip
    host_table = {"U1": 1, "U2": 2}
    result = schedule(meetings, slots=3, tables=3, host_table=host_table, time_limit=5)
    assert not result.unplaced and result.slots_used == 3
    assert result.placed[0][1] == 1 and result.placed[1][1] == 2
    assert {result.placed[i][1] for i in (2, 3, 4)} == {3}
    crowded = schedule(meetings, slots=2, tables=3, host_table=host_table, time_limit=5)
    assert list(crowded.unplaced.values()) == [NO_ROOM]  # the lowest-scored one


def test_a_locked_meeting_at_a_host_table_keeps_the_host_out_of_that_slot():
    meetings = [Pair("E1", "E2", 0.9), Pair("E3", "U1", 0.8)]
    result = schedule(meetings, slots=2, tables=2, locked={0: (0, 1)}, host_table={"U1": 1})
    assert result.placed == {0: (0, 1), 1: (1, 1)}
