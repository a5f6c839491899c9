"""Editing an event's settings after it was created, without leaving the plan inconsistent.

Fewer slots or tables than the scheduled meetings use is refused, naming the field, unless
the organiser agrees to unschedule those meetings (they become unplaced, with the reason);
availability beyond the new last slot is dropped, and so is a host's table beyond the last.
"""

from __future__ import annotations

from matcher.errors import InvalidValue
from matcher.events.model import Event, EventPlan


def beyond(plan: EventPlan, slots: int, tables: int) -> list[int]:
    """Indexes of the scheduled meetings whose slot or table the new counts no longer have."""
    return [
        i
        for i, m in enumerate(plan.meetings)
        if (m.slot is not None and m.slot >= slots) or (m.table is not None and m.table > tables)
    ]


def apply_settings(plan: EventPlan, event: Event, unschedule: bool = False) -> str:
    """Replace the plan's event settings by `event` (same id); what changed (Chinese).
    `InvalidValue` (field slots or tables) when scheduled meetings would fall outside and
    `unschedule` is not set."""
    before = plan.event
    slots, tables = len(event.slots), event.tables
    outside = beyond(plan, slots, tables)
    if outside and not unschedule:
        meetings = [plan.meetings[i] for i in outside]
        problems = []
        last_slot = max((m.slot for m in meetings if m.slot is not None), default=-1)
        if last_slot >= slots:
            problems.append(("slots", f"已有会谈排在第 {last_slot + 1} 场，场次不能少于 "
                             f"{last_slot + 1}；或选择「取消超出部分会谈的排程」"))  # fmt: skip
        last_table = max((m.table for m in meetings if m.table is not None), default=0)
        if last_table > tables:
            problems.append(("tables", f"已有会谈排在 {last_table}号桌，洽谈桌数不能少于 "
                             f"{last_table}；或选择「取消超出部分会谈的排程」"))  # fmt: skip
        raise InvalidValue(problems, "；".join(reason for _, reason in problems))
    for index in outside:
        meeting = plan.meetings[index]
        meeting.slot = meeting.table = None
        meeting.locked = False
        plan.unplaced[f"{meeting.a}|{meeting.b}"] = "活动设置修改后原时段或桌号已不存在"
    for participant in plan.participants:
        if participant.availability is not None:
            participant.availability = [i for i in participant.availability if i < slots]
        if participant.table is not None and participant.table > tables:
            participant.table = None
    plan.event = event.model_copy(update={"id": before.id})
    changed = [
        label
        for field, label in SETTING_LABELS.items()
        if getattr(before, field) != getattr(plan.event, field)
    ]
    detail = f"修改活动设置：{'、'.join(changed) or '无变化'}"
    return f"{detail}；取消排程 {len(outside)} 场" if outside else detail


SETTING_LABELS: dict[str, str] = {
    "name": "名称", "kind": "类型", "chain": "产业链", "date": "日期", "venue": "地点",
    "slots": "时段", "tables": "洽谈桌数", "min_meetings": "每方至少会谈",
    "fairness": "公平性权重", "choice_mode": "意向方式", "request_expiry_hours": "邀请有效期",
    "shared_schedule": "同单位共用日程", "reminder_minutes": "提醒提前分钟",
}  # fmt: skip
