"""Meeting schedules: every meeting gets a time slot and a table; nobody is double-booked.

Without availability limits or locks, meetings of a bipartite event are edge-coloured with
k = max(Δ, ⌈meetings / tables⌉) colours (Δ = the busiest participant's meeting count):
König's theorem guarantees Δ colours suffice, alternating-path swaps find them, and a
balancing pass makes every colour class (slot) hold ⌊m/k⌋ or ⌈m/k⌉ meetings, so the table
limit holds whenever tables suffice. Both bounds are lower bounds, so this is optimal.
With availability windows, locked meetings, a non-bipartite event or too few slots, a
CP-SAT model places as many meetings as possible (then the best-scored ones) and lists the
unplaced with the reason.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from matcher.events.pairing import Pair, bipartition

NO_COMMON_SLOT = "双方没有共同的空闲时段"
NO_ROOM = "时段或桌位已满（与双方其他会谈冲突）"


@dataclass
class ScheduleResult:
    """Placements (meeting index → (slot, table)), the unplaced with reasons, the method."""

    placed: dict[int, tuple[int, int]]
    unplaced: dict[int, str] = field(default_factory=dict)
    method: str = "edge-colouring"

    @property
    def slots_used(self) -> int:
        return len({slot for slot, _ in self.placed.values()})


def max_degree(meetings: Sequence[Pair]) -> int:
    counts: dict[str, int] = defaultdict(int)
    for meeting in meetings:
        counts[meeting.a] += 1
        counts[meeting.b] += 1
    return max(counts.values(), default=0)


def schedule(
    meetings: Sequence[Pair],
    slots: int,
    tables: int,
    availability: Mapping[str, set[int]] | None = None,
    locked: Mapping[int, tuple[int, int]] | None = None,
    time_limit: float = 20.0,
) -> ScheduleResult:
    """Place `meetings` into `slots` × `tables`; `availability` maps a participant to its slots."""
    if not meetings:
        return ScheduleResult({})
    colours = max(max_degree(meetings), math.ceil(len(meetings) / max(tables, 1)))
    simple = not availability and not locked and bipartition(meetings) is not None
    if simple and colours <= slots:
        return ScheduleResult(_with_tables(edge_colouring(meetings, colours), {}))
    return _solve_cp(meetings, slots, tables, availability or {}, locked or {}, time_limit)


def edge_colouring(meetings: Sequence[Pair], colours: int) -> list[int]:
    """A proper, balanced edge colouring of a bipartite graph with `colours` ≥ Δ colours."""
    at: dict[str, dict[int, int]] = defaultdict(dict)  # vertex → colour → meeting index
    colour_of = [-1] * len(meetings)

    def free(vertex: str) -> int:
        return next(c for c in range(colours) if c not in at[vertex])

    for index, meeting in enumerate(meetings):
        u, v = meeting.a, meeting.b
        a, b = free(u), free(v)
        if a not in at[v]:
            _paint(index, meeting, a, at, colour_of)
            continue
        _swap_path(v, a, b, meetings, at, colour_of)  # afterwards a is free at v (not at u's path)
        _paint(index, meeting, a, at, colour_of)
    _balance(meetings, colours, at, colour_of)
    return colour_of


def _paint(index: int, meeting: Pair, colour: int, at, colour_of: list[int]) -> None:
    colour_of[index] = colour
    at[meeting.a][colour] = index
    at[meeting.b][colour] = index


def _alternating_path(start: str, first: int, second: int, meetings, at) -> list[int]:
    """Meeting indexes along the path from `start` using colours first, second, first, ..."""
    path, vertex, colour = [], start, first
    while colour in at[vertex]:
        index = at[vertex][colour]
        path.append(index)
        meeting = meetings[index]
        vertex = meeting.b if meeting.a == vertex else meeting.a
        colour = second if colour == first else first
    return path


def _swap_path(start: str, first: int, second: int, meetings, at, colour_of) -> list[int]:
    """Swap colours `first` ↔ `second` along the alternating path from `start`."""
    path = _alternating_path(start, first, second, meetings, at)
    for index in path:
        meeting = meetings[index]
        for vertex in (meeting.a, meeting.b):
            if at[vertex].get(colour_of[index]) == index:
                del at[vertex][colour_of[index]]
    for index in path:
        colour_of[index] = second if colour_of[index] == first else first
        for vertex in (meetings[index].a, meetings[index].b):
            at[vertex][colour_of[index]] = index
    return path


def _balance(meetings, colours: int, at, colour_of: list[int]) -> None:
    """Move meetings between colour classes until their sizes differ by at most one."""
    while True:
        sizes = [0] * colours
        for colour in colour_of:
            sizes[colour] += 1
        big = max(range(colours), key=sizes.__getitem__)
        small = min(range(colours), key=sizes.__getitem__)
        if sizes[big] - sizes[small] <= 1:
            return
        # A path component with more `big` than `small` edges exists; start at its end: a
        # vertex that has `big` but not `small`.
        for vertex, by_colour in at.items():
            if big in by_colour and small not in by_colour:
                path = _alternating_path(vertex, big, small, meetings, at)
                if len(path) % 2 == 1:
                    _swap_path(vertex, big, small, meetings, at, colour_of)
                    break
        else:  # no unbalanced path: cannot happen in a proper colouring, but never loop
            return


def _with_tables(
    slot_of: Sequence[int] | Mapping[int, int], locked: Mapping[int, tuple[int, int]]
) -> dict[int, tuple[int, int]]:
    """Table numbers (1-based) within each slot; locked meetings keep their tables."""
    items = slot_of.items() if isinstance(slot_of, Mapping) else enumerate(slot_of)
    taken: dict[int, set[int]] = defaultdict(set)
    for slot, table in locked.values():
        taken[slot].add(table)
    placed: dict[int, tuple[int, int]] = {}
    for index, slot in sorted(items):
        if index in locked:
            placed[index] = locked[index]
            continue
        table = 1
        while table in taken[slot]:
            table += 1
        taken[slot].add(table)
        placed[index] = (slot, table)
    return placed


def _solve_cp(
    meetings: Sequence[Pair],
    slots: int,
    tables: int,
    availability: Mapping[str, set[int]],
    locked: Mapping[int, tuple[int, int]],
    time_limit: float,
) -> ScheduleResult:
    model = cp_model.CpModel()
    allowed: dict[int, list[int]] = {}
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    unplaced: dict[int, str] = {}
    for index, meeting in enumerate(meetings):
        free_a = availability.get(meeting.a, range(slots))
        free_b = availability.get(meeting.b, range(slots))
        options = [s for s in range(slots) if s in free_a and s in free_b]
        if index in locked:
            options = [locked[index][0]]
        if not options:
            unplaced[index] = NO_COMMON_SLOT
            continue
        allowed[index] = options
        for slot in options:
            x[index, slot] = model.new_bool_var(f"x{index}_{slot}")
        model.add_at_most_one(x[index, s] for s in options)
        if index in locked:
            model.add(x[index, locked[index][0]] == 1)
    by_person_slot: dict[tuple[str, int], list] = defaultdict(list)
    by_slot: dict[int, list] = defaultdict(list)
    for (index, slot), var in x.items():
        by_slot[slot].append(var)
        for person in (meetings[index].a, meetings[index].b):
            by_person_slot[person, slot].append(var)
    for group in by_person_slot.values():
        model.add_at_most_one(group)
    for group in by_slot.values():
        model.add(sum(group) <= tables)
    model.maximize(sum(var * (1000 + round(1000 * meetings[i].score)) for (i, _), var in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1  # one worker: the same input gives the same schedule
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("排程求解失败：锁定的会谈相互冲突")
    slot_of = {}
    for index, options in allowed.items():
        chosen = [s for s in options if solver.value(x[index, s])]
        if chosen:
            slot_of[index] = chosen[0]
        else:
            unplaced[index] = NO_ROOM
    method = "cp-sat (optimal)" if status == cp_model.OPTIMAL else "cp-sat (time limit)"
    return ScheduleResult(_with_tables(slot_of, locked), unplaced, method)
