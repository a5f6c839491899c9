"""The Chinese texts of notifications: subject and body of each kind for one participant.

Counterparts' contact person, phone and email appear only once the event is published (the
participant's own counterparts, in its final agenda, change notices and reminders); before
that, only names, times and tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from matcher.events.model import Event, EventPlan, Meeting, Participant

BEIJING = timezone(timedelta(hours=8), "北京时间")
KIND_LABELS: dict[str, str] = {
    "invitation": "参会邀请",
    "preferences_open": "意向征集开始",
    "provisional_agenda": "预排日程",
    "final_agenda": "正式日程",
    "changed_meeting": "会谈变更",
    "reminder": "会前提醒",
    "survey": "会后问卷",
}


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def slot_times(event: Event, slot: int) -> tuple[datetime, datetime]:
    """Start and end of a slot on the event's day (Beijing time)."""
    times = event.slots[slot]
    return (
        datetime.combine(event.date, times.start, BEIJING),
        datetime.combine(event.date, times.end, BEIJING),
    )


def counterpart(meeting: Meeting, participant_id: str) -> str:
    return meeting.b if meeting.a == participant_id else meeting.a


def own_meetings(plan: EventPlan, participant_id: str) -> list[Meeting]:
    """The participant's scheduled meetings that still take place, by slot."""
    mine = [
        m
        for m in plan.meetings
        if participant_id in (m.a, m.b) and m.slot is not None and m.status != "cancelled"
    ]
    return sorted(mine, key=lambda m: (m.slot or 0, m.table or 0))


def contact_line(plan: EventPlan, other: Participant) -> str:
    """A counterpart's contact (published events only; "" otherwise or when none is known)."""
    if not plan.published:
        return ""
    parts = [
        f"{label}：{value}"
        for label, value in (("联系人", other.contact_name), ("电话", other.phone),
                             ("邮箱", other.email))
        if value
    ]  # fmt: skip
    return "（" + "，".join(parts) + "）" if parts else ""


def _names(plan: EventPlan) -> dict[str, Participant]:
    return {p.id: p for p in plan.participants}


def meeting_line(plan: EventPlan, meeting: Meeting, participant_id: str) -> str:
    people = _names(plan)
    other_id = counterpart(meeting, participant_id)
    other = people.get(other_id)
    name = other.name if other else other_id
    slot = plan.event.slots[meeting.slot].label() if meeting.slot is not None else "待定"
    table = f"{meeting.table}号桌" if meeting.table else "桌号待定"
    contact = contact_line(plan, other) if other else ""
    return f"{slot}  {table}  与「{name}」{contact}"


def _greeting(participant: Participant) -> str:
    return f"尊敬的{participant.contact_name or participant.name}：\n\n"


def _when(event: Event) -> str:
    first, last = event.slots[0], event.slots[-1]
    where = f"，地点：{event.venue}" if event.venue else ""
    return f"{event.date:%Y年%m月%d日} {first.start:%H:%M}–{last.end:%H:%M}{where}"


def _agenda(plan: EventPlan, participant: Participant) -> str:
    lines = [meeting_line(plan, m, participant.id) for m in own_meetings(plan, participant.id)]
    return "\n".join(f"  {line}" for line in lines) if lines else "  （暂无安排的会谈）"


SIGNATURE = "\n\n—— 中小企业供需对接平台"


def compose(
    plan: EventPlan,
    kind: str,
    participant: Participant,
    meeting: Meeting | None = None,
    link: str = "",
) -> Text:
    """The text of one notification (`meeting`: the one a change, reminder or survey is
    about; `link`: the platform's address, or the survey link)."""
    event = plan.event
    hello = _greeting(participant)
    go = f"\n\n请登录平台查看：{link}" if link else ""
    if kind == "invitation":
        body = f"{hello}诚邀贵单位参加「{event.name}」，时间：{_when(event)}。{go}"
        return Text(f"邀请参加{event.name}", body + SIGNATURE)
    if kind == "preferences_open":
        body = (f"{hello}「{event.name}」意向征集已开始：请登录平台查看为您推荐的对接方及理由，"
                f"标记 必见 / 想见 / 不见，或发出会谈邀请。{go}")  # fmt: skip
        return Text(f"{event.name}：意向征集已开始", body + SIGNATURE)
    if kind == "provisional_agenda":
        body = (f"{hello}「{event.name}」的预排日程如下（仍可能调整，以正式日程为准）：\n\n"
                f"{_agenda(plan, participant)}{go}")  # fmt: skip
        return Text(f"{event.name}：预排日程", body + SIGNATURE)
    if kind == "final_agenda":
        body = (f"{hello}「{event.name}」（{_when(event)}）的正式日程如下：\n\n"
                f"{_agenda(plan, participant)}{go}")  # fmt: skip
        return Text(f"{event.name}：正式日程", body + SIGNATURE)
    assert meeting is not None, kind
    line = meeting_line(plan, meeting, participant.id)
    if kind == "changed_meeting":
        other = _names(plan).get(counterpart(meeting, participant.id))
        name = other.name if other else counterpart(meeting, participant.id)
        if meeting.slot is not None and meeting.status == "no_show":
            slot = plan.event.slots[meeting.slot].label()
            change = f"「{name}」未能到场，您与其在 {slot} 的会谈取消。"
        elif meeting.slot is None or meeting.status == "cancelled":
            change = f"您与「{name}」的会谈已取消。"
        elif meeting.origin == "day":
            change = f"活动当天为您新增一场会谈：\n\n  {line}"
        else:
            change = f"您的会谈已调整为：\n\n  {line}"
        return Text(f"{event.name}：会谈变更", f"{hello}「{event.name}」{change}{go}" + SIGNATURE)
    if kind == "reminder":
        body = f"{hello}您在「{event.name}」的下一场会谈即将开始：\n\n  {line}{go}"
        return Text(f"{event.name}：会谈提醒 {line.split()[0]}", body + SIGNATURE)
    if kind == "survey":
        body = (f"{hello}感谢参加「{event.name}」。请用一分钟评价刚结束的会谈：\n\n  {line}\n\n"
                f"填写问卷：{link}")  # fmt: skip
        return Text(f"{event.name}：会后反馈", body + SIGNATURE)
    raise ValueError(kind)
