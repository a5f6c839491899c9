"""对接活动 pages: the organiser's list, setup form and event page (participants, generate,
meetings by slot and table with lock / must-meet / remove, shortfalls, publish, exports), and
我的日程 for enterprise, bank and university keys.

Every change goes through `service.event_plans`, like the API's. An htmx request gets the
event fragment back (with a notice or the error); a plain form post is redirected to the
event page, or gets the page with the error. Generating runs as a background job
(`service.event_jobs`): the organiser follows it on its progress page and comes back here.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from matcher.errors import IngestError, InvalidValue, MatcherError
from matcher.events.model import (
    EVENT_KIND_LABELS,
    PARTICIPANT_KIND_LABELS,
    ROLE_LABELS,
    EventPlan,
)
from matcher.types import CHAINS
from service import event_jobs, event_plans
from service.errors import ApiError, status_of, validation_details
from service.routers.crud import new_id
from service.schemas.events import AgendaPublic, EventCreate, EventDetail, EventSummary
from service.uploads import safe_name, save_upload
from service.versions import expected_version
from service.web.pages.jobs import finished_job, go_to_job, job_notice
from service.web.render import is_fragment_request, render
from service.web.routing import WebRoute
from service.web.session import StaffUser, WebUser, forbidden, service_state
from storage.keys import ApiKey

router = APIRouter(route_class=WebRoute)

SETUP_FIELDS: tuple[str, ...] = (
    "name", "kind", "chain", "date", "start", "minutes", "gap", "slots", "tables", "venue",
    "min_meetings", "fairness",
)  # fmt: skip
SETUP_DEFAULTS: dict[str, str] = {
    "kind": "industry", "start": "09:00", "minutes": "20", "gap": "5", "slots": "8",
    "tables": "20", "min_meetings": "0", "fairness": "0",
}  # fmt: skip
LABELS: dict[str, Any] = {
    "event_kinds": EVENT_KIND_LABELS,
    "participant_kinds": PARTICIPANT_KIND_LABELS,
    "roles": ROLE_LABELS,
    "chains": CHAINS,
}
UPLOAD_ACCEPT = ".csv,.xlsx,.jsonl"
EXPORT_LABELS: dict[str, str] = {
    "pairing.xlsx": "配对清单（Excel：配对、桌位图、席卡）",
    "pairing.csv": "配对清单（CSV）",
    "table-plan.html": "桌位图（打印）",
    "agendas.html": "全部日程（打印）",
    "name-cards.csv": "席卡（CSV）",
    "table-cards.html": "桌卡（打印，每张 A4 两份）",
    "name-cards.html": "席卡（打印，每张 A4 两份）",
}
AFTER_ADJUST: dict[str, str] = {
    "lock": "，重新生成时保留其时段与桌号",
    "unlock": "",
    "remove": "，该配对不会再被安排",
    "must-meet": "，重新生成后安排",
}


# list and setup -------------------------------------------------------------------------------
@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, user: StaffUser) -> HTMLResponse:
    """对接活动: every event, latest first."""
    plans = service_state(request).events.list()
    context = {"events": [EventSummary.of(plan) for plan in plans]}
    return render(request, "events_list.html", context)


def _setup_page(
    request: Request, form: dict[str, str], errors: dict[str, str], status: int = 200
) -> HTMLResponse:
    context = {"form": form, "errors": errors, **LABELS}
    return render(request, "events_new.html", context, status_code=status)


@router.get("/events/new", response_class=HTMLResponse)
def new_event_form(request: Request, user: StaffUser) -> HTMLResponse:
    return _setup_page(request, dict(SETUP_DEFAULTS), {})


@router.post("/events/new", response_class=HTMLResponse)
async def create_event(request: Request, user: StaffUser) -> Response:
    """新建活动, then on to its page; field errors (Chinese) next to each field."""
    submitted = await request.form()
    form = {name: str(submitted.get(name, "")).strip() for name in SETUP_FIELDS}
    try:
        setup = EventCreate.model_validate({k: v for k, v in form.items() if v != ""})
    except ValidationError as error:
        errors: dict[str, str] = {}
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "_"
            reason = validation_details([problem], location="body")[0]["reason"]
            errors.setdefault(field, "请填写此项" if problem["type"] == "missing" else reason)
        return _setup_page(request, form, errors, status=422)
    plan = event_plans.create_event(service_state(request), setup.to_event(new_id("EV")), user.id)
    return RedirectResponse(f"/events/{plan.event.id}", status_code=303)


# the event page -------------------------------------------------------------------------------
def _context(plan: EventPlan, **extra: Any) -> dict[str, Any]:
    detail = EventDetail.of(plan)
    by_slot: dict[str, list] = {}
    for meeting in detail.meetings:
        by_slot.setdefault(meeting.slot_label, []).append(meeting)
    names = {p.id: p.name for p in detail.participants}
    must = {frozenset((p.id, other)) for p in plan.participants for other in p.must_meet}
    return {
        "detail": detail,
        "event": detail.event,
        "by_slot": by_slot,
        "names": names,
        "must_meet": [sorted(pair) for pair in must],
        "restore_entries": plan.restore,
        "placed": sum(m.slot is not None for m in detail.meetings),
        "locked": sum(m.locked for m in detail.meetings),
        "exports": list(EXPORT_LABELS.items()),
        "accept": UPLOAD_ACCEPT,
        "notice": None,
        "error": None,
        "problems": [],
        **LABELS,
        **extra,
    }


def _event_response(request: Request, plan: EventPlan, status: int = 200, **extra: Any) -> Response:
    template = (
        "partials/events_detail.html" if is_fragment_request(request) else "events_detail.html"
    )
    return render(request, template, _context(plan, **extra), status_code=status)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(
    request: Request, event_id: str, user: StaffUser, job: str | None = None
) -> Response:
    """活动详情: setup, participants, meetings by slot and table, shortfalls, exports; coming
    back from a finished generation job (`job`), its summary as the notice."""
    plan = service_state(request).events.load(event_id)
    finished = finished_job(request, user, job, event_id) if job else None
    return _event_response(request, plan, notice=job_notice(finished) if finished else None)


def _act(
    request: Request,
    event_id: str,
    change: Callable[[], EventPlan],
    notice: Callable[[EventPlan], str],
) -> Response:
    """Run one change; htmx gets the fragment with a notice, a plain post a redirect. Failures
    show the event as it was, with the Chinese reason (and bad rows of a file)."""
    state = service_state(request)
    try:
        plan = change()
    except IngestError as error:
        problems = [(p.row, p.field, p.reason) for p in error.problems]
        plan = state.events.load(event_id)
        return _event_response(request, plan, 422, error=str(error), problems=problems)
    except ApiError as error:
        if error.status == 404:
            raise
        reasons = [d["reason"] for d in error.details if isinstance(d, dict) and "reason" in d]
        problems = [(None, "", reason) for reason in reasons if reason not in error.message]
        plan = state.events.load(event_id)
        return _event_response(request, plan, error.status, error=error.message, problems=problems)
    except MatcherError as error:
        if not state.events.exists(event_id):
            raise
        named = error.problems if isinstance(error, InvalidValue) else []
        problems = [(None, "", reason) for _, reason in named if reason not in str(error)]
        plan = state.events.load(event_id)  # as it is now: a stale page is refreshed too
        status = status_of(error)
        return _event_response(request, plan, status, error=str(error), problems=problems)
    if not is_fragment_request(request):
        return RedirectResponse(f"/events/{event_id}", status_code=303)
    return _event_response(request, plan, notice=notice(plan))


def _split(refs: str) -> list[str]:
    for separator in ("，", ",", "、", "；", ";"):
        refs = refs.replace(separator, "\n")
    return [ref.strip() for ref in refs.splitlines() if ref.strip()]


@router.post("/events/{event_id}/participants", response_class=HTMLResponse)
def add_by_list(
    request: Request,
    event_id: str,
    user: StaffUser,
    kind: Annotated[str, Form()] = "enterprise",
    refs: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    max_meetings: Annotated[str, Form()] = "6",
) -> Response:
    """按名单添加: enterprise ids or university / bank names, one per line."""
    state = service_state(request)
    names = _split(refs)

    def change() -> EventPlan:
        if kind not in PARTICIPANT_KIND_LABELS:
            raise MatcherError("请选择参会方类型")
        if not names:
            raise MatcherError("请填写企业编号、高校名称或银行名称（每行一个）")
        try:
            most = int(max_meetings or 6)
        except ValueError:
            raise MatcherError(f"最多会谈数应为整数，实际为「{max_meetings}」") from None
        extra = {"role": role} if role in ROLE_LABELS else {}
        specs = [{"kind": kind, "ref": ref, "max_meetings": most, **extra} for ref in names]
        build = event_plans.from_specs(specs)
        return event_plans.add_to_event(state, event_id, build, user.id)[0]

    return _act(request, event_id, change, lambda plan: f"已添加 {len(names)} 个参会方")


@router.post("/events/{event_id}/participants/upload", response_class=HTMLResponse)
def add_by_file(
    request: Request, event_id: str, user: StaffUser, file: Annotated[UploadFile, File()]
) -> Response:
    """上传参会方文件 (CSV / XLSX / JSONL); every bad row listed, nothing added."""
    state = service_state(request)
    name = safe_name(file.filename, default="参会方文件")
    added: list = []

    def change() -> EventPlan:
        with tempfile.TemporaryDirectory(prefix="matcher-upload-") as folder:
            path = Path(folder) / name
            save_upload(file, path, state.settings.upload_max_mb)
            build = event_plans.from_file(path, name)
            plan, chosen = event_plans.add_to_event(state, event_id, build, user.id)
        added.extend(chosen)
        return plan

    return _act(request, event_id, change, lambda plan: f"已从「{name}」添加 {len(added)} 个参会方")


@router.post("/events/{event_id}/participants/by-chain", response_class=HTMLResponse)
def add_by_chain(
    request: Request, event_id: str, user: StaffUser, limit: Annotated[str, Form()] = "30"
) -> Response:
    """按产业链选取: the chain's active enterprises (up to `limit`) and its universities/banks."""
    state = service_state(request)
    added: list = []

    def change() -> EventPlan:
        try:
            count = int(limit)
        except ValueError:
            raise MatcherError(f"企业数上限应为整数，实际为「{limit}」") from None
        if not 1 <= count <= 5000:
            raise MatcherError("企业数上限应在 1 到 5000 之间")
        plan, chosen = event_plans.add_to_event(
            state, event_id, event_plans.by_chain(count), user.id
        )
        added.extend(chosen)
        return plan

    return _act(request, event_id, change, lambda plan: f"已按产业链添加 {len(added)} 个参会方")


