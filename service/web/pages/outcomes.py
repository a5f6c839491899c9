"""跟踪问效 pages: the events to follow up, one event's meetings with an inline outcome form
(htmx), the follow-up sheet (download, upload with row errors), a meeting's history, the
待跟进 (overdue) list and the 漏斗报告 (filters, chart, summary, exports).

Every write goes through `service.outcomes`, like the API's; the recorder is the logged-in
key's name.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from matcher.errors import IngestError
from matcher.events.model import EventPlan
from matcher.outcomes.fields import FIELD_LABELS, parse_date
from matcher.outcomes.model import (
    ATTENDANCE_LABELS,
    FINANCE_STATUS_LABELS,
    STAGE_LABELS,
    MeetingOutcome,
    meeting_outcome_id,
)
from matcher.outcomes.store import OutcomeError
from matcher.types import CHAINS, DISTRICTS
from service.errors import ApiError
from service.finance_followup import finance_lines
from service.outcomes import (
    ReportQuery,
    chart_png,
    funnel_report,
    import_followup_upload,
    overdue_items,
    readable_outcome,
    record_finance,
    record_meeting,
)
from service.schemas.outcomes import ChangePublic
from service.surveys import survey_lines
from service.uploads import safe_name, save_upload
from service.web.render import is_fragment_request, render
from service.web.routing import WebRoute
from service.web.session import PageError, StaffUser, WebUser, service_state

router = APIRouter(route_class=WebRoute)
FIELD_CODES = {name: code for code, name in FIELD_LABELS.items()}

FORM_FIELDS = ("attendance", "stage", "signed_amount", "notes", "next_follow_up")
LABELS: dict[str, Any] = {
    "attendance_labels": ATTENDANCE_LABELS,
    "stage_labels": STAGE_LABELS,
    "finance_labels": FINANCE_STATUS_LABELS,
}


@dataclass(frozen=True)
class MeetingRow:
    """One meeting of the plan with its outcome (None: nothing recorded yet)."""

    event_id: str
    a: str
    b: str
    a_name: str
    b_name: str
    slot: str
    table: int | None
    outcome: MeetingOutcome | None

    @property
    def id(self) -> str:
        return meeting_outcome_id(self.event_id, self.a, self.b)

    @property
    def dom_id(self) -> str:
        """A stable HTML id (participant ids hold characters ids may not)."""
        return "m-" + hashlib.sha1(self.id.encode()).hexdigest()[:12]

    @property
    def history_url(self) -> str:
        return "/outcomes/history?" + urlencode({"id": self.id})


def _rows(plan: EventPlan, outcomes: dict[str, MeetingOutcome]) -> list[MeetingRow]:
    names = {p.id: p.name for p in plan.participants}
    meetings = sorted(
        plan.meetings, key=lambda m: (m.slot is None, m.slot or 0, m.table or 0, m.a, m.b)
    )
    return [
        MeetingRow(
            event_id=plan.event.id,
            a=m.a,
            b=m.b,
            a_name=names.get(m.a, m.a),
            b_name=names.get(m.b, m.b),
            slot=plan.event.slots[m.slot].label() if m.slot is not None else "未排入",
            table=m.table,
            outcome=outcomes.get(meeting_outcome_id(plan.event.id, m.a, m.b)),
        )
        for m in meetings
    ]


def _row(request: Request, event_id: str, a: str, b: str) -> MeetingRow:
    state = service_state(request)
    plan = state.events.load(event_id)
    for row in _rows(plan, state.outcomes.meeting_outcomes(event_id)):
        if {row.a, row.b} == {a, b}:
            return row
    raise PageError(404, "会谈不存在", f"活动「{plan.event.name}」没有 {a} 与 {b} 的会谈")


# events and one event's meetings --------------------------------------------------------------
@router.get("/outcomes", response_class=HTMLResponse)
def outcomes_home(request: Request, user: StaffUser) -> HTMLResponse:
    """跟踪问效: every event with how many of its meetings have been followed up."""
    state = service_state(request)
    followed: dict[str, int] = {}
    for outcome in state.outcomes.meeting_outcomes().values():
        followed[outcome.event_id] = followed.get(outcome.event_id, 0) + 1
    events = [
        (plan, len(plan.meetings), followed.get(plan.event.id, 0)) for plan in state.events.list()
    ]
    return render(request, "outcomes_home.html", {"events": events})


def _event_page(
    request: Request, event_id: str, result: dict[str, Any] | None = None, status: int = 200,
    finance_error: str | None = None,
) -> HTMLResponse:  # fmt: skip
    state = service_state(request)
    plan = state.events.load(event_id)
    rows = _rows(plan, state.outcomes.meeting_outcomes(event_id))
    surveys = survey_lines(state, plan)
    finance = finance_lines(state, plan)
    context = {"plan": plan, "rows": rows, "result": result, "surveys": surveys, **LABELS,
               "finance_lines": finance, "finance_error": finance_error}  # fmt: skip
    return render(request, "outcomes_event.html", context, status_code=status)


@router.get("/events/{event_id}/outcomes", response_class=HTMLResponse)
def event_outcomes(request: Request, event_id: str, user: StaffUser) -> HTMLResponse:
    """One event's meetings and their outcomes, each with 记录 (inline form) and 历史."""
    return _event_page(request, event_id)


