"""Outcomes (跟踪问效) in the service, shared by the API routers and the web pages.

Writes run under the state's lock through `ServiceState.outcomes` (the library's rules, kept
in the database with an append-only history) and are audited; the recorder is the calling
key's name. Staff record meeting outcomes; a bank key records financing outcomes of its own
products. Staff read every outcome; a participant reads the outcomes of its own meetings,
an enterprise those of its own financing matches, a bank those of its products. A write may
state the version of the outcome it read (API `If-Match`, the web form's hidden field, the
follow-up sheet's 版本 column): a stale one is refused and changes nothing. Errors are the
library's; `service.errors` maps them to HTTP.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from matcher.errors import IngestError, InvalidValue, MatcherError, NotFoundError
from matcher.events.model import EventPlan
from matcher.ingest.problems import Problem
from matcher.ingest.readers import file_format
from matcher.outcomes.followup_xlsx import (
    ID_COLUMN,
    FollowupSheet,
    apply_followup,
    read_followup,
    write_followup_template,
)
from matcher.outcomes.funnel import known_filters
from matcher.outcomes.model import FinanceOutcome, MeetingOutcome, meeting_event_id
from matcher.outcomes.overdue import FollowUp, overdue
from matcher.outcomes.report import (
    Report,
    build_report,
    funnel_chart,
    report_html,
    write_report_xlsx,
)
from matcher.outcomes.store import Recorded
from matcher.types import FinanceProduct
from service.auth import ROLE_LABELS, Principal, is_staff
from service.errors import forbidden
from service.event_plans import participant_id_of
from service.state import ServiceState
from storage.keys import ApiKey
from storage.outcomes import Within

REPORT_FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "跟踪问效报告"),
    "html": ("text/html; charset=utf-8", "跟踪问效报告"),
    "png": ("image/png", "漏斗图"),
}
XLSX_TYPE = REPORT_FORMATS["xlsx"][0]


def _invalid(field: str, reason: str, location: str = "query") -> InvalidValue:
    return InvalidValue([(field, reason)], location=location)


def _ensure_event(state: ServiceState, event_id: str) -> None:
    if not state.events.exists(event_id):
        raise NotFoundError(f"找不到对接活动「{event_id}」")


def _who(key: ApiKey) -> str:
    return key.name.strip() or f"{ROLE_LABELS[key.role]}#{key.id}"


def _audit_changes(state: ServiceState, key: ApiKey) -> Within:
    """The hook that audits each changed outcome in the recording's transaction."""

    def audit(connection: Connection, results: list[Recorded]) -> None:
        for done in results:
            if done.changes:
                detail = f"{done.outcome.id}：{len(done.changes)} 项变更"
                state.audit.record(key.id, "update", "outcome", None, detail, connection=connection)

    return audit


# writes ---------------------------------------------------------------------------------------
def record_meeting(
    state: ServiceState,
    key: ApiKey,
    event_id: str,
    a: str,
    b: str,
    changes: dict[str, Any],
    expected: int | None = None,
) -> Recorded:
    """Record one meeting's outcome (staff): `NotFoundError` for an unknown event,
    `OutcomeError` for a pair that is not a meeting of its plan, a bad value, or an outcome no
    longer at version `expected` (its `stale` is then true)."""
    if not changes:
        raise _invalid("body", "没有要记录的内容：请至少填写一项（到场情况、进展阶段等）", "body")
    _ensure_event(state, event_id)
    meeting = {"event_id": event_id, "a": a, "b": b}
    [done] = state.outcomes.record_meetings(
        [(meeting, changes)], _who(key), rows=[0], expected=[expected],
        within=_audit_changes(state, key),
    )  # fmt: skip
    return done


def record_finance(
    state: ServiceState,
    key: ApiKey,
    enterprise_id: str,
    product_id: str,
    changes: dict[str, Any],
    expected: int | None = None,
) -> Recorded:
    """Record one financing match's outcome: staff, or a bank key for its own products
    (`OutcomeError` as for meetings)."""
    if not is_staff(key) and key.role != "bank":
        role = ROLE_LABELS[key.role]
        raise forbidden(f"{role}账号无权记录融资对接结果（需要：管理员、组织方或银行）")
    product: FinanceProduct = state.store.get("finance_product", product_id)  # type: ignore[assignment]
    if not is_staff(key) and product.bank != key.scope_id:
        raise forbidden(
            f"银行账号（{key.scope_id}）只能记录本行产品的融资结果，"
            f"「{product_id}」属于{product.bank}"
        )
    state.store.get("enterprise", enterprise_id)
    if not changes:
        raise _invalid("body", "没有要记录的内容：请至少填写一项（融资状态、金额等）", "body")
    match = {"enterprise_id": enterprise_id, "product_id": product_id}
    [done] = state.outcomes.record_finance(
        [(match, changes)], _who(key), rows=[0], expected=[expected],
        within=_audit_changes(state, key),
    )  # fmt: skip
    return done


# reads ----------------------------------------------------------------------------------------
def can_read(state: ServiceState, key: Principal, outcome: MeetingOutcome | FinanceOutcome) -> bool:
    """Staff: every outcome; others: their own meetings and financing matches."""
    if is_staff(key):
        return True
    if isinstance(outcome, MeetingOutcome):
        return participant_id_of(key) in (outcome.a, outcome.b)
    if key.role == "enterprise":
        return outcome.enterprise_id == key.scope_id
    if key.role == "bank":
        product = state.store.load("finance_product").get(outcome.product_id)
        return product is not None and getattr(product, "bank", None) == key.scope_id
    return False


