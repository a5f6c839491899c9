"""对接活动: create events, add participants, pair and schedule, adjust, publish, export; and
each participant's own agenda once the event is published.

Every response with an event carries its version (`ETag`, and `version` in the body); the
changes made here (participants, meetings, publishing, deleting) accept it back as
`If-Match` (see `service.versions`)."""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, File, Path, Response, UploadFile
from fastapi.responses import JSONResponse

from matcher.errors import IngestError
from matcher.events.model import EventPlan, Participant
from service import event_day, event_jobs, event_plans
from service.auth import ROLE_LABELS
from service.deps import CurrentKey, StaffKey, State
from service.errors import forbidden, ingest_error_response
from service.routers.crud import new_id
from service.routers.jobs import Wait, accepted, finished
from service.schemas.common import ERROR_RESPONSES, UPLOAD_RESPONSES
from service.schemas.events import (
    AgendaPublic,
    EventCreate,
    EventDetail,
    EventSummary,
    MeetingPair,
    ParticipantPublic,
    ParticipantsAdd,
    ParticipantsAdded,
    PublishBody,
)
from service.schemas.jobs import JobAccepted
from service.uploads import safe_name, save_upload
from service.versions import IfMatch, expected_version, tagged
from storage.keys import ApiKey

router = APIRouter(prefix="/events", tags=["对接活动"], responses=ERROR_RESPONSES)

EventId = Annotated[str, Path(min_length=1, max_length=64, description="活动编号")]
ParticipantId = Annotated[
    str, Path(min_length=1, max_length=200, description="参会方编号（企业编号、U:高校、B:银行）")
]
Action = Annotated[
    Literal["lock", "unlock", "remove", "must-meet"],
    Path(description="lock 锁定（保留时段与桌号）、unlock 解锁、remove 删除（不再安排）、"
                     "must-meet 指定必见（下次生成时安排）"),
]  # fmt: skip
ExportName = Annotated[
    Literal[
        "pairing.csv",
        "pairing.xlsx",
        "table-plan.html",
        "agendas.html",
        "name-cards.csv",
        "table-cards.html",
        "name-cards.html",
    ],
    Path(description="导出文件"),
]
UPLOAD_DESCRIPTION = (
    "CSV / XLSX / JSONL，列：类型、编号或名称、角色、最多会谈、可参加时段（从 1 开始）、"
    "必见、不见、优先级"
)
FILE_RESPONSES = {
    200: {
        "content": {"text/csv": {}, "text/html": {}, "text/calendar": {}, event_plans.XLSX: {}},
        "description": "导出文件",
    }
}


def _file(file: event_plans.ExportFile) -> Response:
    headers = {"Content-Disposition": file.disposition()}
    if file.csp:
        headers["Content-Security-Policy"] = file.csp
    return Response(file.content, media_type=file.media_type, headers=headers)


def _detail(plan: EventPlan, response: Response) -> EventDetail:
    tagged(response, plan.version)
    return EventDetail.of(plan)


def _added(plan: EventPlan, added: list[Participant]) -> ParticipantsAdded:
    detail = EventDetail.of(plan)
    ids = {p.id for p in added}
    shown: list[ParticipantPublic] = [p for p in detail.participants if p.id in ids]
    return ParticipantsAdded(added=len(added), total=len(plan.participants), participants=shown)


@router.get("", response_model=list[EventSummary], summary="对接活动列表")
def list_events(state: State, key: CurrentKey) -> list[EventSummary]:
    """组织方看到全部活动；企业、银行、高校账号只看到自己参加且已发布日程的活动。"""
    return [EventSummary.of(plan) for plan in event_plans.visible_events(state, key)]


@router.post("", response_model=EventDetail, status_code=201, summary="新建对接活动")
def create_event(body: EventCreate, state: State, key: StaffKey, response: Response) -> EventDetail:
    """按日期、开始时间、场次、每场分钟数和场间休息生成时段；编号不填时自动生成。"""
    plan = event_plans.create_event(state, body.to_event(body.id or new_id("EV")), key.id)
    return _detail(plan, response)


@router.get(
    "/templates/participants.xlsx", summary="下载参会方模板", response_class=Response,
    responses={200: {"content": {event_plans.XLSX: {}}, "description": "参会方模板（XLSX）"}},
)  # fmt: skip
def participant_template(key: StaffKey) -> Response:
    """参会方文件模板：中文列名与一行示例；第二张表「填写说明」列出每列是否必填、可填写的值
    （如可参加时段「1、2、3」或区间「5-8」）。"""
    return _file(event_plans.participant_template())