@router.post("/events/{event_id}/generate", response_class=HTMLResponse)
def generate(
    request: Request, event_id: str, user: StaffUser, allow_moves: Annotated[str, Form()] = ""
) -> Response:
    """生成配对与日程 / 重新生成: a background job (locked meetings kept in place; on a
    published plan every scheduled one too, unless 「允许调整已发布的会谈」 is ticked),
    followed on its progress page; a generation already running is followed instead."""
    state = service_state(request)
    try:
        job = event_jobs.start(state, event_id, "regenerate", user.id, allow_moves == "1")
    except ApiError as error:
        running = [d["job_id"] for d in error.details if isinstance(d, dict) and "job_id" in d]
        if not running:
            raise
        job = state.jobs.get(running[0])
    except MatcherError as error:
        if not state.events.exists(event_id):
            raise
        return _event_response(request, state.events.load(event_id), 400, error=str(error))
    return go_to_job(request, job)


@router.post("/events/{event_id}/meetings/{action}", response_class=HTMLResponse)
def adjust(
    request: Request,
    event_id: str,
    action: str,
    user: StaffUser,
    a: Annotated[str, Form()] = "",
    b: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    """锁定 / 解锁 / 删除 a meeting, or 指定必见 (also for two participants picked in a form),
    if the plan is still at the page's version."""
    state = service_state(request)

    def change() -> EventPlan:
        if action not in event_plans.ACTIONS:
            raise MatcherError(f"未知的操作「{action}」")
        expected = expected_version(version or None)
        return event_plans.adjust(state, event_id, action, a, b, user.id, expected)

    def notice(plan: EventPlan) -> str:
        names = {p.id: p.name for p in plan.participants}
        pair = f"{names.get(a, a)} ↔ {names.get(b, b)}"
        return f"已{event_plans.ACTIONS[action]}：{pair}{AFTER_ADJUST[action]}"

    return _act(request, event_id, change, notice)


@router.post("/events/{event_id}/publish", response_class=HTMLResponse)
def publish(
    request: Request,
    event_id: str,
    user: StaffUser,
    published: Annotated[str, Form()] = "1",
    version: Annotated[str, Form()] = "",
) -> Response:
    """发布 (participants see their own agenda) or 撤回, if the plan is still at the page's
    version."""
    state = service_state(request)
    value = published != "0"
    return _act(
        request,
        event_id,
        lambda: event_plans.publish(
            state, event_id, value, user.id, expected_version(version or None)
        ),
        lambda plan: "已发布：参会单位登录后可在「我的日程」查看" if value else "已撤回发布",
    )


# 我的日程 -------------------------------------------------------------------------------------
def _participant(user: ApiKey) -> str:
    own = event_plans.participant_id_of(user)
    if own is None:
        raise forbidden("「我的日程」仅供参会的企业、银行和高校账号使用。")
    return own


@router.get("/my/agenda", response_class=HTMLResponse)
def my_agenda(request: Request, user: WebUser) -> HTMLResponse:
    """我的日程: the key's agenda in every published event it takes part in."""
    own = _participant(user)
    plans = event_plans.my_events(service_state(request), user)
    agendas = [AgendaPublic.of(plan, own) for plan in plans]
    return render(request, "events_my_agenda.html", {"agendas": agendas, "participant": own})