@router.get("/events/{event_id}/outcomes/row", response_class=HTMLResponse)
def outcome_row(
    request: Request, event_id: str, a: str, b: str, user: StaffUser, edit: int = 0
) -> HTMLResponse:
    """One meeting's table row: as shown, or (edit=1) as the inline form."""
    row = _row(request, event_id, a, b)
    if edit:
        return _form(request, row, _values(row.outcome), {})
    return render(request, "partials/outcome_row.html", {"row": row, **LABELS})


def _values(outcome: MeetingOutcome | None) -> dict[str, str]:
    """The form's values for an outcome."""
    if outcome is None:
        return {"attendance": "", "stage": "none", "signed_amount": "", "notes": "",
                "next_follow_up": "", "version": "0"}  # fmt: skip
    amount = outcome.signed_amount
    return {
        "version": str(outcome.version),
        "attendance": outcome.attendance or "",
        "stage": outcome.stage,
        "signed_amount": "" if amount is None else f"{amount:g}",
        "notes": outcome.notes,
        "next_follow_up": outcome.next_follow_up.isoformat() if outcome.next_follow_up else "",
    }


def _form(
    request: Request,
    row: MeetingRow,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    context = {"row": row, "values": values, "errors": errors, **LABELS}
    return render(request, "partials/outcome_form.html", context, status_code=status)


@router.post("/events/{event_id}/outcomes/row", response_class=HTMLResponse)
def save_outcome_row(
    request: Request,
    event_id: str,
    user: StaffUser,
    a: Annotated[str, Form()],
    b: Annotated[str, Form()],
    attendance: Annotated[str, Form()] = "",
    stage: Annotated[str, Form()] = "none",
    signed_amount: Annotated[str, Form()] = "",
    notes: Annotated[str, Form()] = "",
    next_follow_up: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
    correction: Annotated[str, Form()] = "",
) -> Response:
    """Record the form (every field as shown: a blank clears it) if the outcome is still at
    the form's version; the row as shown, or the form as typed with each field's reason
    (422), or with the conflict (409: someone else recorded it meanwhile; nothing saved)."""
    row = _row(request, event_id, a, b)
    values = {"attendance": attendance, "stage": stage, "signed_amount": signed_amount,
              "notes": notes, "next_follow_up": next_follow_up}  # fmt: skip
    expected = int(version) if version.strip().isdigit() else None
    changes = {**values, "correction": correction}
    try:
        done = record_meeting(service_state(request), user, event_id, row.a, row.b, changes,
                              expected)  # fmt: skip
    except OutcomeError as error:
        shown = {**values, "version": version, "correction": correction}
        if error.stale:
            return _form(request, row, shown, {"version": str(error)}, status=409)
        errors = {FIELD_CODES.get(p.field, p.field): p.reason for p in error.problems}
        return _form(request, row, shown, errors, status=422)
    saved = MeetingRow(**{**row.__dict__, "outcome": done.outcome})
    notice = f"已保存：{len(done.changes)} 项变更" if done.changes else "没有变化"
    context = {"row": saved, "notice": notice, **LABELS}
    if not is_fragment_request(request):
        return _event_page(request, event_id)
    return render(request, "partials/outcome_row.html", context)


@router.post("/events/{event_id}/followup", response_class=HTMLResponse)
def upload_followup(
    request: Request, event_id: str, user: StaffUser, file: Annotated[UploadFile, File()]
) -> HTMLResponse:
    """Apply a filled-in follow-up sheet; the problems (文件/行/字段/原因) when it is refused."""
    name = safe_name(file.filename, default="跟踪表.xlsx")
    state = service_state(request)
    with tempfile.TemporaryDirectory(prefix="matcher-followup-") as folder:
        path = Path(folder) / name
        try:
            save_upload(file, path, state.settings.upload_max_mb)
            results = import_followup_upload(state, user, event_id, path)
        except ApiError as error:
            if error.status != 413:
                raise
            return _result(request, event_id, {"error": error.message, "problems": [],
                                               "name": name}, 413)  # fmt: skip
        except IngestError as error:
            problems = [(name, p.row, p.field, p.reason) for p in error.problems]
            message = str(error).replace(str(path), name)
            result = {"error": message, "problems": problems, "name": name}
            return _result(request, event_id, result, 422)
    changed = [r for r in results if r.changes]
    changes = [ChangePublic.of(c) for r in changed for c in r.changes]
    return _result(request, event_id, {"updated": len(changed), "changes": changes, "name": name})


def _result(
    request: Request, event_id: str, result: dict[str, Any], status: int = 200
) -> HTMLResponse:
    if is_fragment_request(request):
        return render(request, "partials/followup_result.html", {"result": result}, status)
    return _event_page(request, event_id, result, status)


# history and overdue --------------------------------------------------------------------------
@router.get("/outcomes/history", response_class=HTMLResponse)
def history_page(request: Request, id: str, user: WebUser) -> HTMLResponse:
    """变更历史 of one outcome (staff: any; a participant: its own)."""
    state = service_state(request)
    outcome = readable_outcome(state, user, id)
    changes = [ChangePublic.of(c) for c in state.outcomes.history(outcome.id)]
    plan = None
    if isinstance(outcome, MeetingOutcome) and state.events.exists(outcome.event_id):
        plan = state.events.load(outcome.event_id)
    names = {p.id: p.name for p in plan.participants} if plan else {}
    context = {"outcome": outcome, "changes": changes, "plan": plan, "names": names, **LABELS}
    return render(request, "outcome_history.html", context)


def _day(value: str, field: str) -> date | None:
    try:
        return parse_date(value)
    except ValueError as error:
        raise PageError(422, "请求有误", f"{field}：{error}") from None


@router.get("/outcomes/overdue", response_class=HTMLResponse)
def overdue_page(
    request: Request, user: StaffUser, on: Annotated[str, Query(alias="date")] = ""
) -> HTMLResponse:
    """待跟进: open outcomes whose next follow-up date has passed, oldest first."""
    state = service_state(request)
    today = _day(on, "日期") or state.workspace.settings.reference_date()
    items = overdue_items(state, today)
    return render(request, "outcomes_overdue.html", {"items": items, "today": today})


# the funnel report ----------------------------------------------------------------------------
def _query(request: Request) -> tuple[ReportQuery, dict[str, str]]:
    """The report filters of the page's query string (blank: no restriction)."""
    params = {name: request.query_params.get(name, "").strip()
              for name in ("event", "chain", "district", "from", "to")}  # fmt: skip
    query = ReportQuery(
        params["event"] or None, params["chain"] or None, params["district"] or None,
        _day(params["from"], "开始日期"), _day(params["to"], "结束日期"),
    )  # fmt: skip
    return query, {name: value for name, value in params.items() if value}


@router.get("/reports/funnel", response_class=HTMLResponse)
def funnel_page(request: Request, user: StaffUser) -> HTMLResponse:
    """漏斗报告: filters, summary sentence, chart, numbers, events, exports."""
    state = service_state(request)
    query, chosen = _query(request)
    report = funnel_report(state, query)
    qs = urlencode(chosen)
    context = {
        "report": report,
        "chosen": chosen,
        "qs": qs,
        "events": state.events.list(),
        "chains": CHAINS,
        "districts": DISTRICTS,
        **LABELS,
    }
    return render(request, "report_funnel.html", context)


@router.get("/reports/funnel/chart.png")
def funnel_chart_png(request: Request, user: StaffUser) -> Response:
    """The report page's chart (the audited download is /api/reports/funnel.png)."""
    query, _ = _query(request)
    png = chart_png(funnel_report(service_state(request), query))
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.post("/events/{event_id}/outcomes/finance", response_class=HTMLResponse)
def save_finance_outcome(
    request: Request,
    event_id: str,
    user: StaffUser,
    enterprise_id: Annotated[str, Form()],
    product_id: Annotated[str, Form()],
    status: Annotated[str, Form()] = "recommended",
    amount: Annotated[str, Form()] = "",
    first_loan: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    """融资对接结果 of one enterprise–product meeting (已申请 / 已获批 / 金额 / 首贷), if still
    at the form's version; the follow-up page again, with the reason when it was refused."""
    state = service_state(request)
    state.events.load(event_id)
    changes = {"status": status, "amount": amount.strip() or None, "first_loan": first_loan == "1",
               "event_id": event_id}  # fmt: skip
    expected = int(version) if version.strip().isdigit() else None
    try:
        record_finance(state, user, enterprise_id, product_id, changes, expected)
    except OutcomeError as error:
        reasons = "；".join(p.reason for p in error.problems) or str(error)
        return _event_page(request, event_id, status=409 if error.stale else 422,
                           finance_error=reasons)  # fmt: skip
    return RedirectResponse(f"/events/{event_id}/outcomes#finance-outcomes", status_code=303)
