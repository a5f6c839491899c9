"""The event day in the service, shared by the API router and the web pages.

Staff check participants in by their code (`checkin_code` under the service's secret key,
kept in `<data_dir>/checkin.key`, created once with mode 0600), mark meetings held or
no-show and participants absent, and fill the freed places with new meetings among those
checked in (`matcher.events.day`): the proposal is computed from the stored plan at a version,
and confirming recomputes it under the plan's lock at that version, so what is confirmed is
what was shown. Every change goes through `ServiceState.event_change` and is audited.
New day meetings of a published event, and meetings freed because one side did not come,
are queued at once as changed-meeting notices to the participants concerned
(`service.outbox.enqueue_changes`; dedupe keys keep the dispatcher from queueing them again).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from matcher.errors import InvalidValue, NotFoundError
from matcher.events.day import (
    add_day_meetings,
    check_in,
    current_slot,
    mark_absent,
    mark_meeting,
    propose_day_meetings,
)
from matcher.events.model import MEETING_STATUS_LABELS, EventPlan, Meeting, MeetingStatus
from matcher.events.printed import CheckIn
from matcher.events.qr import checkin_code, qr_svg
from service.event_choice import candidates
from service.notify_texts import BEIJING
from service.outbox import enqueue_changes, link
from service.schemas.event_day import (
    BoardMeeting,
    BoardPublic,
    BoardSlot,
    CheckInPublic,
    DayMeeting,
    RepairPublic,
)
from service.secret_files import secret_file
from service.state import ServiceState
from storage.models import utc_now

SECRET_FILE = "checkin.key"


# codes ----------------------------------------------------------------------------------------
def checkin_secret(data_dir: Path) -> bytes:
    """The service's check-in key (`<data_dir>/checkin.key`, created once)."""
    return secret_file(data_dir, SECRET_FILE)


def _secret(state_or_secret: ServiceState | bytes) -> bytes:
    if isinstance(state_or_secret, bytes):
        return state_or_secret
    return checkin_secret(state_or_secret.settings.data_dir)


def checkin_path(event_id: str, code: str) -> str:
    return f"/events/{quote(event_id, safe='')}/checkin?code={quote(code, safe='')}"


def checkin_for(state: ServiceState, plan: EventPlan) -> CheckIn:
    """How printed agendas and name cards draw each participant's QR code."""
    secret = _secret(state)
    base = link(state, checkin_path(plan.event.id, ""))
    return CheckIn(base, lambda pid: checkin_code(secret, plan.event.id, pid))


def checkin_qr(state_or_secret: ServiceState | bytes, plan: EventPlan, participant_id: str) -> str:
    """The participant's check-in QR code (inline SVG) of its check-in URL."""
    code = checkin_code(_secret(state_or_secret), plan.event.id, participant_id)
    path = checkin_path(plan.event.id, code)
    url = link(state_or_secret, path) if isinstance(state_or_secret, ServiceState) else path
    return qr_svg(url)


def participant_by_code(secret: bytes, plan: EventPlan, code: str) -> str:
    """The participant whose code it is; `NotFoundError` for a code of no one here."""
    wanted = code.strip().lower()
    for participant in plan.participants:
        if checkin_code(secret, plan.event.id, participant.id) == wanted:
            return participant.id
    raise NotFoundError(f"签到码「{code.strip()}」不属于活动「{plan.event.name}」的任何参会方")


# the clock ------------------------------------------------------------------------------------
def _notify(state: ServiceState, plan: EventPlan, now: datetime | None = None) -> EventPlan:
    """Queue the change notices that the day's change makes due (published events)."""
    if plan.published:
        enqueue_changes(state, plan.event.id, local_now(now).replace(tzinfo=BEIJING))
    return plan


def local_now(at: datetime | None = None) -> datetime:
    """Beijing wall-clock time (naive) of `at`, default now."""
    moment = at or utc_now()
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(BEIJING).replace(tzinfo=None)


# changes --------------------------------------------------------------------------------------
def check_in_code(
    state: ServiceState,
    event_id: str,
    actor: int | None,
    code: str | None = None,
    participant_id: str | None = None,
) -> CheckInPublic:
    """Check a participant in by code or id (idempotent: a second check-in changes nothing)."""
    if not code and not participant_id:
        raise InvalidValue([("code", "请输入签到码或选择参会方")])
    secret = _secret(state)
    outcome: dict[str, object] = {}

    def change(plan: EventPlan) -> str:
        pid = participant_by_code(secret, plan, code) if code else str(participant_id)
        try:
            name = plan.participant(pid).name
        except KeyError:
            raise NotFoundError(f"活动「{plan.event.name}」没有参会方「{pid}」") from None
        outcome.update(pid=pid, name=name, newly=check_in(plan, pid, utc_now()))
        return f"签到：{name}" + ("" if outcome["newly"] else "（重复签到）")

    plan = state.event_change(event_id, change, actor)
    pid = str(outcome["pid"])
    return CheckInPublic(
        participant_id=pid, name=str(outcome["name"]), newly=bool(outcome["newly"]),
        at=plan.checked_in[pid], checked_in=len(plan.checked_in),
        expected=len(plan.participants), version=plan.version,
    )  # fmt: skip


