"""Docking events in the service, shared by the API router and the web pages.

The organiser's verbs run on the current stored plan (`ServiceState.event_change`: load
under the plan's row lock, change, save, audit), optionally only if it is still at the
version the caller read (else `VersionConflict`); they raise the library's errors, which
`service.errors` maps to HTTP. Pairing and scheduling, which take long, are in
`service.event_jobs` (outside the lock, as background jobs). Participants (enterprise,
bank and university keys) reach only their own agenda, and only once the event is published.
Every export is audited (`export`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from pydantic import ValidationError
from sqlalchemy import Connection

from matcher.errors import (
    ConflictError,
    IngestError,
    InvalidValue,
    MatcherError,
    NotFoundError,
)
from matcher.events.export import (
    CARD_HEADER,
    PAIRING_HEADER,
    agenda_html,
    agenda_ics,
    card_rows,
    name_cards_html,
    pairing_rows,
    table_cards_html,
    table_plan_html,
    write_csv,
    write_xlsx,
)
from matcher.events.model import Event, EventPlan, Participant
from matcher.events.participants import (
    add_participants,
    participant_for,
    participants_by_chain,
    participants_from_file,
)
from matcher.events.planner import add_must_meet, lock_meeting, remove_meeting
from matcher.events.printed import CheckIn
from matcher.ingest.problems import Problem
from matcher.ingest.validate import translate_error
from matcher.printing import content_security_policy
from matcher.templates import write_participant_template
from matcher.workspace import Workspace
from service.auth import ROLE_LABELS, Principal, is_staff
from service.errors import forbidden
from service.state import ServiceState
from storage.keys import ApiKey

Builder = Callable[[Workspace, EventPlan], list[Participant]]
ACTIONS: dict[str, str] = {
    "lock": "锁定",
    "unlock": "解锁",
    "remove": "删除",
    "must-meet": "指定必见",
}
PARTICIPANT_PREFIX: dict[str, str] = {"bank": "B", "university": "U"}
NOTHING_TO_ADD = (
    "没有可添加的新参会方：按产业链选取的都已在活动中，或该产业链没有带需求或供给的企业"
)


# access ---------------------------------------------------------------------------------------
def participant_id_of(key: Principal) -> str | None:
    """The participant id an enterprise, bank or university key appears under in events."""
    if not key.scope_id:
        return None
    if key.role == "enterprise":
        return key.scope_id
    prefix = PARTICIPANT_PREFIX.get(key.role)
    return f"{prefix}:{key.scope_id}" if prefix else None


def takes_part(plan: EventPlan, participant_id: str | None) -> bool:
    return participant_id is not None and any(p.id == participant_id for p in plan.participants)


def ensure_agenda_access(key: Principal, plan: EventPlan, participant_id: str) -> None:
    """Staff see every agenda; a participant only its own, once the event is published (403);
    an unknown participant of the event is a 404."""
    own = participant_id_of(key)
    if not is_staff(key):
        scope = f"（{key.scope_id}）" if key.scope_id else ""
        who = f"{ROLE_LABELS[key.role]}账号{scope}"
        if own != participant_id:
            raise forbidden(f"{who}只能查看本单位自己的日程，无权查看「{participant_id}」的日程")
        if not takes_part(plan, own):
            raise forbidden(f"{who}未参加活动「{plan.event.name}」")
        if not plan.published:
            raise forbidden(f"活动「{plan.event.name}」的日程尚未发布，请等待组织方发布")
    if not takes_part(plan, participant_id):
        raise NotFoundError(f"活动「{plan.event.name}」没有参会方「{participant_id}」")


def my_events(state: ServiceState, key: Principal) -> list[EventPlan]:
    """The published events the key's participant takes part in, latest first."""
    own = participant_id_of(key)
    return [plan for plan in state.events.list(published=True) if takes_part(plan, own)]


def visible_events(state: ServiceState, key: Principal) -> list[EventPlan]:
    """Staff: every event; participants: their published events."""
    return state.events.list() if is_staff(key) else my_events(state, key)


# setup ----------------------------------------------------------------------------------------
def create_event(state: ServiceState, event: Event, actor: int | None) -> EventPlan:
    """A new, empty plan; `ConflictError` when the id is taken."""
    if state.events.exists(event.id):
        raise ConflictError(f"对接活动「{event.id}」已存在")
    detail = f"{event.name}：{len(event.slots)}场 × {event.tables}桌"
    return state.event_plan_write(EventPlan(event=event), actor, "create", detail)


def delete_event(
    state: ServiceState, event_id: str, actor: int | None, expected: int | None = None
) -> None:
    """Delete the event and audit it in one transaction; `VersionConflict` when it is no
    longer at version `expected`."""
    plan = state.events.load(event_id)

    def audit(connection: Connection) -> None:
        state.audit.record(
            actor, "delete", "event", event_id, plan.event.name, connection=connection
        )

    if not state.events.delete(event_id, expected, within=audit):
        raise NotFoundError(f"找不到对接活动「{event_id}」")


