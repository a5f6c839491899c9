"""Meeting schedules: every meeting gets a time slot and a table; nobody is double-booked.

Without availability limits or locks, meetings of a bipartite event are edge-coloured with
k = max(Δ, ⌈meetings / tables⌉) colours (Δ = the busiest participant's meeting count):
König's theorem guarantees Δ colours suffice, alternating-path swaps find them, and a
balancing pass makes every colour class (slot) hold ⌊m/k⌋ or ⌈m/k⌉ meetings, so the table
limit holds whenever tables suffice. Both bounds are lower bounds, so this is optimal.
With availability windows, locked meetings, a non-bipartite event or too few slots, a
CP-SAT model places as many meetings as possible (then the best-scored ones) and lists the
unplaced with the reason. The model starts from a feasible schedule (the balanced colouring
cut to the best slots, or a greedy one by score; when the greedy one places every meeting it
is optimal and no model is needed) and never fails for lack of time: when it finds nothing
better within the time limit, that schedule is returned, with a note saying so.

Hosts (`host_table`: participant → its fixed table) keep one table all day: every meeting of
a host is at the host's table (a meeting of two hosts at the `a` side's), so only visitors
move; the other meetings share the tables no host holds. A host's meetings never collide at
its table (a host has one meeting per slot), so when every meeting has a host, Δ slots
suffice and the colouring reaches König's bound whatever the number of tables.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from matcher.events.pairing import Pair

NO_COMMON_SLOT = "双方没有共同的空闲时段"
NO_ROOM = "时段或桌位已满（与双方其他会谈冲突）"
LOCK_CONFLICT = "锁定的时段或桌位与其他锁定会谈冲突，或已超出活动的时段与桌数"
FALLBACK_LABELS: dict[str, str] = {
    "edge-colouring (fallback)": "均衡的 König 边着色排程（保留总分最高的时段）",
    "greedy (fallback)": "贪心排程（匹配度高的会谈优先）",
}
TIMED_OUT = "精确排程未在 {limit:g} 秒时限内完成，已采用{fallback}"
NOT_PROVEN = "精确排程未在 {limit:g} 秒时限内证明最优，已采用找到的最好可行排程"


@dataclass
class ScheduleResult:
    """Placements (meeting index → (slot, table)), the unplaced with reasons, the method."""

    placed: dict[int, tuple[int, int]]
    unplaced: dict[int, str] = field(default_factory=dict)
    method: str = "edge-colouring"
    note: str | None = None  # Chinese, when the exact model did not finish within its limit

    @property
    def fallback(self) -> bool:
        """Whether the schedule is the fallback, not the exact model's."""
        return self.method in FALLBACK_LABELS

    @property
    def slots_used(self) -> int:
        return len({slot for slot, _ in self.placed.values()})


def max_degree(meetings: Sequence[Pair]) -> int:
    counts: dict[str, int] = defaultdict(int)
    for meeting in meetings:
        counts[meeting.a] += 1
        counts[meeting.b] += 1
    return max(counts.values(), default=0)


@dataclass
class Venue:
    """The tables: which meetings sit at a host's table, and the tables left for the rest."""

    slots: int
    tables: int
    fixed: dict[int, int]  # meeting index → its host's table
    free_tables: list[int]  # tables no host holds, in order

    @classmethod
    def of(
        cls, meetings: Sequence[Pair], slots: int, tables: int, host_table: Mapping[str, int]
    ) -> Venue:
        fixed = {}
        for index, meeting in enumerate(meetings):
            table = host_table.get(meeting.a, host_table.get(meeting.b))
            if table is not None:
                fixed[index] = table
        held = set(host_table.values())
        return cls(slots, tables, fixed, [t for t in range(1, tables + 1) if t not in held])

    def room(self, locked: Mapping[int, tuple[int, int]]) -> dict[int, int]:
        """Slot → how many of the free tables the meetings without a host may still take."""
        taken = Counter(slot for slot, table in locked.values() if table in self.free_tables)
        return {slot: len(self.free_tables) - taken[slot] for slot in range(self.slots)}