def readable_outcome(
    state: ServiceState, key: Principal, outcome_id: str
) -> MeetingOutcome | FinanceOutcome:
    """The outcome; `NotFoundError` when unknown, 403 when it is not the key's own."""
    outcome = state.outcomes.get(outcome_id)
    if outcome is None:
        raise NotFoundError(f"找不到结果「{outcome_id}」：还没有记录过")
    if not can_read(state, key, outcome):
        scope = f"（{key.scope_id}）" if key.scope_id else ""
        raise forbidden(f"{ROLE_LABELS[key.role]}账号{scope}只能查看本单位自己的跟踪结果")
    return outcome


def overdue_items(state: ServiceState, today: date) -> list[FollowUp]:
    """Open outcomes whose next follow-up date is before `today`, oldest first."""
    meetings, finance = state.outcomes.due_before(today)
    return overdue(
        meetings, finance, state.events.list(), state.store.load("enterprise"),  # type: ignore[arg-type]
        state.store.load("finance_product"), today=today,  # type: ignore[arg-type]
    )  # fmt: skip


@dataclass(frozen=True)
class ReportQuery:
    """What a funnel report counts (each None: no restriction)."""

    event: str | None = None
    chain: str | None = None
    district: str | None = None
    start: date | None = None
    end: date | None = None


def checked(state: ServiceState, query: ReportQuery) -> ReportQuery:
    """The query with its district normalised (黄岛区 → 黄岛); 404 for an unknown event, 422 for
    an unknown chain or district or a period that ends before it starts."""
    if query.event:
        _ensure_event(state, query.event)
    try:
        known_filters(query.chain, None)
    except MatcherError as error:
        raise _invalid("chain", str(error)) from None
    try:
        _, district = known_filters(None, query.district)
    except MatcherError as error:
        raise _invalid("district", str(error)) from None
    if query.start and query.end and query.start > query.end:
        raise _invalid("to", f"结束日期 {query.end} 早于开始日期 {query.start}")
    return ReportQuery(query.event or None, query.chain or None, district, query.start, query.end)


def funnel_report(state: ServiceState, query: ReportQuery) -> Report:
    """The funnel report of the database's events and outcomes."""
    query = checked(state, query)
    return build_report(
        state.outcomes.meeting_outcomes(query.event),
        state.outcomes.finance_outcomes(),
        state.events.list(),
        state.store.load("enterprise"),  # type: ignore[arg-type]
        state.store.load("finance_product"),  # type: ignore[arg-type]
        event=query.event, chain=query.chain, district=query.district,
        start=query.start, end=query.end,
    )  # fmt: skip


def chart_png(report: Report) -> bytes:
    with tempfile.TemporaryDirectory(prefix="matcher-report-") as folder:
        path = Path(folder) / "funnel.png"
        funnel_chart(report.funnel, path)
        return path.read_bytes()


def report_file(report: Report, fmt: str) -> bytes:
    """The report as `xlsx` (with the chart), printable `html` or the `png` chart."""
    png = chart_png(report)
    if fmt == "png":
        return png
    if fmt == "html":
        return report_html(report, png).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="matcher-report-") as folder:
        chart, book = Path(folder) / "funnel.png", Path(folder) / "report.xlsx"
        chart.write_bytes(png)
        write_report_xlsx(report, book, chart)
        return book.read_bytes()


# the follow-up sheet --------------------------------------------------------------------------
def followup_template(state: ServiceState, key: ApiKey, event_id: str) -> tuple[EventPlan, bytes]:
    """The event's follow-up sheet prefilled with its outcomes (audited as an export)."""
    plan = state.events.load(event_id)
    with tempfile.TemporaryDirectory(prefix="matcher-followup-") as folder:
        path = Path(folder) / "followup.xlsx"
        count = write_followup_template(plan, state.outcomes.meeting_outcomes(event_id), path)
        data = path.read_bytes()
    state.audit.record(key.id, "export", "outcome", event_id, f"跟踪表：{count} 场会谈")
    return plan, data


def _only_this_event(sheet: FollowupSheet, event_id: str) -> FollowupSheet:
    """The sheet with a problem for each row that names another event's meeting."""
    problems = list(sheet.problems)
    for (outcome_id, _), row in zip(sheet.updates, sheet.rows, strict=True):
        if meeting_event_id(outcome_id) != event_id:
            reason = f"结果编号「{outcome_id}」不属于活动「{event_id}」，请上传本活动的跟踪表"
            problems.append(Problem(sheet.source, row, ID_COLUMN, reason))
    return replace(sheet, problems=problems)


def import_followup_upload(
    state: ServiceState, key: ApiKey, event_id: str, path: Path
) -> list[Recorded]:
    """Apply a filled-in sheet saved at `path`: every row checked first, nothing applied when
    any row is bad (IngestError naming file, row, field and reason)."""
    _ensure_event(state, event_id)
    if file_format(path) not in ("xlsx", "csv"):
        reason = f"请上传 .xlsx 跟踪表（收到「{path.name}」）"
        raise IngestError(f"无法读取「{path}」：{reason}", [Problem(str(path), 0, "", reason)])
    sheet = _only_this_event(read_followup(path), event_id)

    def audit(connection: Connection, results: list[Recorded]) -> None:
        changed = [r for r in results if r.changes]
        count = sum(len(r.changes) for r in changed)
        detail = f"{path.name}：更新 {len(changed)} 场会谈，{count} 项变更"
        state.audit.record(key.id, "import", "outcome", event_id, detail, connection=connection)

    record = partial(state.outcomes.record_meetings, within=audit)
    return apply_followup(sheet, record, _who(key))