def from_specs(specs: list[dict]) -> Builder:
    """Participants from `{kind, ref, role?, ...}` dicts; every bad one is named
    (`InvalidValue`, field `participants.<i>`)."""

    def build(workspace: Workspace, plan: EventPlan) -> list[Participant]:
        chosen, problems, shown = [], [], []
        for number, spec in enumerate(specs):
            extra = {k: v for k, v in spec.items() if k not in ("kind", "ref", "role")}
            try:
                chosen.append(
                    participant_for(workspace, spec["kind"], spec["ref"], spec.get("role"), **extra)
                )
            except (MatcherError, ValidationError) as error:
                reason = str(error) if isinstance(error, MatcherError) else _pydantic(error)
                problems.append((f"participants.{number}", reason))
                shown.append(f"第{number + 1}项：{reason}")
        if problems:
            message = f"有 {len(problems)} 个参会方无法添加：{'；'.join(shown[:3])}"
            raise InvalidValue(problems, message)
        return chosen

    return build


def combined(*builders: Builder) -> Builder:
    """The participants of every builder, in order."""
    return lambda workspace, plan: [p for build in builders for p in build(workspace, plan)]


def by_chain(limit: int) -> Builder:
    """The chain's active enterprises (up to `limit`) plus its universities or every bank;
    those already taking part keep their settings."""

    def build(workspace: Workspace, plan: EventPlan) -> list[Participant]:
        present = {p.id for p in plan.participants}
        chosen = participants_by_chain(workspace, plan, limit)
        return [p for p in chosen if p.id not in present]

    return build


def from_file(path: Path, shown_name: str) -> Builder:
    """Participants from an uploaded CSV / XLSX / JSONL file; bad rows → `IngestError`
    (with the upload's own name instead of the temporary path)."""

    def build(workspace: Workspace, plan: EventPlan) -> list[Participant]:
        try:
            return participants_from_file(workspace, path)
        except IngestError as error:
            problems = [Problem(shown_name, p.row, p.field, p.reason) for p in error.problems]
            raise IngestError(str(error).replace(str(path), shown_name), problems) from None

    return build


def add_to_event(
    state: ServiceState,
    event_id: str,
    build: Builder,
    actor: int | None,
    expected: int | None = None,
) -> tuple[EventPlan, list[Participant]]:
    """Add (or replace, by id) the participants `build` returns; availability must name
    slots of the event (`InvalidValue`)."""
    added: list[Participant] = []

    def change(plan: EventPlan) -> str:
        chosen = build(state.workspace, plan)
        if not chosen:
            raise MatcherError(
                "没有可添加的新参会方（按产业链选取的都已在活动中，或该产业链没有有需求或供给的企业）"
            )
        count = len(plan.event.slots)
        for participant in chosen:
            outside = [i for i in participant.availability or [] if i >= count]
            if outside:
                reason = (
                    f"可参加时段序号 {'、'.join(map(str, outside))} 超出活动的 {count} 个时段"
                    f"（序号从 0 到 {count - 1}）"
                )
                raise InvalidValue([(f"{participant.id}.availability", reason)])
        add_participants(plan, chosen)
        added.extend(chosen)
        return f"添加参会方 {len(chosen)} 个，共 {len(plan.participants)} 个"

    return state.event_change(event_id, change, actor, expected), added


# adjustments and publishing ------------------------------------------------------------------
def adjust(
    state: ServiceState,
    event_id: str,
    action: str,
    a: str,
    b: str,
    actor: int | None,
    expected: int | None = None,
) -> EventPlan:
    """Lock, unlock or remove the meeting of `a` and `b`, or make them meet (must-meet), on
    the current plan (`VersionConflict` when it is no longer at version `expected`)."""

    def change(plan: EventPlan) -> str:
        ids = {p.id for p in plan.participants}
        for field, value in (("a", a), ("b", b)):
            if value not in ids:
                reason = f"参会方「{value}」不在活动「{plan.event.name}」中"
                raise InvalidValue([(field, reason)])
        if a == b:
            raise InvalidValue([("b", "会谈双方不能是同一个参会方")])
        if action == "must-meet":
            add_must_meet(plan, a, b)
        elif action == "remove":
            remove_meeting(plan, a, b)
        else:
            lock_meeting(plan, a, b, action == "lock")
        return f"{ACTIONS[action]}：{a} ↔ {b}"

    return state.event_change(event_id, change, actor, expected)


