"""活动当天: check-in by QR code, no-show marking, re-pairing of freed slots, the venue board.

Staff only. Changes take the version read where people edit (`If-Match`, see
`service.versions`); a check-in is idempotent and needs none. `now` (ISO time, Beijing) sets
the clock that decides the slot now running, for rehearsals and tests."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from matcher.errors import InvalidValue
from service import event_day
from service.deps import StaffKey, State
from service.schemas.common import ERROR_RESPONSES
from service.schemas.event_day import (
    AbsentBody,
    BoardPublic,
    CheckInBody,
    CheckInPublic,
    MarkBody,
    RepairBody,
    RepairPublic,
)
from service.versions import IfMatch, expected_version, tagged

router = APIRouter(prefix="/events", tags=["对接活动"], responses=ERROR_RESPONSES)

EventId = Annotated[str, Path(min_length=1, max_length=64, description="活动编号")]
NOW_PATTERN = (
    r"^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
)
NOW_DESCRIPTION = "按此时间（北京时间，如 2026-12-03T09:30）确定当前时段；空为现在"
Now = Annotated[str | None, Query(pattern=NOW_PATTERN, description=NOW_DESCRIPTION)]


def clock(now: str | None) -> dt.datetime | None:
    """The `now` parameter as a Beijing wall-clock time (`InvalidValue` when no such time)."""
    if now is None:
        return None
    try:
        return dt.datetime.fromisoformat(now)
    except ValueError:
        raise InvalidValue([("now", f"无法识别的时间「{now}」，应如 2026-12-03T09:30")]) from None


@router.post("/{event_id}/checkin", response_model=CheckInPublic, summary="签到")
def check_in(
    event_id: EventId, body: CheckInBody, state: State, key: StaffKey, response: Response
) -> CheckInPublic:
    """按签到码（扫码或输入）或参会方编号签到；重复签到不改变首次签到时间（newly 为 false）。
    签到码不属于本活动任何参会方时为 404。"""
    result = event_day.check_in_code(state, event_id, key.id, body.code, body.participant_id)
    tagged(response, result.version)
    return result


@router.post("/{event_id}/day/mark", response_model=RepairPublic, summary="标记会谈举行或缺席")
def mark_meeting(
    event_id: EventId, body: MarkBody, state: State, key: StaffKey, response: Response,
    if_match: IfMatch = None,
) -> RepairPublic:  # fmt: skip
    """held 已举行、no_show 缺席（absent 列出缺席方，空为双方）、planned 恢复为待进行。"""
    plan = event_day.mark(
        state, event_id, body.a, body.b, body.status, body.absent, key.id,
        expected_version(if_match),
    )  # fmt: skip
    tagged(response, plan.version)
    return RepairPublic(from_slot=0, meetings=[], version=plan.version)


@router.post("/{event_id}/day/absent", response_model=RepairPublic, summary="标记参会方缺席")
def mark_absent(
    event_id: EventId, body: AbsentBody, state: State, key: StaffKey, response: Response,
    now: Now = None, if_match: IfMatch = None,
) -> RepairPublic:  # fmt: skip
    """参会方当天缺席：从 from_slot（空为当前时段）起其待进行的会谈记为缺席，空出的时段可补排。"""
    plan = event_day.absent(
        state, event_id, body.participant_id, key.id, body.from_slot, clock(now),
        expected_version(if_match),
    )  # fmt: skip
    tagged(response, plan.version)
    return RepairPublic(from_slot=body.from_slot or 0, meetings=[], version=plan.version)


@router.get("/{event_id}/day/repair", response_model=RepairPublic, summary="补排空档方案")
def repair_proposal(
    event_id: EventId, state: State, key: StaffKey, response: Response, now: Now = None
) -> RepairPublic:
    """在当前及以后时段空出的桌位，为已签到的参会方补排新会谈，不移动任何已有会谈。"""
    proposal = event_day.propose(state, event_id, clock(now))
    tagged(response, proposal.version)
    return proposal


@router.post("/{event_id}/day/repair", response_model=RepairPublic, summary="确认补排空档")
def repair_confirm(
    event_id: EventId, body: RepairBody, state: State, key: StaffKey, response: Response,
    if_match: IfMatch = None,
) -> RepairPublic:  # fmt: skip
    """按生成方案时的版本（If-Match，必填）与时段起点确认；活动已变化时为 409，请重新生成。"""
    expected = expected_version(if_match)
    if expected is None:
        raise InvalidValue([("If-Match", "请给出生成方案时的版本")], location="header")
    result = event_day.confirm(state, event_id, body.from_slot, expected, key.id)
    tagged(response, result.version)
    return result


@router.get("/{event_id}/board", response_model=BoardPublic, summary="会场大屏")
def board(event_id: EventId, state: State, key: StaffKey, now: Now = None) -> BoardPublic:
    """当前（或即将开始的）时段与下一时段，按桌号排列，以及签到人数。"""
    return event_day.board(state.events.load(event_id), clock(now))