def schedule(
    meetings: Sequence[Pair],
    slots: int,
    tables: int,
    availability: Mapping[str, set[int]] | None = None,
    locked: Mapping[int, tuple[int, int]] | None = None,
    time_limit: float = 20.0,
    host_table: Mapping[str, int] | None = None,
) -> ScheduleResult:
    """Place `meetings` into `slots` × `tables`; `availability` maps a participant to its slots,
    `host_table` a host to its fixed table (distinct, within the tables).

    Always feasible: when CP-SAT finds no better schedule within `time_limit` seconds, the
    starting schedule is returned (`method` ends in "(fallback)", `note` says so).
    """
    if not meetings:
        return ScheduleResult({})
    venue = Venue.of(meetings, slots, tables, host_table or {})
    loose = len(meetings) - len(venue.fixed)
    per_slot = math.ceil(loose / len(venue.free_tables)) if venue.free_tables else 0
    colours = max(max_degree(meetings), per_slot if loose else 0)
    simple = not availability and not locked and two_sided(meetings)
    if simple and colours <= slots:
        colour_of = edge_colouring(meetings, colours)
        if _fits(venue, colour_of):
            return ScheduleResult(_with_tables(colour_of, {}, venue))
        simple = False  # meetings without a host crowd some slot: the model spreads them
    kept, unplaced = _consistent_locks(meetings, slots, tables, locked or {})
    allowed = _options(meetings, slots, availability or {}, kept, unplaced, venue)
    room = venue.room(kept)
    start = _best_colour_classes(meetings, colours, slots) if simple else {}
    if simple and _fits(venue, [start.get(i, -1) for i in range(len(meetings))], skip=-1):
        method = "edge-colouring (fallback)"
    else:
        method = "greedy (fallback)"
        start = _greedy(meetings, room, allowed, kept, venue)
        if len(start) == len(allowed):  # everything placeable is placed: nothing to improve
            return ScheduleResult(_with_tables(start, kept, venue), unplaced, "greedy")
    slot_of: Mapping[int, int] = start
    note: str | None = TIMED_OUT.format(limit=time_limit, fallback=FALLBACK_LABELS[method])
    found, optimal = _solve_cp(meetings, room, allowed, kept, start, time_limit, venue)
    if found is not None and _value(meetings, found) >= _value(meetings, start):
        slot_of, method, note = found, "cp-sat (optimal)", None
        if not optimal:
            method, note = "cp-sat (time limit)", NOT_PROVEN.format(limit=time_limit)
    unplaced.update((index, NO_ROOM) for index in allowed if index not in slot_of)
    return ScheduleResult(_with_tables(slot_of, kept, venue), unplaced, method, note)


def _fits(venue: Venue, colour_of: Sequence[int], skip: int | None = None) -> bool:
    """Whether no colour class (but `skip`) has more meetings without a host than the free
    tables."""
    loose = Counter(c for i, c in enumerate(colour_of) if i not in venue.fixed and c != skip)
    return max(loose.values(), default=0) <= len(venue.free_tables)


def two_sided(meetings: Sequence[Pair]) -> bool:
    """Whether the meeting graph is bipartite (no odd cycle), whoever sits on which side."""
    neighbours: dict[str, list[str]] = defaultdict(list)
    for meeting in meetings:
        neighbours[meeting.a].append(meeting.b)
        neighbours[meeting.b].append(meeting.a)
    side: dict[str, int] = {}
    for root in neighbours:
        if root in side:
            continue
        side[root], stack = 0, [root]
        while stack:
            vertex = stack.pop()
            for other in neighbours[vertex]:
                if other not in side:
                    side[other] = 1 - side[vertex]
                    stack.append(other)
                elif side[other] == side[vertex]:
                    return False
    return True


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
    slot_of: Sequence[int] | Mapping[int, int],
    locked: Mapping[int, tuple[int, int]],
    venue: Venue,
) -> dict[int, tuple[int, int]]:
    """Table numbers (1-based) within each slot: locked meetings keep theirs, a host's
    meetings are at its table, the others take the lowest free table no host holds."""
    items = slot_of.items() if isinstance(slot_of, Mapping) else enumerate(slot_of)
    taken: dict[int, set[int]] = defaultdict(set)
    for slot, table in locked.values():
        taken[slot].add(table)
    placed: dict[int, tuple[int, int]] = {}
    for index, slot in sorted(items):
        if index in locked:
            placed[index] = locked[index]
        elif index in venue.fixed:
            placed[index] = (slot, venue.fixed[index])
        else:
            table = next(t for t in venue.free_tables if t not in taken[slot])
            taken[slot].add(table)
            placed[index] = (slot, table)
    return placed


def _weight(meeting: Pair) -> int:
    """A placed meeting's value: every placement first, then the better-scored ones."""
    return 1000 + round(1000 * meeting.score)


def _value(meetings: Sequence[Pair], slot_of: Mapping[int, int]) -> int:
    return sum(_weight(meetings[index]) for index in slot_of)


def _consistent_locks(
    meetings: Sequence[Pair], slots: int, tables: int, locked: Mapping[int, tuple[int, int]]
) -> tuple[dict[int, tuple[int, int]], dict[int, str]]:
    """The locked meetings that fit together (in index order), and the others with the reason."""
    kept: dict[int, tuple[int, int]] = {}
    conflicts: dict[int, str] = {}
    busy: set[tuple[str, int]] = set()
    load: Counter[int] = Counter()
    for index, (slot, table) in sorted(locked.items()):
        people = [(meetings[index].a, slot), (meetings[index].b, slot)]
        taken = any(place == (slot, table) for place in kept.values())
        if not 0 <= slot < slots or load[slot] >= tables or taken or busy.intersection(people):
            conflicts[index] = LOCK_CONFLICT
            continue
        kept[index] = (slot, table)
        busy.update(people)
        load[slot] += 1
    return kept, conflicts


