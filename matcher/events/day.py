"""The event day: check-in, no-shows, and new meetings in the places no-shows free.

A participant checked in is in `EventPlan.checked_in`. A meeting is marked held or no-show
(`Meeting.no_show` lists who did not come); a participant marked absent for the day has its
remaining meetings marked no-show, which frees their slots and tables. `propose_day_meetings`
fills the free places of the slots not yet over among checked-in participants with the best
reciprocal candidates (exact pairing through `matcher.events.pairing.solve`), without moving
any other meeting: never-meets, removed pairs, 不见 picks, availability and capacities hold,
no table and nobody is booked twice, a host meets at its own table.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime

from matcher.errors import ConflictError, InvalidValue, NotFoundError
from matcher.events.hosts import host_tables
from matcher.events.model import EventPlan, Meeting, MeetingStatus
from matcher.events.organisations import exclusive, node_availability, node_capacity, nodes
from matcher.events.pairing import Pair, PairingProblem, solve
from matcher.events.planner import INACTIVE, resolve_participant
from matcher.events.problem import node_candidates

DAY_REASON = "活动当天补排：填补缺席空出的时段"
Place = tuple[int, int]  # (slot, table)


def check_in(plan: EventPlan, participant_id: str, at: datetime) -> bool:
    """Check the participant in at `at`; False when it already was (the first time stays)."""
    plan.participant(participant_id)
    if participant_id in plan.checked_in:
        return False
    plan.checked_in[participant_id] = at
    return True


def current_slot(plan: EventPlan, now: datetime) -> int:
    """The first slot not yet over at `now` (local time of the venue); the number of slots
    when the day is over, 0 before it."""
    if now.date() < plan.event.date:
        return 0
    if now.date() > plan.event.date:
        return len(plan.event.slots)
    for index, slot in enumerate(plan.event.slots):
        if now.time() < slot.end:
            return index
    return len(plan.event.slots)


def _meeting(plan: EventPlan, a: str, b: str) -> Meeting:
    for meeting in plan.meetings:
        if meeting.key == frozenset((a, b)) and meeting.status not in ("cancelled",):
            return meeting
    raise NotFoundError(f"没有 {a} 与 {b} 的会谈")


def mark_meeting(
    plan: EventPlan, a: str, b: str, status: MeetingStatus, absent: Iterable[str] = ()
) -> Meeting:
    """Mark a meeting held, no-show (with who did not come) or planned again."""
    meeting = _meeting(plan, a, b)
    absent = sorted(set(absent))
    if any(p not in (meeting.a, meeting.b) for p in absent):
        raise InvalidValue([("absent", "缺席方应为该会谈的一方")])
    if status == "no_show" and not absent:
        absent = [meeting.a, meeting.b]
    meeting.status = status
    meeting.no_show = absent if status == "no_show" else []
    return meeting


def mark_absent(plan: EventPlan, participant_id: str, from_slot: int) -> list[Meeting]:
    """Mark the participant absent for the rest of the day: its planned meetings from
    `from_slot` on become no-shows (their places free) and its check-in is withdrawn."""
    plan.participant(participant_id)
    node = nodes(plan).get(participant_id, participant_id)
    freed = []
    for meeting in plan.meetings:
        if (
            (participant_id in (meeting.a, meeting.b) or node in (meeting.a, meeting.b))
            and meeting.status == "planned"
            and (meeting.slot is None or meeting.slot >= from_slot)
        ):
            meeting.status = "no_show"
            side = meeting.a if meeting.a in (participant_id, node) else meeting.b
            meeting.no_show = [side]
            freed.append(meeting)
    plan.checked_in.pop(participant_id, None)
    return freed


def blocked_pairs(plan: EventPlan) -> set[frozenset[str]]:
    """Pairs that must not meet: never-meets, removed pairs, 不见 picks either way, and
    every pair that already has a meeting (held, planned or missed)."""
    blocked = {frozenset(pair) for pair in plan.removed}
    for participant in plan.participants:
        named = [resolve_participant(plan, other) for other in participant.never_meet]
        named += [other for other, pick in participant.picks.items() if pick == "no"]
        blocked |= {frozenset((participant.id, o)) for o in named if o and o != participant.id}
    node = nodes(plan)
    mapped = {frozenset(node.get(p, p) for p in key) for key in blocked}
    return mapped | blocked | {m.key for m in plan.meetings}


class _Venue:
    """Who and which tables are busy in the slots from `first` on."""

    def __init__(self, plan: EventPlan, first: int) -> None:
        self.slots = range(first, len(plan.event.slots))
        self.hosts = host_tables(plan)
        held = set(self.hosts.values())
        self.open_tables = [t for t in range(1, plan.event.tables + 1) if t not in held]
        self.taken: set[Place] = set()
        self.busy: dict[str, set[int]] = defaultdict(set)
        for meeting in plan.meetings:
            if meeting.status in INACTIVE or meeting.slot is None:
                continue
            self.busy[meeting.a].add(meeting.slot)
            self.busy[meeting.b].add(meeting.slot)
            if meeting.table is not None:
                self.taken.add((meeting.slot, meeting.table))
        self.availability = node_availability(plan)

    def open_slots(self, node: str) -> list[int]:
        allowed = self.availability.get(node)
        return [
            s for s in self.slots
            if s not in self.busy[node] and (allowed is None or s in allowed)
        ]  # fmt: skip

    def table(self, a: str, b: str, slot: int) -> int | None:
        """A free table for a meeting of `a` and `b` in `slot` (a host's own table)."""
        host = self.hosts.get(a, self.hosts.get(b))
        if host is not None:
            return None if (slot, host) in self.taken else host
        return next((t for t in self.open_tables if (slot, t) not in self.taken), None)

    def allowed(self, a: str, b: str, slot: int, table: int) -> bool:
        """Whether `table` is free in `slot` and may seat `a` and `b`."""
        host = self.hosts.get(a, self.hosts.get(b))
        fits = table == host if host is not None else table in self.open_tables
        return fits and (slot, table) not in self.taken

    def place(self, a: str, b: str) -> Place | None:
        """The earliest free place for `a` and `b`, booked."""
        both = set(self.open_slots(a)) & set(self.open_slots(b))
        for slot in sorted(both):
            table = self.table(a, b, slot)
            if table is not None:
                self.book(a, b, slot, table)
                return slot, table
        return None

    def book(self, a: str, b: str, slot: int, table: int) -> None:
        self.taken.add((slot, table))
        self.busy[a].add(slot)
        self.busy[b].add(slot)

    def free_places(self) -> int:
        tables = self.open_tables + sorted(set(self.hosts.values()))
        return sum((s, t) not in self.taken for s in self.slots for t in tables)


def propose_day_meetings(
    plan: EventPlan, candidates: Iterable[Meeting], from_slot: int, time_limit: float = 10.0
) -> list[Meeting]:
    """New meetings (origin "day") for checked-in participants in the free places of the
    slots from `from_slot` on, best total score first; nothing already planned moves."""
    node = nodes(plan)
    present = {node[p] for p in plan.checked_in if p in node}
    venue = _Venue(plan, from_slot)
    limit = node_capacity(plan)
    active = Counter(
        p for m in plan.meetings if m.status not in INACTIVE for p in (m.a, m.b)
    )  # fmt: skip
    capacity = {
        n: room for n in present
        if (room := min(limit.get(n, 0) - active[n], len(venue.open_slots(n)))) > 0
    }  # fmt: skip
    blocked = blocked_pairs(plan)
    chosen = node_candidates(plan, candidates)
    pairs = [
        Pair(m.a, m.b, m.score)
        for key, m in chosen.items()
        if key <= capacity.keys() and key not in blocked
        and set(venue.open_slots(m.a)) & set(venue.open_slots(m.b))
    ]  # fmt: skip
    if not pairs:
        return []
    problem = PairingProblem(
        capacity=capacity,
        pairs=pairs,
        never_meet=blocked,
        max_total=venue.free_places(),
        organisation=exclusive(plan),
    )
    result = solve(problem, time_limit)
    proposal = []
    for pair in result.meetings:
        place = venue.place(pair.a, pair.b)
        if place is None:
            continue
        meeting = chosen[pair.key].model_copy(deep=True)
        meeting.slot, meeting.table = place
        meeting.origin = "day"
        meeting.status = "planned"
        meeting.reasons.append(DAY_REASON)
        proposal.append(meeting)
    proposal.sort(key=lambda m: (m.slot, m.table))
    return proposal


def add_day_meetings(plan: EventPlan, proposal: Iterable[Meeting]) -> list[Meeting]:
    """Add proposed day meetings; `ConflictError` if a place or a participant is no longer
    free (the plan changed since the proposal)."""
    venue = _Venue(plan, 0)
    blocked = {m.key for m in plan.meetings}
    added = []
    for meeting in proposal:
        if meeting.slot is None or meeting.table is None:
            raise InvalidValue([("slot", "补排会谈缺少时段或桌号")])
        free = (
            meeting.key not in blocked
            and meeting.slot in venue.open_slots(meeting.a)
            and meeting.slot in venue.open_slots(meeting.b)
            and venue.allowed(meeting.a, meeting.b, meeting.slot, meeting.table)
        )
        if not free:
            raise ConflictError("活动安排已变化，补排方案中的时段或桌号已被占用，请重新生成")
        venue.book(meeting.a, meeting.b, meeting.slot, meeting.table)
        blocked.add(meeting.key)
        plan.meetings.append(meeting)
        added.append(meeting)
    return added