@router.get("/{event_id}", response_model=EventDetail, summary="查看对接活动")
def get_event(event_id: EventId, state: State, key: StaffKey, response: Response) -> EventDetail:
    """活动设置、参会方、会谈（按时段和桌号排序，附理由与双方意愿）、未满足与未排入的原因。
    响应头 ETag 为活动的版本，修改时可在 If-Match 中给出。"""
    return _detail(state.events.load(event_id), response)


@router.delete("/{event_id}", status_code=204, summary="删除对接活动")
def delete_event(
    event_id: EventId, state: State, key: StaffKey, if_match: IfMatch = None
) -> Response:
    """删除活动及其全部配对与日程。"""
    event_plans.delete_event(state, event_id, key.id, expected_version(if_match))
    return Response(status_code=204)


@router.post("/{event_id}/participants", response_model=ParticipantsAdded, summary="添加参会方")
def add_participants(
    event_id: EventId,
    body: ParticipantsAdd,
    state: State,
    key: StaffKey,
    response: Response,
    if_match: IfMatch = None,
) -> ParticipantsAdded:
    """逐个列出参会方，和/或按活动的产业链自动选取（by_chain）；同编号的参会方会被替换。
    企业按编号，高校、银行按名称；不存在的会逐项列出，且不添加任何参会方。"""
    specs = [p.model_dump(exclude_none=True) for p in body.participants]
    builders = [event_plans.from_specs(specs)]
    if body.by_chain:
        builders.append(event_plans.by_chain(body.by_chain))
    build = event_plans.combined(*builders)
    expected = expected_version(if_match)
    plan, added = event_plans.add_to_event(state, event_id, build, key.id, expected)
    tagged(response, plan.version)
    return _added(plan, added)


@router.post(
    "/{event_id}/participants/upload", response_model=ParticipantsAdded, summary="上传参会方文件",
    responses=UPLOAD_RESPONSES,
)  # fmt: skip
def upload_participants(
    event_id: EventId,
    state: State,
    key: StaffKey,
    response: Response,
    file: Annotated[UploadFile, File(description=UPLOAD_DESCRIPTION)],
    if_match: IfMatch = None,
) -> ParticipantsAdded | Response:
    """有问题的行逐行列出（行号、原因），此时不添加任何参会方。"""
    expected = expected_version(if_match)
    name = safe_name(file.filename)
    with tempfile.TemporaryDirectory(prefix="matcher-upload-") as folder:
        path = FilePath(folder) / name
        save_upload(file, path, state.settings.upload_max_mb)
        try:
            plan, added = event_plans.add_to_event(
                state, event_id, event_plans.from_file(path, name), key.id, expected
            )
        except IngestError as error:
            return ingest_error_response(error)
    tagged(response, plan.version)
    return _added(plan, added)


def _generate(
    event_id: str, verb: str, state: State, key: ApiKey, wait: bool, response: Response
) -> JobAccepted | JSONResponse:
    if wait:
        return finished(EventDetail.of(event_jobs.generate(state, event_id, verb, key.id)))
    return accepted(event_jobs.start(state, event_id, verb, key.id), response)


GENERATED = {200: {"model": EventDetail, "description": "wait=true：完成后的活动"}}


@router.post(
    "/{event_id}/pair", response_model=JobAccepted, status_code=202, summary="生成配对",
    responses=GENERATED,
)  # fmt: skip
def pair(
    event_id: EventId, state: State, key: StaffKey, response: Response, wait: Wait = False
) -> JobAccepted | JSONResponse:
    """双向候选 + 精确的容量约束匹配：锁定的会谈保留，删除过的配对不再出现，必见的一定安排。
    在后台执行：返回 202 与任务地址（Location），完成后活动详情中有会谈、会谈少于期望的参会方
    及原因、总分；精确求解超时时采用可行方案并在 pairing_note 中说明。"""
    return _generate(event_id, "pair", state, key, wait, response)


@router.post(
    "/{event_id}/schedule", response_model=JobAccepted, status_code=202, summary="排程",
    responses=GENERATED,
)  # fmt: skip
def schedule(
    event_id: EventId, state: State, key: StaffKey, response: Response, wait: Wait = False
) -> JobAccepted | JSONResponse:
    """为每场会谈分配时段和桌号（锁定的会谈保留原位）；排不进的列出原因。在后台执行（202）；
    精确排程未在时限内完成时采用可行的排程，并在 schedule_note 中说明。"""
    return _generate(event_id, "schedule", state, key, wait, response)


