"""临时调整: removing participants (with restore), editing event settings, the restore list.

Removals and restores answer like the event page's other changes (the event fragment with a
notice, or a redirect); the settings form is a page of its own, version-checked (a stale
form is a 409 with 「数据已被他人修改，请刷新后重试」)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from matcher.errors import InvalidValue, MatcherError, VersionConflict
from matcher.events.model import CHOICE_MODE_LABELS, EVENT_KIND_LABELS, EventPlan
from matcher.types import CHAINS
from service import event_changes
from service.errors import status_of, validation_details
from service.schemas.event_changes import EventSettings
from service.versions import expected_version
from service.web.pages.events import _act
from service.web.render import render
from service.web.routing import WebRoute
from service.web.session import StaffUser, service_state

router = APIRouter(route_class=WebRoute)

SETTINGS_FIELDS: tuple[str, ...] = (
    "name", "kind", "chain", "date", "start", "minutes", "gap", "slots", "tables", "venue",
    "min_meetings", "fairness", "choice_mode", "request_expiry_hours", "reminder_minutes",
)  # fmt: skip
CHECKBOXES: tuple[str, ...] = ("shared_schedule", "unschedule")


@router.post("/events/{event_id}/changes/meetings/remove", response_class=HTMLResponse)
def remove_meeting(
    request: Request,
    event_id: str,
    user: StaffUser,
    a: Annotated[str, Form()] = "",
    b: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    """删除 a meeting (after the page's confirmation) onto the restore list."""
    state = service_state(request)
    said: list[str] = []

    def change() -> EventPlan:
        expected = expected_version(version or None)
        plan, message = event_changes.drop_meeting(state, event_id, a, b, user.id, expected)
        said.append(message)
        return plan

    return _act(request, event_id, change, lambda plan: said[0])


@router.post("/events/{event_id}/changes/participants/remove", response_class=HTMLResponse)
def remove_participant(
    request: Request,
    event_id: str,
    user: StaffUser,
    participant: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    """删除参会方 (after the page's confirmation) with its meetings, onto the restore list."""
    state = service_state(request)
    said: list[str] = []

    def change() -> EventPlan:
        if not participant:
            raise MatcherError("请选择要删除的参会方")
        expected = expected_version(version or None)
        plan, message = event_changes.drop_participant(
            state, event_id, participant, user.id, expected
        )
        said.append(message)
        return plan

    return _act(request, event_id, change, lambda plan: said[0])


@router.post("/events/{event_id}/changes/restore/{index}", response_class=HTMLResponse)
def restore(
    request: Request,
    event_id: str,
    index: int,
    user: StaffUser,
    version: Annotated[str, Form()] = "",
) -> Response:
    """恢复 one entry of the restore list."""
    state = service_state(request)
    said: list[str] = []

    def change() -> EventPlan:
        expected = expected_version(version or None)
        plan, message = event_changes.bring_back(state, event_id, index, user.id, expected)
        said.append(message)
        return plan

    return _act(request, event_id, change, lambda plan: said[0])


def _form_of(plan: EventPlan) -> dict[str, str]:
    event = plan.event
    first = event.slots[0]
    minutes = (first.end.hour * 60 + first.end.minute) - (
        first.start.hour * 60 + first.start.minute
    )
    gap = 0
    if len(event.slots) > 1:
        second = event.slots[1].start
        gap = (second.hour * 60 + second.minute) - (first.end.hour * 60 + first.end.minute)
    values: dict[str, Any] = {
        "name": event.name, "kind": event.kind, "chain": event.chain or "",
        "date": event.date.isoformat(), "start": f"{first.start:%H:%M}", "minutes": minutes,
        "gap": gap, "slots": len(event.slots), "tables": event.tables, "venue": event.venue,
        "min_meetings": event.min_meetings, "fairness": f"{event.fairness:g}",
        "choice_mode": event.choice_mode, "request_expiry_hours": event.request_expiry_hours,
        "reminder_minutes": event.reminder_minutes,
        "shared_schedule": "1" if event.shared_schedule else "",
    }  # fmt: skip
    return {k: str(v) for k, v in values.items()}


def _settings_page(
    request: Request, plan: EventPlan, form: dict[str, str], errors: dict[str, str],
    status: int = 200, version: int | None = None,
) -> HTMLResponse:  # fmt: skip
    context = {
        "plan_event": plan.event, "form": form, "errors": errors,
        "version": plan.version if version is None else version,
        "event_kinds": EVENT_KIND_LABELS, "chains": CHAINS, "choice_modes": CHOICE_MODE_LABELS,
        "scheduled": sum(m.slot is not None for m in plan.meetings),
    }  # fmt: skip
    return render(request, "event_settings.html", context, status_code=status)


@router.get("/events/{event_id}/settings", response_class=HTMLResponse)
def settings_form(request: Request, event_id: str, user: StaffUser) -> HTMLResponse:
    """修改活动设置: the form filled with the event's current settings."""
    plan = service_state(request).events.load(event_id)
    return _settings_page(request, plan, _form_of(plan), {})


@router.post("/events/{event_id}/settings", response_class=HTMLResponse)
async def save_settings(request: Request, event_id: str, user: StaffUser) -> Response:
    """Save the settings if the event is still at the form's version; field errors (Chinese)
    beside each field, the form kept as typed."""
    state = service_state(request)
    plan = state.events.load(event_id)
    submitted = await request.form()
    form = {name: str(submitted.get(name, "")).strip() for name in SETTINGS_FIELDS}
    for name in CHECKBOXES:
        form[name] = "1" if submitted.get(name) else ""
    version = str(submitted.get("version", "")).strip()
    values: dict[str, Any] = {k: v for k, v in form.items() if v != "" and k not in CHECKBOXES}
    values |= {name: bool(form[name]) for name in CHECKBOXES}
    try:
        setup = EventSettings.model_validate(values)
        expected = expected_version(version or None)
        event_changes.edit_settings(
            state, event_id, setup.to_event(event_id), setup.unschedule, user.id, expected
        )
    except ValidationError as error:
        errors: dict[str, str] = {}
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "_"
            reason = validation_details([problem], location="body")[0]["reason"]
            errors.setdefault(field, "请填写此项" if problem["type"] == "missing" else reason)
        return _settings_page(request, plan, form, errors, 422, _kept(version, plan))
    except VersionConflict as error:
        current = state.events.load(event_id)
        return _settings_page(request, current, form, {"_": str(error)}, 409)
    except InvalidValue as error:
        errors = {field: reason for field, reason in error.problems}
        return _settings_page(request, plan, form, errors, 422, _kept(version, plan))
    except MatcherError as error:
        return _settings_page(request, plan, form, {"_": str(error)}, status_of(error))
    return RedirectResponse(f"/events/{event_id}", status_code=303)


def _kept(version: str, plan: EventPlan) -> int:
    """The version the form was read at (so a second try stays checked against it)."""
    return int(version) if version.isdigit() else plan.version
