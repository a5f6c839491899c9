"""参会方意向: event phases, each participant's recommended counterparts with 必见 / 想见 /
不见 picks or meeting requests, and the provisional and final agendas.

Participants: 我的活动 (/my/events, every event they take part in, with its phase) and one
event's 意向与日程 page. The organiser: the phase and choice counts, loaded into the event
page's panel and on their own page. Every change goes through `service.event_choice`, like the
API's; a plain form post is redirected back, a refused one shows the page with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from matcher.errors import InvalidValue, MatcherError
from matcher.events.choosing import ANSWER_LABELS
from matcher.events.model import (
    CHOICE_MODE_LABELS,
    PHASE_LABELS,
    PHASES,
    PICK_LABELS,
    Pick,
)
from matcher.events.phases import phase_of
from service import event_choice
from service.errors import status_of
from service.event_plans import participant_id_of
from service.schemas.event_choice import AnswerBody, PhaseBody, RequestBody
from service.versions import expected_version
from service.web.render import render
from service.web.routing import WebRoute
from service.web.session import StaffUser, WebUser, forbidden, service_state
from storage.keys import ApiKey

router = APIRouter(route_class=WebRoute)
BEIJING = timezone(timedelta(hours=8))


def beijing(moment: datetime) -> str:
    """「12月03日 10:05」 in Beijing time."""
    return moment.astimezone(BEIJING).strftime("%m月%d日 %H:%M")


LABELS: dict[str, Any] = {
    "phase_labels": PHASE_LABELS,
    "phases": PHASES,
    "pick_labels": PICK_LABELS,
    "choice_modes": CHOICE_MODE_LABELS,
    "answer_labels": ANSWER_LABELS,
    "beijing": beijing,
}


def _own(user: ApiKey) -> str:
    own = participant_id_of(user)
    if own is None:
        raise forbidden("「我的活动」仅供参会的企业、银行和高校账号使用。")
    return own


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(str(e["msg"]) for e in error.errors())
    return str(error)


# participants ---------------------------------------------------------------------------------
@router.get("/my/events", response_class=HTMLResponse)
def my_events(request: Request, user: WebUser) -> HTMLResponse:
    """我的活动: every event the key's participant takes part in, with its phase."""
    _own(user)
    plans = event_choice.my_events(service_state(request), user)
    rows = [(plan, PHASE_LABELS[phase_of(plan)]) for plan in plans]
    return render(request, "event_choice_mine.html", {"rows": rows})


def _choices_page(
    request: Request, user: ApiKey, event_id: str, status: int = 200, error: str | None = None
) -> HTMLResponse:
    own = _own(user)
    choices = event_choice.read(service_state(request), user, event_id, own)
    context = {"choices": choices, "error": error, **LABELS}
    return render(request, "event_choice_page.html", context, status_code=status)


@router.get("/my/events/{event_id}/choices", response_class=HTMLResponse)
def choices_page(request: Request, event_id: str, user: WebUser) -> HTMLResponse:
    """意向与日程: phase, recommended counterparts with picks or requests, the agenda."""
    return _choices_page(request, user, event_id)


def _choose(
    request: Request, event_id: str, user: ApiKey, change: Callable[[str], None]
) -> Response:
    try:
        change(_own(user))
    except (MatcherError, ValidationError) as error:
        status = status_of(error) if isinstance(error, MatcherError) else 422
        return _choices_page(request, user, event_id, status, _reason(error))
    return RedirectResponse(f"/my/events/{event_id}/choices", status_code=303)


@router.post("/my/events/{event_id}/picks", response_class=HTMLResponse)
def pick(
    request: Request,
    event_id: str,
    user: WebUser,
    other: Annotated[str, Form()] = "",
    pick: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    """Mark one counterpart 必见 / 想见 / 不见 (empty: clear), at the page's version."""
    state = service_state(request)

    def change(own: str) -> None:
        if pick and pick not in get_args(Pick):
            raise InvalidValue([("pick", f"未知的意向「{pick}」")])
        chosen: dict[str, Any] = {other: pick or None}
        expected = expected_version(version or None)
        event_choice.pick(state, user, event_id, own, chosen, False, expected)

    return _choose(request, event_id, user, change)


@router.post("/my/events/{event_id}/requests", response_class=HTMLResponse)
def send_request(
    request: Request,
    event_id: str,
    user: WebUser,
    recipient: Annotated[str, Form()] = "",
    message: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    """发出会谈邀请 with a short message."""
    state = service_state(request)

    def change(own: str) -> None:
        body = RequestBody(recipient=recipient, message=message)
        expected = expected_version(version or None)
        event_choice.request(state, user, event_id, own, body.recipient, body.message, expected)

    return _choose(request, event_id, user, change)


@router.post("/my/events/{event_id}/requests/answer", response_class=HTMLResponse)
def answer_request(
    request: Request,
    event_id: str,
    user: WebUser,
    other: Annotated[str, Form()] = "",
    answer: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    """接受 / 谢绝 a request received, or 撤回 one sent."""
    state = service_state(request)

    def change(own: str) -> None:
        body = AnswerBody.model_validate({"other": other, "answer": answer})
        expected = expected_version(version or None)
        event_choice.answer(state, user, event_id, own, body.other, body.answer, expected)

    return _choose(request, event_id, user, change)


# the organiser --------------------------------------------------------------------------------
def _overview_context(request: Request, event_id: str, **extra: Any) -> dict[str, Any]:
    state = service_state(request)
    plan = state.events.load(event_id)
    return {"plan": plan, "overview": event_choice.overview(state, event_id), **LABELS, **extra}


@router.get("/events/{event_id}/choices", response_class=HTMLResponse)
def overview_page(request: Request, event_id: str, user: StaffUser) -> HTMLResponse:
    """阶段与意向: the phase control and every participant's picks and requests counted."""
    context = _overview_context(request, event_id, error=None)
    return render(request, "event_choice_overview.html", context)


@router.get("/events/{event_id}/choices/panel", response_class=HTMLResponse)
def overview_panel(request: Request, event_id: str, user: StaffUser) -> HTMLResponse:
    """The same, as the event page's panel (loaded by htmx)."""
    context = _overview_context(request, event_id, error=None)
    return render(request, "partials/event_choice_overview.html", context)


@router.post("/events/{event_id}/phase", response_class=HTMLResponse)
def change_phase(
    request: Request,
    event_id: str,
    user: StaffUser,
    phase: Annotated[str, Form()] = "",
    choice_mode: Annotated[str, Form()] = "",
    request_expiry_hours: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    """切换阶段 (and the choice settings), at the page's version; back to the event page."""
    state = service_state(request)
    try:
        fields = {"phase": phase, "choice_mode": choice_mode or None,
                  "request_expiry_hours": request_expiry_hours or None}  # fmt: skip
        body = PhaseBody.model_validate(fields)
        event_choice.change_phase(
            state, event_id, body.phase, user.id, expected_version(version or None),
            body.choice_mode, body.request_expiry_hours,
        )  # fmt: skip
    except (MatcherError, ValidationError) as error:
        if not state.events.exists(event_id):
            raise
        status = status_of(error) if isinstance(error, MatcherError) else 422
        context = _overview_context(request, event_id, error=_reason(error))
        return render(request, "event_choice_overview.html", context, status_code=status)
    return RedirectResponse(f"/events/{event_id}", status_code=303)
