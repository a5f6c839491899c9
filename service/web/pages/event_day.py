"""活动当天: check-in by QR code, no-show marking, re-pairing of freed slots, the venue board.

Staff pages. 签到 (phone-width): a code typed or scanned (a scanner types it; the camera
button uses the browser's BarcodeDetector through `checkin.js` where there is one), or a
name from the list; opening a QR code's URL while logged in checks its participant in (the
code itself, an HMAC under the service's key, is what proves it). 当天安排: the slots now
running and next with held / no-show marks, participants marked absent, and 补排空档 — the
proposal shown, then confirmed at the version shown. 大屏: the current and next slot table by
table, reloading itself every 30 seconds. `now` (ISO time, Beijing) sets the clock, for
rehearsals and tests. Every change goes through `service.event_day`, like the API's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from matcher.errors import InvalidValue, MatcherError
from matcher.events.day import current_slot
from matcher.events.model import MEETING_STATUS_LABELS, EventPlan
from service import event_day
from service.errors import status_of
from service.versions import expected_version
from service.web.render import STATIC_DIR, render
from service.web.routing import WebRoute
from service.web.session import PageError, StaffUser, service_state

router = APIRouter(route_class=WebRoute)
ASSETS = {"checkin.js": "text/javascript", "day.css": "text/css"}
Now = Annotated[str, Query(max_length=40)]
FormNow = Annotated[str, Form(max_length=40)]
FormVersion = Annotated[str, Form(max_length=20)]


def _now(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValue([("now", f"时间「{text}」格式不对，应如 2026-12-03T09:30")]) from None


def _url(path: str, now: str) -> str:
    return f"{path}?now={now}" if now else path


def _checkin_page(
    request: Request, event_id: str, now: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    plan = service_state(request).events.load(event_id)
    waiting = [p for p in plan.participants if p.id not in plan.checked_in]
    arrived = sorted(
        (p for p in plan.participants if p.id in plan.checked_in),
        key=lambda p: plan.checked_in[p.id], reverse=True,
    )  # fmt: skip
    context = {"plan": plan, "waiting": waiting, "arrived": arrived, "now": now,
               "notice": None, "error": None, **extra}  # fmt: skip
    return render(request, "event_day_checkin.html", context, status_code=status)


def _checked(request: Request, event_id: str, now: str, **given: str | None) -> HTMLResponse:
    state = service_state(request)
    try:
        done = event_day.check_in_code(state, event_id, request.state.web_user.id, **given)
    except MatcherError as error:
        return _checkin_page(request, event_id, now, status_of(error), error=str(error))
    notice = f"{'已签到' if done.newly else '此前已签到'}：{done.name}"
    return _checkin_page(request, event_id, now, notice=notice, last=done)


@router.get("/events/{event_id}/checkin", response_class=HTMLResponse)
def checkin_page(
    request: Request, event_id: str, user: StaffUser,
    code: Annotated[str, Query(max_length=64)] = "", now: Now = "",
) -> HTMLResponse:  # fmt: skip
    """签到: with `code` (a QR code's URL opened by logged-in staff) it checks that one in."""
    if code:
        return _checked(request, event_id, now, code=code)
    return _checkin_page(request, event_id, now)


@router.post("/events/{event_id}/checkin", response_class=HTMLResponse)
def checkin(
    request: Request, event_id: str, user: StaffUser,
    code: Annotated[str, Form(max_length=64)] = "",
    participant_id: Annotated[str, Form(max_length=200)] = "",
    now: FormNow = "",
) -> HTMLResponse:  # fmt: skip
    """Check in by the code typed or scanned, or by the name chosen from the list."""
    if code.strip():
        return _checked(request, event_id, now, code=code.strip())
    return _checked(request, event_id, now, participant_id=participant_id or None)


def _day_context(plan: EventPlan, now: str) -> dict[str, Any]:
    first = current_slot(plan, event_day.local_now(_now(now)))
    shown = [i for i in (first, first + 1) if i < len(plan.event.slots)]
    names = {p.id: p.name for p in plan.participants}
    slots = [
        (plan.event.slots[i].label(), sorted(
            (m for m in plan.meetings if m.slot == i and m.status != "cancelled"),
            key=lambda m: m.table or 0,
        ))
        for i in shown
    ]  # fmt: skip
    return {"plan": plan, "slots": slots, "names": names, "now": now, "from_slot": first,
            "status_labels": MEETING_STATUS_LABELS, "error": None}  # fmt: skip


@router.get("/events/{event_id}/day", response_class=HTMLResponse)
def day_page(
    request: Request, event_id: str, user: StaffUser, now: Now = "",
    propose: Annotated[str, Query(max_length=1)] = "",
) -> HTMLResponse:  # fmt: skip
    """当天安排: marks, absences and, with `propose`, the 补排空档 proposal."""
    state = service_state(request)
    plan = state.events.load(event_id)
    context = _day_context(plan, now)
    if propose:
        context["proposal"] = event_day.propose(state, event_id, _now(now))
    return render(request, "event_day_page.html", context)


def _after(request: Request, event_id: str, now: str, change) -> Response:
    try:
        change()
    except MatcherError as error:
        state = service_state(request)
        context = {**_day_context(state.events.load(event_id), now), "error": str(error)}
        return render(request, "event_day_page.html", context, status_code=status_of(error))
    return RedirectResponse(_url(f"/events/{event_id}/day", now), status_code=303)


@router.post("/events/{event_id}/day/mark", response_class=HTMLResponse)
def mark(
    request: Request, event_id: str, user: StaffUser,
    a: Annotated[str, Form(max_length=200)] = "", b: Annotated[str, Form(max_length=200)] = "",
    status: Annotated[str, Form(max_length=20)] = "",
    version: FormVersion = "", now: FormNow = "",
) -> Response:  # fmt: skip
    """已举行 / 缺席 (both sides) / 恢复 for one meeting."""
    state = service_state(request)

    def change() -> None:
        if status not in ("held", "no_show", "planned"):
            raise InvalidValue([("status", f"未知的状态「{status}」")])
        event_day.mark(state, event_id, a, b, status, [], user.id,  # type: ignore[arg-type]
                       expected_version(version or None))  # fmt: skip

    return _after(request, event_id, now, change)


@router.post("/events/{event_id}/day/absent", response_class=HTMLResponse)
def absent(
    request: Request, event_id: str, user: StaffUser,
    participant_id: Annotated[str, Form(max_length=200)] = "",
    now: FormNow = "",
) -> Response:  # fmt: skip
    """Mark a participant absent for the rest of the day (its meetings from now freed)."""
    state = service_state(request)

    def change() -> None:
        event_day.absent(state, event_id, participant_id, user.id, None, _now(now))

    return _after(request, event_id, now, change)


@router.post("/events/{event_id}/day/repair", response_class=HTMLResponse)
def repair(
    request: Request, event_id: str, user: StaffUser,
    from_slot: Annotated[int, Form(ge=0, le=48)] = 0,
    version: FormVersion = "", now: FormNow = "",
) -> Response:  # fmt: skip
    """Confirm the 补排空档 proposal shown (at its version)."""
    state = service_state(request)

    def change() -> None:
        expected = expected_version(version or None)
        if expected is None:
            raise InvalidValue([("version", "请先生成补排方案")])
        event_day.confirm(state, event_id, from_slot, expected, user.id)

    return _after(request, event_id, now, change)


@router.get("/events/{event_id}/board", response_class=HTMLResponse)
def board_page(request: Request, event_id: str, user: StaffUser, now: Now = "") -> HTMLResponse:
    """大屏: current and next slot, table by table; reloads itself every 30 seconds."""
    plan = service_state(request).events.load(event_id)
    context = {"plan": plan, "board": event_day.board(plan, _now(now)), "now": now}
    return render(request, "event_day_board.html", context)


@router.get("/events-day/{name}", include_in_schema=False)
def asset(name: str) -> FileResponse:
    """The day pages' script (camera scanning; no inline script: CSP) and stylesheet."""
    if name not in ASSETS:
        raise PageError(404, "页面不存在", "您要找的文件不存在。")
    path = STATIC_DIR / ("event_day.css" if name == "day.css" else name)
    headers = {"Cache-Control": "public, max-age=3600"}
    return FileResponse(path, media_type=ASSETS[name], headers=headers)
