"""临时调整: removing participants (with restore), editing event settings, the restore list.

Each change accepts the version the caller read as `If-Match` (409 when it has moved on)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from matcher.events.model import EventPlan
from service import event_changes
from service.deps import StaffKey, State
from service.schemas.common import ERROR_RESPONSES
from service.schemas.event_changes import ChangeResult, EventSettings, RestoreItem
from service.schemas.events import EventDetail, MeetingPair
from service.versions import IfMatch, expected_version, tagged

router = APIRouter(prefix="/events", tags=["对接活动"], responses=ERROR_RESPONSES)

EventId = Annotated[str, Path(min_length=1, max_length=64, description="活动编号")]
ParticipantId = Annotated[
    str, Path(min_length=1, max_length=200, description="参会方编号（企业编号、U:高校、B:银行）")
]
Index = Annotated[int, Path(ge=0, le=100_000, description="恢复列表中的序号（从 0 开始）")]


def _result(done: tuple[EventPlan, str], response: Response) -> ChangeResult:
    plan, message = done
    tagged(response, plan.version)
    detail = EventDetail.of(plan)
    return ChangeResult(message=message, event=detail, restore=RestoreItem.listed(plan))


@router.get("/{event_id}/restore", response_model=list[RestoreItem], summary="可恢复的删除")
def restore_list(event_id: EventId, state: State, key: StaffKey) -> list[RestoreItem]:
    """组织方删除的参会方和会谈，可逐项恢复。"""
    return RestoreItem.listed(state.events.load(event_id))


@router.post("/{event_id}/restore/{index}", response_model=ChangeResult, summary="恢复删除")
def restore(
    event_id: EventId, index: Index, state: State, key: StaffKey, response: Response,
    if_match: IfMatch = None,
) -> ChangeResult:  # fmt: skip
    """恢复第 index 项：参会方按原设置回到活动；会谈仅在原时段与桌号仍空闲时回到原位，
    否则为未排入并说明原因。"""
    expected = expected_version(if_match)
    return _result(event_changes.bring_back(state, event_id, index, key.id, expected), response)


@router.delete(
    "/{event_id}/participants/{participant_id}", response_model=ChangeResult,
    summary="删除参会方",
)  # fmt: skip
def remove_participant(
    event_id: EventId, participant_id: ParticipantId, state: State, key: StaffKey,
    response: Response, if_match: IfMatch = None,
) -> ChangeResult:  # fmt: skip
    """删除参会方及其会谈，放入可恢复的删除。"""
    expected = expected_version(if_match)
    done = event_changes.drop_participant(state, event_id, participant_id, key.id, expected)
    return _result(done, response)


@router.post("/{event_id}/removals", response_model=ChangeResult, summary="删除会谈（可恢复）")
def remove_meeting(
    event_id: EventId, body: MeetingPair, state: State, key: StaffKey, response: Response,
    if_match: IfMatch = None,
) -> ChangeResult:  # fmt: skip
    """删除 a 与 b 的会谈，放入可恢复的删除；恢复之前该配对不会再被安排。"""
    expected = expected_version(if_match)
    done = event_changes.drop_meeting(state, event_id, body.a, body.b, key.id, expected)
    return _result(done, response)


@router.put("/{event_id}/settings", response_model=ChangeResult, summary="修改活动设置")
def edit_settings(
    event_id: EventId, body: EventSettings, state: State, key: StaffKey, response: Response,
    if_match: IfMatch = None,
) -> ChangeResult:  # fmt: skip
    """修改名称、日期、地点、时段、桌数、每方至少会谈、公平性、意向方式、邀请有效期、
    同单位共用日程、提醒时间。场次或桌数少于已排会谈所用时返回 422（指明字段），
    除非 unschedule=true。"""
    expected = expected_version(if_match)
    event = body.to_event(event_id)
    done = event_changes.edit_settings(state, event_id, event, body.unschedule, key.id, expected)
    return _result(done, response)
