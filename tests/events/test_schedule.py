"""Scheduling: no double booking, table limits, availability, locks, and König's bound."""

from __future__ import annotations

import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.events.pairing import Pair
from matcher.events.schedule import NO_COMMON_SLOT, max_degree, schedule


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