@router.post(
    "/{event_id}/regenerate", response_model=JobAccepted, status_code=202,
    summary="重新生成配对与日程", responses=GENERATED,
)  # fmt: skip
def regenerate(
    event_id: EventId, state: State, key: StaffKey, response: Response, wait: Wait = False
) -> JobAccepted | JSONResponse:
    """重新配对并排程：锁定的会谈保留时段与桌号，删除过的配对不再出现。在后台执行（202）。"""
    return _generate(event_id, "regenerate", state, key, wait, response)


@router.post("/{event_id}/meetings/{action}", response_model=EventDetail, summary="调整会谈")
def adjust(
    event_id: EventId,
    action: Action,
    body: MeetingPair,
    state: State,
    key: StaffKey,
    response: Response,
    if_match: IfMatch = None,
) -> EventDetail:
    """锁定、解锁或删除 a 与 b 的会谈，或指定两者必见；删除和必见在重新生成后生效。
    总是作用于当前的活动（多人同时调整不会互相覆盖）。"""
    expected = expected_version(if_match)
    plan = event_plans.adjust(state, event_id, action, body.a, body.b, key.id, expected)
    return _detail(plan, response)


@router.post("/{event_id}/publish", response_model=EventDetail, summary="发布日程")
def publish(
    event_id: EventId,
    state: State,
    key: StaffKey,
    response: Response,
    body: PublishBody | None = None,
    if_match: IfMatch = None,
) -> EventDetail:
    """发布后，参会的企业、银行、高校账号可以查看并下载自己的日程；published=false 撤回。"""
    published = body.published if body else True
    expected = expected_version(if_match)
    plan = event_plans.publish(state, event_id, published, key.id, expected)
    return _detail(plan, response)


@router.get(
    "/{event_id}/export/{name}", summary="导出活动文件", response_class=Response,
    responses=FILE_RESPONSES,
)  # fmt: skip
def export(event_id: EventId, name: ExportName, state: State, key: StaffKey) -> Response:
    """配对清单（CSV；XLSX 含配对清单、桌位图、席卡）、桌位图与全部日程（可打印的 HTML，
    A4）、桌卡与席卡（可打印的 HTML，每张 A4 两份，沿虚线裁开）、席卡（CSV）。"""
    checkin = partial(event_day.checkin_for, state)  # QR codes on agendas and name cards
    return _file(event_plans.export(state, event_id, name, key.id, checkin))


def _agenda(state: State, key: ApiKey, event_id: str, participant_id: str, fmt: str) -> Response:
    checkin = partial(event_day.checkin_for, state)
    return _file(event_plans.agenda(state, key, event_id, participant_id, fmt, checkin))


@router.get(
    "/{event_id}/agenda/{participant_id}.html", summary="参会方日程（HTML）",
    response_class=Response, responses=FILE_RESPONSES,
)  # fmt: skip
def agenda_html(
    event_id: EventId, participant_id: ParticipantId, state: State, key: CurrentKey
) -> Response:
    """可打印的日程；组织方可看任何参会方，参会方只能看自己的，且须活动已发布。"""
    return _agenda(state, key, event_id, participant_id, "html")


@router.get(
    "/{event_id}/agenda/{participant_id}.ics", summary="参会方日程（日历文件）",
    response_class=Response, responses=FILE_RESPONSES,
)  # fmt: skip
def agenda_ics(
    event_id: EventId, participant_id: ParticipantId, state: State, key: CurrentKey
) -> Response:
    """iCalendar 文件（北京时间），每场会谈一项；权限同 HTML 日程。"""
    return _agenda(state, key, event_id, participant_id, "ics")


def _own(key: ApiKey) -> str:
    own = event_plans.participant_id_of(key)
    if own is None:
        raise forbidden(f"{ROLE_LABELS[key.role]}账号不是参会方，没有自己的日程")
    return own


@router.get("/{event_id}/my-agenda", response_model=AgendaPublic, summary="我的日程")
def my_agenda(event_id: EventId, state: State, key: CurrentKey) -> AgendaPublic:
    """企业、银行、高校账号在已发布活动中的会谈日程（时段、桌号、对接方、理由）。"""
    own = _own(key)
    plan = state.events.load(event_id)
    event_plans.ensure_agenda_access(key, plan, own)
    return AgendaPublic.of(plan, own)


@router.get(
    "/{event_id}/my-agenda.ics", summary="我的日程（日历文件）", response_class=Response,
    responses=FILE_RESPONSES,
)  # fmt: skip
def my_agenda_ics(event_id: EventId, state: State, key: CurrentKey) -> Response:
    """本单位日程的 iCalendar 文件，可导入手机或电脑日历。"""
    return _agenda(state, key, event_id, _own(key), "ics")
