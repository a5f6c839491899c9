"""The organiser's removals kept on a restore list (`EventPlan.restore`), and restoring them.

Removing a participant takes its meetings along (each kept as its own entry); removing a
meeting keeps its slot and table on the entry and bars the pair from regeneration, as a
removal always has. Restoring puts the thing back as it was: a participant with its settings,
a meeting at its old slot and table only if that place and both sides are still free there,
otherwise unplaced with the reason.
"""

from __future__ import annotations

from datetime import datetime

from matcher.errors import ConflictError, NotFoundError
from matcher.events.model import EventPlan, Meeting, RestoreEntry


def _names(plan: EventPlan) -> dict[str, str]:
    return {p.id: p.name for p in plan.participants}


def _meeting_label(plan: EventPlan, meeting: Meeting, names: dict[str, str] | None = None) -> str:
    names = names or _names(plan)
    pair = f"{names.get(meeting.a, meeting.a)} ↔ {names.get(meeting.b, meeting.b)}"
    if meeting.slot is not None and meeting.slot < len(plan.event.slots):
        table = f" {meeting.table}号桌" if meeting.table else ""
        return f"会谈 {pair}（{plan.event.slots[meeting.slot].label()}{table}）"
    return f"会谈 {pair}"


def _find(plan: EventPlan, a: str, b: str) -> Meeting:
    key = frozenset((a, b))
    for meeting in plan.meetings:
        if meeting.key == key:
            return meeting
    names = _names(plan)
    raise NotFoundError(f"没有 {names.get(a, a)} 与 {names.get(b, b)} 的会谈")


def remove_meeting(plan: EventPlan, a: str, b: str, now: datetime) -> RestoreEntry:
    """Take the meeting of `a` and `b` off the plan onto the restore list."""
    meeting = _find(plan, a, b)
    entry = RestoreEntry(what="meeting", removed=now, meeting=meeting.model_copy(deep=True),
                         label=_meeting_label(plan, meeting))  # fmt: skip
    plan.meetings.remove(meeting)
    plan.unplaced.pop(f"{meeting.a}|{meeting.b}", None)
    pair = sorted((meeting.a, meeting.b))
    if pair not in plan.removed:
        plan.removed.append(pair)
    plan.restore.append(entry)
    return entry


def remove_participant(plan: EventPlan, participant_id: str, now: datetime) -> RestoreEntry:
    """Take a participant off the plan with its meetings (each restorable on its own once the
    participant is back); other participants' must-meets of it are kept for its return."""
    try:
        participant = plan.participant(participant_id)
    except KeyError:
        raise NotFoundError(f"活动「{plan.event.name}」没有参会方「{participant_id}」") from None
    names = _names(plan)
    for meeting in [m for m in plan.meetings if participant_id in (m.a, m.b)]:
        label = _meeting_label(plan, meeting, names)
        plan.restore.append(RestoreEntry(what="meeting", removed=now, meeting=meeting,
                                         label=label))  # fmt: skip
        plan.meetings.remove(meeting)
        plan.unplaced.pop(f"{meeting.a}|{meeting.b}", None)
    plan.participants.remove(participant)
    plan.checked_in.pop(participant_id, None)
    entry = RestoreEntry(what="participant", removed=now, participant=participant,
                         label=f"参会方 {participant.name}")  # fmt: skip
    plan.restore.append(entry)
    return entry


def restore(plan: EventPlan, index: int) -> str:
    """Put entry `index` of the restore list back; what happened (Chinese). `NotFoundError`
    for no such entry, `ConflictError` when it cannot come back (e.g. a side is gone)."""
    if not 0 <= index < len(plan.restore):
        raise NotFoundError(f"恢复列表中没有第 {index + 1} 项")
    entry = plan.restore[index]
    if entry.participant is not None:
        message = _restore_participant(plan, entry)
    elif entry.meeting is not None:
        message = _restore_meeting(plan, entry.meeting)
    else:
        raise ConflictError("该项没有可恢复的内容")
    plan.restore.pop(index)
    return message


def _restore_participant(plan: EventPlan, entry: RestoreEntry) -> str:
    participant = entry.participant
    assert participant is not None
    if any(p.id == participant.id for p in plan.participants):
        raise ConflictError(f"参会方「{participant.name}」已在活动中，无需恢复")
    plan.participants.append(participant)
    return f"已恢复参会方 {participant.name}"


def _restore_meeting(plan: EventPlan, meeting: Meeting) -> str:
    names = _names(plan)
    missing = [side for side in (meeting.a, meeting.b) if side not in names]
    if missing:
        shown = "、".join(missing)
        raise ConflictError(f"会谈一方（{shown}）已不在活动中，请先恢复该参会方")
    if any(m.key == meeting.key for m in plan.meetings):
        raise ConflictError(f"{names[meeting.a]} 与 {names[meeting.b]} 已有会谈，无需恢复")
    plan.removed = [pair for pair in plan.removed if set(pair) != set(meeting.key)]
    restored = meeting.model_copy(deep=True)
    reason = _place_taken(plan, restored)
    pair = f"{names[meeting.a]} ↔ {names[meeting.b]}"
    plan.meetings.append(restored)
    if reason is None:
        return f"已恢复会谈 {pair}" + ("，仍在原时段与桌号" if restored.slot is not None else "")
    restored.slot = restored.table = None
    restored.locked = False
    plan.unplaced[f"{restored.a}|{restored.b}"] = reason
    return f"已恢复会谈 {pair}，但{reason}，暂未排入时段"


def _place_taken(plan: EventPlan, meeting: Meeting) -> str | None:
    """Why the meeting's old slot and table are no longer free; None when they are (or when
    it had none)."""
    slot, table = meeting.slot, meeting.table
    if slot is None:
        return None
    if slot >= len(plan.event.slots) or (table is not None and table > plan.event.tables):
        return "原时段或桌号已不在活动设置中"
    for other in plan.meetings:
        if other.slot != slot or other.status == "cancelled":
            continue
        if table is not None and other.table == table:
            return f"原时段的 {table}号桌已安排其他会谈"
        busy = {meeting.a, meeting.b} & {other.a, other.b}
        if busy:
            name = _names(plan).get(next(iter(busy)), "")
            return f"{name}在原时段已有其他会谈"
    for side in (meeting.a, meeting.b):
        available = plan.participant(side).availability
        if available is not None and slot not in available:
            return f"{plan.participant(side).name}已不能参加原时段"
    return None
