"""The organiser's verbs on an event plan: pair, schedule, lock, remove, must-meet, regenerate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from matcher.embed.base import Encoder
from matcher.errors import ConflictError, MatcherError, NotFoundError
from matcher.events.candidates import candidate_meetings
from matcher.events.model import EventPlan, Meeting, Shortfall
from matcher.events.pairing import Pair, PairingProblem, solve
from matcher.events.schedule import schedule
from matcher.explain import keyword_reason
from matcher.workspace import Workspace

MUST_MEET_REASON = "组织方指定必见"
NO_PARTICIPANTS = "活动还没有参会方，请先添加参会方"
NO_MEETINGS = "还没有配对结果，请先运行配对"
Progress = Callable[[int, int, str], None]  # (steps done, steps in all, message in Chinese)
INACTIVE = ("cancelled", "no_show")  # meetings kept as a record, occupying nothing


def _no_progress(done: int, total: int, message: str) -> None:
    """The default progress callback: report nothing."""


def ensure_pairable(plan: EventPlan) -> None:
    """`ConflictError` unless the plan has participants to pair."""
    if not plan.participants:
        raise ConflictError(NO_PARTICIPANTS)


def ensure_schedulable(plan: EventPlan) -> None:
    """`ConflictError` unless the plan has meetings to schedule."""
    if not plan.meetings:
        raise ConflictError(NO_MEETINGS)


def _oriented(plan: EventPlan, first: str, second: str) -> tuple[str, str]:
    """(demand side, supply side) of two participants, by their roles."""
    if plan.participant(first).role == "supply" or plan.participant(second).role == "demand":
        return second, first
    return first, second


def _must_meet(plan: EventPlan) -> set[frozenset[str]]:
    """Pairs the organiser named as must-meet (locked meetings are kept separately)."""
    ids = {p.id for p in plan.participants}
    unknown = sorted(other for p in plan.participants for other in p.must_meet if other not in ids)
    if unknown:
        raise MatcherError(f"必见名单中的参会方不存在：{'、'.join(unknown)}")
    return {frozenset((p.id, other)) for p in plan.participants for other in p.must_meet}


def _never_meet(plan: EventPlan) -> set[frozenset[str]]:
    pairs = {frozenset((p.id, other)) for p in plan.participants for other in p.never_meet}
    return pairs | {frozenset(pair) for pair in plan.removed}


def is_scheduled(meeting: Meeting) -> bool:
    """Whether the meeting has a slot and a table."""
    return meeting.slot is not None and meeting.table is not None


def _kept(plan: EventPlan, keep_scheduled: bool) -> tuple[dict[frozenset[str], Meeting], list]:
    """(meetings pairing keeps as they are, by pair; the inactive scheduled meetings kept as
    a record). Kept: the locked ones and, with `keep_scheduled`, every scheduled one; only
    meetings whose participants are still in the event."""
    ids = {p.id for p in plan.participants}
    kept: dict[frozenset[str], Meeting] = {}
    record = []
    for meeting in plan.meetings:
        if keep_scheduled and is_scheduled(meeting) and meeting.status in INACTIVE:
            record.append(meeting)
        elif (
            meeting.a in ids
            and meeting.b in ids
            and (meeting.locked or (keep_scheduled and is_scheduled(meeting)))
        ):
            kept[meeting.key] = meeting
    return kept, record


def pair_event(
    plan: EventPlan,
    workspace: Workspace,
    encoder: Encoder,
    time_limit: float = 60.0,
    progress: Progress = _no_progress,
    keep_scheduled: bool = False,
) -> EventPlan:
    """Choose the meetings: exact b-matching over the reciprocal candidates.

    Locked meetings stay (with their slot and table), removed pairs never come back, and
    must-meets are forced. With `keep_scheduled` (late changes to a published plan) every
    meeting that has a slot and a table stays exactly as it is, like a locked one, and new
    meetings only take participants' remaining capacity; cancelled and no-show meetings stay
    as a record and their pairs are not proposed again. Participants who get fewer meetings
    than asked are reported. `progress` hears of each of the 3 steps (candidates, solving,
    reasons).
    """
    ensure_pairable(plan)
    progress(0, 3, f"正在为 {len(plan.participants)} 个参会方生成候选会谈")
    candidates = {m.key: m for m in candidate_meetings(plan, workspace, encoder)}
    progress(1, 3, f"正在从 {len(candidates)} 个候选中求解配对")
    locked, record = _kept(plan, keep_scheduled)
    slots = len(plan.event.slots)
    problem = PairingProblem(
        capacity={
            p.id: min(p.max_meetings, len(p.availability) if p.availability is not None else slots)
            for p in plan.participants
        },
        max_total=slots * plan.event.tables,
        pairs=[Pair(m.a, m.b, m.score) for m in candidates.values()],
        must_meet=_must_meet(plan) | set(locked),
        never_meet=_never_meet(plan) | {m.key for m in record},
        min_meetings=plan.event.min_meetings,
        fairness=plan.event.fairness,
    )
    result = solve(problem, time_limit)
    progress(2, 3, f"正在整理 {len(result.meetings)} 场会谈的匹配理由")
    meetings = []
    for pair in result.meetings:
        if pair.key in locked:
            meetings.append(locked[pair.key])
        elif pair.key in candidates:
            meetings.append(candidates[pair.key].model_copy())
        else:
            a, b = _oriented(plan, pair.a, pair.b)
            meetings.append(Meeting(a=a, b=b, score=0.0, reasons=[MUST_MEET_REASON]))
    named = _must_meet(plan)
    for meeting in meetings:
        if meeting.key in named and MUST_MEET_REASON not in meeting.reasons:
            meeting.reasons.append(MUST_MEET_REASON)
        _add_keywords(workspace, meeting)
    plan.meetings = meetings + record
    plan.objective = round(sum(m.score for m in meetings), 4)
    plan.shortfalls = shortfalls(plan, list(candidates.values()), problem)
    plan.unplaced = {}
    plan.pairing_note, plan.schedule_method, plan.schedule_note = result.note, None, None
    return plan


def _add_keywords(workspace: Workspace, meeting: Meeting) -> None:
    """Shared keywords of the need and the supply record behind a chosen meeting."""
    if meeting.need_id is None or meeting.supply_id is None:
        return
    if any(reason.startswith("共同关键词") for reason in meeting.reasons):
        return
    need = workspace.store.load("need").get(meeting.need_id)
    supply = next(
        (
            workspace.store.load(kind).get(meeting.supply_id)
            for kind in ("tech_result", "finance_product", "offer")
            if meeting.supply_id in workspace.store.load(kind)
        ),
        None,
    )
    reason = keyword_reason(need.embed_text(), supply.embed_text()) if need and supply else None
    if reason:
        meeting.reasons.insert(1, reason)


def shortfalls(
    plan: EventPlan, candidates: list[Meeting], problem: PairingProblem
) -> list[Shortfall]:
    """Who got fewer meetings than asked, with the reason (Chinese)."""
    got = Counter(p for m in plan.meetings for p in (m.a, m.b))
    options = Counter(p for m in candidates for p in (m.a, m.b))
    blocked = Counter(p for m in candidates if m.key in problem.never_meet for p in (m.a, m.b))
    venue_full = problem.max_total is not None and len(plan.meetings) >= problem.max_total
    result = []
    for participant in plan.participants:
        count = got[participant.id]
        if count >= participant.max_meetings:
            continue
        if count >= problem.capacity[participant.id]:
            reason = f"可参加的时段只有{problem.capacity[participant.id]}个"
        elif options[participant.id] == 0:
            reason = "没有相互匹配的候选对象（其需求或供给与其他参会方都不相关）"
        elif options[participant.id] == blocked[participant.id]:
            reason = "候选对象都在不见名单或已删除的配对中"
        elif options[participant.id] - blocked[participant.id] <= count:
            reason = f"只有{count}个可安排的候选对象"
        elif venue_full:
            reason = "会场桌位（时段 × 桌数）已排满，桌位分给了总分更高的配对"
        else:
            reason = "其余候选对象的会谈名额已满，名额分给了总分更高的配对"
        result.append(
            Shortfall(
                participant=participant.id,
                wanted=participant.max_meetings,
                got=count,
                reason=reason,
            )
        )
    return result


def schedule_event(
    plan: EventPlan, time_limit: float = 20.0, keep_scheduled: bool = False
) -> EventPlan:
    """Give every meeting a slot and a table; locked meetings keep theirs, and with
    `keep_scheduled` so does every meeting that has both (cancelled and no-show ones stay as
    a record and occupy nothing). When the exact model does not finish within `time_limit`
    seconds, the fallback schedule is used and `plan.schedule_note` says so."""
    ensure_schedulable(plan)
    availability = {
        p.id: set(p.availability) for p in plan.participants if p.availability is not None
    }
    active = [
        m for m in plan.meetings
        if not (keep_scheduled and is_scheduled(m) and m.status in INACTIVE)
    ]  # fmt: skip
    locked = {
        i: (m.slot, m.table)
        for i, m in enumerate(active)
        if (m.locked or keep_scheduled) and is_scheduled(m)
    }
    pairs = [Pair(m.a, m.b, m.score) for m in active]
    result = schedule(
        pairs, len(plan.event.slots), plan.event.tables, availability, locked, time_limit
    )  # type: ignore[arg-type]
    plan.unplaced = {}
    plan.schedule_method, plan.schedule_note = result.method, result.note
    for index, meeting in enumerate(active):
        if index in result.placed:
            meeting.slot, meeting.table = result.placed[index]
        else:
            meeting.slot = meeting.table = None
            plan.unplaced[f"{meeting.a}|{meeting.b}"] = result.unplaced[index]
    return plan


def _find(plan: EventPlan, a: str, b: str) -> Meeting:
    key = frozenset((a, b))
    for meeting in plan.meetings:
        if meeting.key == key:
            return meeting
    raise NotFoundError(f"没有 {a} 与 {b} 的会谈")


def lock_meeting(plan: EventPlan, a: str, b: str, locked: bool = True) -> EventPlan:
    """Lock (or unlock) a meeting: regenerating keeps it, with its slot and table."""
    _find(plan, a, b).locked = locked
    return plan


def remove_meeting(plan: EventPlan, a: str, b: str) -> EventPlan:
    """Remove a meeting; the pair is never proposed again for this event."""
    meeting = _find(plan, a, b)
    plan.meetings.remove(meeting)
    plan.removed.append(sorted((a, b)))
    return plan


def add_must_meet(plan: EventPlan, a: str, b: str) -> EventPlan:
    """Make `a` and `b` meet at the next regeneration (and forget an earlier removal)."""
    first = plan.participant(a)
    plan.participant(b)
    if b not in first.must_meet:
        first.must_meet.append(b)
    plan.removed = [pair for pair in plan.removed if set(pair) != {a, b}]
    return plan