def _options(
    meetings: Sequence[Pair],
    slots: int,
    availability: Mapping[str, set[int]],
    locked: Mapping[int, tuple[int, int]],
    unplaced: dict[int, str],
    venue: Venue,
) -> dict[int, list[int]]:
    """Meeting index → the slots it may take; meetings without any go to `unplaced`.

    A host's meeting cannot take a slot in which a locked meeting sits at the host's table."""
    allowed: dict[int, list[int]] = {}
    held = {place for place in locked.values()}
    for index, meeting in enumerate(meetings):
        if index in unplaced:
            continue
        free_a = availability.get(meeting.a, range(slots))
        free_b = availability.get(meeting.b, range(slots))
        options = [s for s in range(slots) if s in free_a and s in free_b]
        if index in venue.fixed:
            options = [s for s in options if (s, venue.fixed[index]) not in held]
        if index in locked:
            options = [locked[index][0]]
        if options:
            allowed[index] = options
        else:
            unplaced[index] = NO_COMMON_SLOT
    return allowed


def _best_colour_classes(meetings: Sequence[Pair], colours: int, slots: int) -> dict[int, int]:
    """The balanced colouring with `colours` > `slots`, cut to its `slots` best colour classes."""
    colour_of = edge_colouring(meetings, colours)
    value: Counter[int] = Counter()
    for index, colour in enumerate(colour_of):
        value[colour] += _weight(meetings[index])
    kept = sorted(sorted(range(colours), key=lambda c: (-value[c], c))[:slots])
    slot_of_colour = {colour: slot for slot, colour in enumerate(kept)}
    return {i: slot_of_colour[c] for i, c in enumerate(colour_of) if c in slot_of_colour}


def _greedy(
    meetings: Sequence[Pair],
    room: Mapping[int, int],
    allowed: Mapping[int, list[int]],
    locked: Mapping[int, tuple[int, int]],
    venue: Venue,
) -> dict[int, int]:
    """Locked meetings in place, then best score first into the least-loaded free slot (a
    meeting without a host only where a free table is left)."""
    slot_of = {index: slot for index, (slot, _) in locked.items()}
    busy = {(p, slot) for i, slot in slot_of.items() for p in (meetings[i].a, meetings[i].b)}
    load: Counter[int] = Counter()
    rest = sorted((i for i in allowed if i not in locked), key=lambda i: (-meetings[i].score, i))
    for index in rest:
        a, b = meetings[index].a, meetings[index].b
        hosted = index in venue.fixed
        free = [
            s for s in allowed[index]
            if (hosted or load[s] < room[s]) and (a, s) not in busy and (b, s) not in busy
        ]  # fmt: skip
        if free:
            slot = min(free, key=lambda s: (load[s], s))
            slot_of[index] = slot
            busy.update(((a, slot), (b, slot)))
            load[slot] += 0 if hosted else 1
    return slot_of


def _solve_cp(
    meetings: Sequence[Pair],
    room: Mapping[int, int],
    allowed: Mapping[int, list[int]],
    locked: Mapping[int, tuple[int, int]],
    hint: Mapping[int, int],
    time_limit: float,
    venue: Venue,
) -> tuple[dict[int, int] | None, bool]:
    """(meeting index → slot, proven optimal) from CP-SAT started at `hint`; None when it
    found no solution within `time_limit`."""
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for index, options in allowed.items():
        for slot in options:
            x[index, slot] = model.new_bool_var(f"x{index}_{slot}")
            model.add_hint(x[index, slot], hint.get(index) == slot)
        model.add_at_most_one(x[index, s] for s in options)
        if index in locked:
            model.add(x[index, locked[index][0]] == 1)
    by_person_slot: dict[tuple[str, int], list] = defaultdict(list)
    by_slot: dict[int, list] = defaultdict(list)
    for (index, slot), var in x.items():
        if index not in locked and index not in venue.fixed:
            by_slot[slot].append(var)
        for person in (meetings[index].a, meetings[index].b):
            by_person_slot[person, slot].append(var)
    for group in by_person_slot.values():
        model.add_at_most_one(group)
    for slot, group in by_slot.items():
        model.add(sum(group) <= room[slot])
    model.maximize(sum(var * _weight(meetings[i]) for (i, _), var in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1  # one worker: the same input gives the same schedule
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False
    slot_of = {}
    for index, options in allowed.items():
        chosen = [s for s in options if solver.value(x[index, s])]
        if chosen:
            slot_of[index] = chosen[0]
    return slot_of, status == cp_model.OPTIMAL
