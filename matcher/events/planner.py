"""The organiser's verbs on an event plan: pair, schedule, lock, remove, must-meet, regenerate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from matcher.embed.base import Encoder
from matcher.errors import ConflictError, MatcherError, NotFoundError
from matcher.events.candidates import candidate_meetings
from matcher.events.hosts import host_tables
from matcher.events.model import EventPlan, Meeting, Participant, Shortfall
from matcher.events.organisations import node_availability, node_members, nodes
from matcher.events.pairing import Pair, PairingProblem, solve
from matcher.events.problem import EventProblem, event_problem, node_meeting, oriented
from matcher.events.schedule import schedule
from matcher.events.store import list_plans
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


def resolve_participant(plan: EventPlan, text: str) -> str | None:
    """The id of the participant `text` names: by id, else by name, else by ref (e.g. the
    university 中国海洋大学 is participant U:中国海洋大学); None when nobody is named so.
    `MatcherError` (Chinese) when a name or ref fits several participants."""
    text = text.strip()
    if any(p.id == text for p in plan.participants):
        return text
    for field in ("name", "ref"):
        found = sorted({p.id for p in plan.participants if getattr(p, field) == text})
        if len(found) > 1:
            raise MatcherError(f"「{text}」对应多个参会方（{'、'.join(found)}），请改填参会方编号")
        if found:
            return found[0]
    return None


def unknown_must_meet(plan: EventPlan, participant: Participant) -> list[str]:
    """The entries of the participant's must-meet list that name no participant of `plan`
    (check when adding participants, so the error comes then, not at generation)."""
    return [other for other in participant.must_meet if resolve_participant(plan, other) is None]


def _must_meet(plan: EventPlan) -> set[frozenset[str]]:
    """Pairs the organiser named as must-meet, given by id, name or ref (locked meetings are
    kept separately); `MatcherError` naming every entry that fits no participant."""
    pairs: set[frozenset[str]] = set()
    unknown: list[str] = []
    for participant in plan.participants:
        for other in participant.must_meet:
            found = resolve_participant(plan, other)
            if found is None:
                unknown.append(f"{other}（{participant.name}的必见名单）")
            elif found != participant.id:
                pairs.add(frozenset((participant.id, found)))
    if unknown:
        raise MatcherError(
            f"必见名单中的参会方不存在：{'、'.join(unknown)}；请填写参会方编号、名称或简称"
        )
    return pairs


def _never_meet(plan: EventPlan) -> set[frozenset[str]]:
    """The organiser's never-meets (by id, name or ref; unknown entries mean nothing) and
    removed pairs."""
    pairs = set()
    for participant in plan.participants:
        for other in participant.never_meet:
            found = resolve_participant(plan, other)
            if found is not None and found != participant.id:
                pairs.add(frozenset((participant.id, found)))
    return pairs | {frozenset(pair) for pair in plan.removed}


def is_scheduled(meeting: Meeting) -> bool:
    """Whether the meeting has a slot and a table."""
    return meeting.slot is not None and meeting.table is not None


def _kept(plan: EventPlan, keep_scheduled: bool) -> tuple[dict[frozenset[str], Meeting], list]:
    """(meetings pairing keeps as they are, by pair of nodes; the inactive scheduled meetings
    kept as a record). Kept: the locked ones and, with `keep_scheduled`, every scheduled
    one; only meetings whose participants are still in the event."""
    node = nodes(plan)
    kept: dict[frozenset[str], Meeting] = {}
    record = []
    for meeting in plan.meetings:
        if keep_scheduled and is_scheduled(meeting) and meeting.status in INACTIVE:
            record.append(meeting)
        elif (
            meeting.a in node
            and meeting.b in node
            and (meeting.locked or (keep_scheduled and is_scheduled(meeting)))
        ):
            moved = node_meeting(meeting, node)
            kept[moved.key] = moved
    return kept, record


def pair_event(
    plan: EventPlan,
    workspace: Workspace,
    encoder: Encoder,
    time_limit: float = 60.0,
    progress: Progress = _no_progress,
    keep_scheduled: bool = False,
    earlier: Iterable[EventPlan] | None = None,
    candidates: list[Meeting] | None = None,
) -> EventPlan:
    """Choose the meetings: exact b-matching over the reciprocal candidates.

    Locked meetings stay (with their slot and table), removed pairs never come back, and
    must-meets are forced. With `keep_scheduled` (late changes to a published plan) every
    meeting that has a slot and a table stays exactly as it is, like a locked one, and new
    meetings only take participants' remaining capacity; cancelled and no-show meetings stay
    as a record and their pairs are not proposed again. Participants' picks and accepted
    requests, organisations and pairs that met at `earlier` events (default: the workspace's
    other plans) count as `matcher.events.problem` says. Participants who get fewer meetings
    than asked are reported; wanted pairs that did not fit are noted in `pairing_note`.
    `candidates` are the plan's candidate meetings when already at hand (else computed).
    `progress` hears of each of the 3 steps (candidates, solving, reasons).
    """
    ensure_pairable(plan)
    progress(0, 3, f"正在为 {len(plan.participants)} 个参会方生成候选会谈")
    if candidates is None:
        candidates = candidate_meetings(plan, workspace, encoder)
    progress(1, 3, f"正在从 {len(candidates)} 个候选中求解配对")
    kept, record = _kept(plan, keep_scheduled)
    never = _never_meet(plan) | {m.key for m in record}
    others = list_plans(workspace) if earlier is None else earlier
    built = event_problem(plan, candidates, _must_meet(plan), never, kept, others)
    result = solve(built.problem, time_limit)
    progress(2, 3, f"正在整理 {len(result.meetings)} 场会谈的匹配理由")
    meetings = [_chosen(plan, built, kept, pair.key) for pair in result.meetings]
    for meeting in meetings:
        _add_keywords(workspace, meeting)
    plan.meetings = meetings + record
    plan.objective = round(sum(m.score for m in meetings), 4)
    plan.shortfalls = shortfalls(plan, list(built.candidates.values()), built.problem)
    plan.unplaced = {}
    notes = [result.note, _missed_wanted(plan, built.problem.wanted - {m.key for m in meetings})]
    plan.pairing_note = "；".join(note for note in notes if note) or None
    plan.schedule_method = plan.schedule_note = None
    return plan


def _chosen(
    plan: EventPlan, built: EventProblem, kept: dict[frozenset[str], Meeting], key: frozenset
) -> Meeting:
    """The meeting for a chosen pair: the kept one, a copy of the candidate, or a new one
    (a must-meet or a pair the participants picked), with the reasons the choices give."""
    if key in kept:
        return kept[key]
    if key in built.candidates:
        meeting = built.candidates[key].model_copy(deep=True)
    else:
        meeting = Meeting(a=(pair := oriented(plan, *sorted(key)))[0], b=pair[1], score=0.0)
    if key in built.problem.wanted and key in built.choices.requested:
        meeting.origin = "request"
    bonus = built.choices.bonus.get(key)
    if bonus:
        meeting.parts["picks"] = bonus
    for reason, applies in (
        (MUST_MEET_REASON, key in built.must),
        (built.choices.reasons.get(key, ""), key in built.choices.reasons),
    ):
        if applies and reason not in meeting.reasons:
            meeting.reasons.append(reason)
    return meeting


def _missed_wanted(plan: EventPlan, missed: set[frozenset[str]]) -> str | None:
    """The note on wanted pairs (mutual 必见, accepted requests) that did not fit."""
    if not missed:
        return None
    names = sorted("与".join(plan.participant(p).name for p in sorted(key)) for key in missed)
    shown = "、".join(names[:10]) + (f"等 {len(names)} 对" if len(names) > 10 else "")
    return f"双方必见（或已接受邀请）但会谈名额或会场已满、未能安排：{shown}"


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
    """Who got fewer meetings than asked, with the reason (Chinese); under a shared schedule
    an organisation is reported once, under its lead."""
    members = node_members(plan)
    got = Counter(p for m in plan.meetings if m.status not in INACTIVE for p in (m.a, m.b))
    options = Counter(p for m in candidates for p in (m.a, m.b))
    blocked = Counter(p for m in candidates if m.key in problem.never_meet for p in (m.a, m.b))
    venue_full = problem.max_total is not None and len(plan.meetings) >= problem.max_total
    result = []
    for participant in plan.participants:
        if participant.id not in members:  # a representative under its organisation's lead
            continue
        count = got[participant.id]
        wanted = max(p.max_meetings for p in members[participant.id])
        if count >= wanted:
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
                wanted=wanted,
                got=count,
                reason=reason,
            )
        )
    return result


def schedule_event(
    plan: EventPlan, time_limit: float = 20.0, keep_scheduled: bool = False
) -> EventPlan:
    """Give every meeting a slot and a table (a host's meetings at the host's table, see
    `matcher.events.hosts`); locked meetings keep theirs, and with
    `keep_scheduled` so does every meeting that has both (cancelled and no-show ones stay as
    a record and occupy nothing). When the exact model does not finish within `time_limit`
    seconds, the fallback schedule is used and `plan.schedule_note` says so."""
    ensure_schedulable(plan)
    availability = node_availability(plan)
    hosts = host_tables(plan)
    node = nodes(plan)
    active = [
        m for m in plan.meetings
        if not (keep_scheduled and is_scheduled(m) and m.status in INACTIVE)
    ]  # fmt: skip
    locked = {
        i: (m.slot, m.table)
        for i, m in enumerate(active)
        if (m.locked or keep_scheduled) and is_scheduled(m)
    }
    pairs = [Pair(node.get(m.a, m.a), node.get(m.b, m.b), m.score) for m in active]
    result = schedule(
        pairs, len(plan.event.slots), plan.event.tables, availability, locked, time_limit, hosts
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
