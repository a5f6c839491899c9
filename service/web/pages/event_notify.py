"""通知与会后问卷: the outbox (email by SMTP, webhook), reminders, post-meeting surveys.

The organiser's outbox page of an event (per-recipient status, send a notice, send now,
resend failed and unknown messages), and the public survey page a participant opens from
its link (no login: the token is the credential; a write from another site is refused).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from matcher.errors import ConflictError, MatcherError
from service import outbox
from service.csrf import check_origin
from service.errors import status_of
from service.mail import CHANNELS
from service.notify_texts import BEIJING, KIND_LABELS
from service.schemas.event_notify import STATUS_LABELS
from service.surveys import open_survey, submit_survey
from service.web.render import render
from service.web.routing import WebRoute
from service.web.session import PageError, StaffUser, service_state
from storage.models import utc_now
from storage.outbox import RESENDABLE, OutboxStore
from storage.surveys import Answers

router = APIRouter(route_class=WebRoute)
USEFULNESS = {5: "非常有用", 4: "有用", 3: "一般", 2: "用处不大", 1: "没有用"}


def _outbox_page(
    request: Request, event_id: str, notice: str | None = None, error: str | None = None,
    status: int = 200,
) -> HTMLResponse:  # fmt: skip
    state = service_state(request)
    plan = state.events.load(event_id)
    store = OutboxStore(state.engine)
    names = {p.id: p.name for p in plan.participants}
    context: dict[str, Any] = {
        "plan": plan, "messages": store.messages(event_id), "counts": store.counts(event_id),
        "names": names, "kinds": {k: KIND_LABELS[k] for k in outbox.ORGANISER_KINDS},
        "kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS, "channels": CHANNELS,
        "resendable": RESENDABLE, "notice": notice, "error": error,
        "local": lambda at: at.astimezone(BEIJING),
        "without_contact": [p.name for p in plan.participants if not outbox.channels(p)],
    }  # fmt: skip
    return render(request, "notify_outbox.html", context, status_code=status)


@router.get("/events/{event_id}/notifications", response_class=HTMLResponse)
def outbox_page(request: Request, event_id: str, user: StaffUser) -> HTMLResponse:
    """通知与问卷: every message of the event with its recipient's status."""
    return _outbox_page(request, event_id)


def _run(request: Request, event_id: str, action: Any) -> HTMLResponse:
    state = service_state(request)
    try:
        notice = action()
    except MatcherError as error:
        if not state.events.exists(event_id):
            raise
        return _outbox_page(request, event_id, error=str(error), status=status_of(error))
    return _outbox_page(request, event_id, notice=notice)


@router.post("/events/{event_id}/notifications/send", response_class=HTMLResponse)
def send_notice(
    request: Request, event_id: str, user: StaffUser, kind: Annotated[str, Form()] = ""
) -> HTMLResponse:
    """发送通知: one organiser notice to every participant (each once)."""
    state = service_state(request)
    return _run(request, event_id, lambda: outbox.notify(state, event_id, kind, user.id).notice())


@router.post("/events/{event_id}/notifications/dispatch", response_class=HTMLResponse)
def dispatch_now(request: Request, event_id: str, user: StaffUser) -> HTMLResponse:
    """立即发送: due reminders, surveys and change notices, then every pending message."""
    state = service_state(request)
    state.events.load(event_id)
    return _run(request, event_id, lambda: outbox.dispatch(state, utc_now(), event_id).notice())


@router.post("/events/{event_id}/notifications/resend", response_class=HTMLResponse)
def resend(
    request: Request, event_id: str, user: StaffUser, id: Annotated[str, Form()] = ""
) -> HTMLResponse:
    """重发: one failed / unknown message (`id`), or all of them; sent at the next dispatch."""
    state = service_state(request)
    state.events.load(event_id)
    ids = None
    if id:
        if not id.isdigit() or int(id) > 2**31 - 1:
            raise PageError(422, "请求有误", f"消息编号「{id}」无效")
        ids = [int(id)]
    count = OutboxStore(state.engine).resend(event_id, ids)
    return _outbox_page(request, event_id, notice=f"已重新加入队列 {count} 条，点「立即发送」发出")


# the public survey ----------------------------------------------------------------------------
def _survey_page(
    request: Request, token: str, error: str | None = None, status: int = 200
) -> HTMLResponse:
    view = open_survey(service_state(request), token)
    context = {"view": view, "token": token, "error": error, "usefulness": USEFULNESS}
    return render(request, "survey.html", context, status_code=status)


@router.get("/s/{token}", response_class=HTMLResponse)
def survey_page(request: Request, token: str) -> HTMLResponse:
    """会后问卷: held? usefulness, intent, note (or the answers, once submitted)."""
    return _survey_page(request, token)


def _choice(value: str, field: str) -> bool | None:
    if value in ("", None):
        return None
    if value not in ("yes", "no"):
        raise ValueError(f"「{field}」请选择 是 或 否")
    return value == "yes"


@router.post("/s/{token}", response_class=HTMLResponse)
def survey_submit(
    request: Request,
    token: str,
    held: Annotated[str, Form(max_length=3)] = "",
    usefulness: Annotated[str, Form(max_length=2)] = "",
    intent: Annotated[str, Form(max_length=3)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Submit the survey once; it fills the meeting's follow-up record."""
    state = service_state(request)
    check_origin(request, state.settings.trusted_origins)
    try:
        was_held = _choice(held, "会谈是否举行")
        if was_held is None:
            raise ValueError("请选择会谈是否举行")
        score = int(usefulness) if usefulness else None
        if score is not None and score not in USEFULNESS:
            raise ValueError("有用程度请选 1 到 5")
        wants = _choice(intent, "是否有合作意向") if was_held else None
    except ValueError as error:
        message = str(error) if "请" in str(error) else "有用程度请选 1 到 5"
        return _survey_page(request, token, error=message, status=422)
    text = "".join(c for c in " ".join(note.split()) if c.isprintable())
    answers = Answers(held=was_held, usefulness=score if was_held else None, intent=wants,
                      note=text)  # fmt: skip
    try:
        submit_survey(state, token, answers)
    except ConflictError as error:
        return _survey_page(request, token, error=str(error), status=409)
    return _survey_page(request, token)