def mark(
    state: ServiceState,
    event_id: str,
    a: str,
    b: str,
    status: MeetingStatus,
    absent: list[str],
    actor: int | None,
    expected: int | None = None,
) -> EventPlan:
    """Mark a meeting held, no-show or planned again."""

    def change(plan: EventPlan) -> str:
        meeting = mark_meeting(plan, a, b, status, absent)
        who = "、".join(plan.participant(p).name for p in meeting.no_show)
        suffix = f"（缺席：{who}）" if who else ""
        return f"会谈 {meeting.a}—{meeting.b} 标为{MEETING_STATUS_LABELS[status]}{suffix}"

    return _notify(state, state.event_change(event_id, change, actor, expected))


def absent(
    state: ServiceState,
    event_id: str,
    participant_id: str,
    actor: int | None,
    from_slot: int | None = None,
    now: datetime | None = None,
    expected: int | None = None,
) -> EventPlan:
    """Mark a participant absent from `from_slot` (default: the slot now running) on."""

    def change(plan: EventPlan) -> str:
        if participant_id not in {p.id for p in plan.participants}:
            raise NotFoundError(f"活动「{plan.event.name}」没有参会方「{participant_id}」")
        first = current_slot(plan, local_now(now)) if from_slot is None else from_slot
        freed = mark_absent(plan, participant_id, first)
        name = plan.participant(participant_id).name
        return f"{name}当天缺席：空出 {len(freed)} 场会谈"

    return _notify(state, state.event_change(event_id, change, actor, expected), now)


def _day_meeting(plan: EventPlan, meeting: Meeting) -> DayMeeting:
    names = {p.id: p.name for p in plan.participants}
    slot = int(meeting.slot or 0)
    return DayMeeting(
        a=meeting.a, b=meeting.b, a_name=names.get(meeting.a, meeting.a),
        b_name=names.get(meeting.b, meeting.b), slot=slot,
        slot_label=plan.event.slots[slot].label(), table=int(meeting.table or 0),
        score=round(meeting.score, 4),
    )  # fmt: skip


def propose(state: ServiceState, event_id: str, now: datetime | None = None) -> RepairPublic:
    """The re-pairing proposal for the slots from the one now running on."""
    plan = state.events.load(event_id)
    first = current_slot(plan, local_now(now))
    found = propose_day_meetings(plan, candidates(state, plan), first)
    return RepairPublic(
        from_slot=first, meetings=[_day_meeting(plan, m) for m in found], version=plan.version
    )


def confirm(
    state: ServiceState, event_id: str, from_slot: int, expected: int, actor: int | None
) -> RepairPublic:
    """Add the proposal made at version `expected` from `from_slot` (else `VersionConflict`)."""
    found = candidates(state, state.events.load(event_id))
    added: list[Meeting] = []

    def change(plan: EventPlan) -> str:
        added.extend(add_day_meetings(plan, propose_day_meetings(plan, found, from_slot)))
        return f"活动当天补排空档：新增 {len(added)} 场会谈"

    plan = _notify(state, state.event_change(event_id, change, actor, expected))
    return RepairPublic(
        from_slot=from_slot, meetings=[_day_meeting(plan, m) for m in added], version=plan.version
    )


# the board ------------------------------------------------------------------------------------
def _board_slot(plan: EventPlan, index: int) -> BoardSlot | None:
    if index >= len(plan.event.slots):
        return None
    names = {p.id: p.name for p in plan.participants}
    rows = sorted(
        (m for m in plan.meetings if m.slot == index and m.table is not None
         and m.status != "cancelled"),
        key=lambda m: m.table or 0,
    )  # fmt: skip
    meetings = [
        BoardMeeting(
            table=int(m.table or 0),
            a_name=names.get(m.a, m.a),
            b_name=names.get(m.b, m.b),
            status=MEETING_STATUS_LABELS[m.status],
        )
        for m in rows
    ]
    return BoardSlot(index=index, label=plan.event.slots[index].label(), meetings=meetings)


def board(plan: EventPlan, now: datetime | None = None) -> BoardPublic:
    """The venue board: the slot now running (or next to start) and the one after."""
    moment = local_now(now)
    first = current_slot(plan, moment)
    return BoardPublic(
        event_id=plan.event.id, name=plan.event.name, now=moment.replace(tzinfo=BEIJING),
        current=_board_slot(plan, first), next=_board_slot(plan, first + 1),
        checked_in=len(plan.checked_in), expected=len(plan.participants),
    )  # fmt: skip