def publish(
    state: ServiceState,
    event_id: str,
    published: bool,
    actor: int | None,
    expected: int | None = None,
) -> EventPlan:
    """Publish the agendas (participants may see their own), or withdraw them."""

    def change(plan: EventPlan) -> str:
        if published and not any(m.slot is not None for m in plan.meetings):
            raise ConflictError("还没有排好时段的会谈，请先生成配对与日程再发布")
        plan.published = published
        return "发布日程" if published else "撤回日程"

    return state.event_change(event_id, change, actor, expected)


# exports --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportFile:
    """An export's bytes, media type and download name; `inline` files open in the browser."""

    content: bytes
    media_type: str
    filename: str
    inline: bool = False
    csp: str | None = None  # printed pages: their own policy (inline styles by hash)

    def disposition(self) -> str:
        kind = "inline" if self.inline else "attachment"
        return f"{kind}; filename*=UTF-8''{quote(self.filename)}"


CSV = "text/csv; charset=utf-8"
HTML = "text/html; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ICS = "text/calendar; charset=utf-8"
EXPORT_NAMES: tuple[str, ...] = (
    "pairing.csv", "pairing.xlsx", "table-plan.html", "agendas.html", "name-cards.csv",
    "table-cards.html", "name-cards.html",
)  # fmt: skip


def printed(page: str, filename: str) -> ExportFile:
    """A printable HTML page, shown in the browser under its own CSP."""
    return ExportFile(page.encode(), HTML, filename, True, content_security_policy(page))


def _written(write: Callable[[Path], None]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="matcher-event-") as folder:
        path = Path(folder) / "export"
        write(path)
        return path.read_bytes()


CheckInOf = Callable[[EventPlan], CheckIn]
"""How an event's printed agendas and name cards draw QR codes (`service.event_day`)."""


def render_export(plan: EventPlan, name: str, checkin: CheckIn | None = None) -> ExportFile:
    """One of `EXPORT_NAMES` for the whole event (with check-in QR codes when given)."""
    filename = f"{plan.event.id}-{name}"
    if name == "pairing.csv":
        content = _written(lambda p: write_csv(p, PAIRING_HEADER, pairing_rows(plan)))
        return ExportFile(content, CSV, filename)
    if name == "name-cards.csv":
        content = _written(lambda p: write_csv(p, CARD_HEADER, card_rows(plan)))
        return ExportFile(content, CSV, filename)
    if name == "pairing.xlsx":
        return ExportFile(_written(lambda p: write_xlsx(plan, p)), XLSX, filename)
    if name == "table-plan.html":
        return printed(table_plan_html(plan), filename)
    if name == "agendas.html":  # the organiser's print: with the counterparts' contacts
        return printed(agenda_html(plan, contacts=True, checkin=checkin), filename)
    if name == "table-cards.html":
        return printed(table_cards_html(plan), filename)
    if name == "name-cards.html":
        return printed(name_cards_html(plan, checkin), filename)
    raise NotFoundError(f"没有导出文件「{name}」，可选：{'、'.join(EXPORT_NAMES)}")


def participant_template() -> ExportFile:
    """The participant file to fill in (XLSX: 参会方 with an example row, 填写说明)."""
    return ExportFile(_written(write_participant_template), XLSX, "参会方模板.xlsx")


def export(
    state: ServiceState,
    event_id: str,
    name: str,
    actor: int | None,
    checkin_of: CheckInOf | None = None,
) -> ExportFile:
    """A whole-event export, audited."""
    plan = state.events.load(event_id)
    file = render_export(plan, name, checkin_of(plan) if checkin_of else None)
    state.audit.record(actor, "export", "event", event_id, name)
    return file


def agenda(
    state: ServiceState,
    key: ApiKey,
    event_id: str,
    participant_id: str,
    fmt: str,
    checkin_of: CheckInOf | None = None,
) -> ExportFile:
    """One participant's agenda as printable HTML (with its QR code when `checkin_of` is
    given) or iCalendar, checked and audited."""
    plan = state.events.load(event_id)
    ensure_agenda_access(key, plan, participant_id)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in participant_id)
    filename = f"{plan.event.id}-{safe}.{fmt}"
    if fmt == "ics":
        file = ExportFile(agenda_ics(plan, participant_id).encode(), ICS, filename)
    else:
        contacts = is_staff(key) or plan.published  # counterparts' contacts once published
        checkin = checkin_of(plan) if checkin_of else None
        page = agenda_html(plan, participant_id, contacts=contacts, checkin=checkin)
        file = printed(page, filename)
    state.audit.record(key.id, "export", "event", event_id, f"日程 {participant_id}.{fmt}")
    return file


def _pydantic(error: ValidationError) -> str:
    return "；".join(
        f"{e['loc'][0] if e['loc'] else ''}：{translate_error(e)}" for e in error.errors()
    )
