"""Pairing and scheduling a docking event, off the request path and outside the state's lock.

Pairing a big event takes tens of seconds, so the work runs on a copy of the stored plan
without any lock (queries never wait for it); the result is saved through
`ServiceState.event_change` (briefly under the lock) only if the stored plan is still the
one the work started from, otherwise nothing is saved and the caller gets a 409. `start`
runs it as a background job; what can be checked at once (the event exists, has
participants or meetings, no other generation of it is running) is checked before the job
is queued, so those stay a 404, 400 or 409 of the request itself.
"""

from __future__ import annotations

from typing import Any

from matcher.events.model import EventPlan
from matcher.events.planner import (
    Progress,
    ensure_pairable,
    ensure_schedulable,
    pair_event,
    schedule_event,
)
from service.errors import ApiError, conflict
from service.jobs import quiet
from service.state import ServiceState
from storage.jobs import Job

VERBS: dict[str, str] = {"pair": "生成配对", "schedule": "排程", "regenerate": "生成配对与日程"}


def _steps(progress: Progress, offset: int, total: int) -> Progress:
    """`progress` for a part of a job: its steps shifted by `offset`, out of `total`."""

    def report(done: int, _: int, message: str) -> None:
        progress(offset + done, total, message)

    return report


def _pair(state: ServiceState, plan: EventPlan, progress: Progress, keep: bool = False) -> str:
    earlier = [p for p in state.events.list() if p.event.id != plan.event.id]  # met before
    pair_event(plan, state.workspace, state.encoder, progress=progress, keep_scheduled=keep,
               earlier=earlier)  # fmt: skip
    return f"配对：{len(plan.meetings)} 场会谈，总分 {plan.objective:.2f}"


def _schedule(plan: EventPlan, progress: Progress, keep: bool = False) -> str:
    progress(0, 1, f"正在为 {len(plan.meetings)} 场会谈排程")
    schedule_event(plan, keep_scheduled=keep)
    return f"排程：未排入 {len(plan.unplaced)} 场"


def _work(
    state: ServiceState, verb: str, plan: EventPlan, progress: Progress, keep: bool = False
) -> str:
    """Run `verb` on `plan` in place (`keep`: scheduled meetings stay exactly); the audit
    detail."""
    if verb == "pair":
        return _pair(state, plan, progress, keep)
    if verb == "schedule":
        return _schedule(plan, progress, keep)
    detail = _pair(state, plan, _steps(progress, 0, 4), keep)
    if not plan.meetings:
        return detail
    return f"{detail}；{_schedule(plan, _steps(progress, 3, 4), keep)}"


def _ensure_ready(plan: EventPlan, verb: str) -> None:
    if verb == "schedule":
        ensure_schedulable(plan)
    else:
        ensure_pairable(plan)


def generate(
    state: ServiceState, event_id: str, verb: str, actor: int | None,
    progress: Progress = quiet, allow_moves: bool = False,
) -> EventPlan:  # fmt: skip
    """Pair, schedule or regenerate (`verb`) the event and save it, unless it changed meanwhile.

    Locked meetings stay where they are and removed pairs never come back (see the planner);
    on a published plan every scheduled meeting stays too, unless the organiser allowed
    published meetings to move (`allow_moves`).
    """
    before = state.events.load(event_id)
    _ensure_ready(before, verb)
    plan = before.model_copy(deep=True)
    keep = before.published and not allow_moves
    detail = _work(state, verb, plan, progress, keep)
    if keep:
        detail = f"{detail}（已发布的会谈保持不变）"

    def change(current: EventPlan) -> str:
        if current != before:
            name = current.event.name
            raise conflict(f"活动「{name}」在{VERBS[verb]}期间被修改，结果未保存，请重新操作")
        for field in EventPlan.model_fields:
            setattr(current, field, getattr(plan, field))
        return detail

    return state.event_change(event_id, change, actor)


def summary(plan: EventPlan) -> dict[str, Any]:
    """A finished job's result: the counts and the notes of the saved plan."""
    return {
        "event_id": plan.event.id,
        "meetings": len(plan.meetings),
        "placed": sum(m.slot is not None for m in plan.meetings),
        "locked": sum(m.locked for m in plan.meetings),
        "unplaced": len(plan.unplaced),
        "shortfalls": len(plan.shortfalls),
        "objective": plan.objective,
        "pairing_note": plan.pairing_note,
        "schedule_method": plan.schedule_method,
        "schedule_note": plan.schedule_note,
    }


def start(
    state: ServiceState, event_id: str, verb: str, actor: int | None, allow_moves: bool = False
) -> Job:
    """Queue `verb` on the event as a background job of this worker (`allow_moves`: see
    `generate`)."""
    plan = state.events.load(event_id)
    _ensure_ready(plan, verb)
    running = state.jobs.active(tuple(VERBS), event_id)
    if running is not None:
        doing = f"{VERBS[running.kind]}（任务 {running.id}）"
        raise ApiError(
            409,
            f"活动「{plan.event.name}」正在{doing}，请等待其完成",
            details=[{"job_id": running.id, "status_url": f"/api/jobs/{running.id}"}],
        )
    return state.jobs.submit(
        verb, event_id, actor,
        lambda progress: summary(
            generate(state, event_id, verb, actor, progress, allow_moves)
        ),
    )  # fmt: skip
