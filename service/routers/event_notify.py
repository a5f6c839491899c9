"""通知与会后问卷: the outbox (email by SMTP, webhook), reminders, post-meeting surveys.

Staff send an event's notices (invitation, preferences open, provisional and final agenda),
list its outbox with each recipient's status, resend failed or unknown messages, and run a
dispatch (due reminders, surveys and change notices, then every pending message) at once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path

from service import outbox
from service.deps import StaffKey, State
from service.schemas.common import ERROR_RESPONSES
from service.schemas.event_notify import (
    DispatchResult,
    MessagePublic,
    NotifyResult,
    ResendBody,
    ResendResult,
)
from storage.models import utc_now
from storage.outbox import OutboxStore

router = APIRouter(prefix="/events", tags=["对接活动"], responses=ERROR_RESPONSES)

EventId = Annotated[str, Path(min_length=1, max_length=64, description="活动编号")]
Kind = Annotated[
    Literal["invitation", "preferences_open", "provisional_agenda", "final_agenda"],
    Path(description="invitation 参会邀请、preferences_open 意向征集开始、"
                     "provisional_agenda 预排日程、final_agenda 正式日程（须已发布）"),
]  # fmt: skip


def _known(state: State, event_id: str) -> None:
    state.events.load(event_id)  # NotFoundError (404) for an unknown event


@router.get(
    "/{event_id}/notifications", response_model=list[MessagePublic], summary="活动的发送队列"
)
def list_notifications(event_id: EventId, state: State, key: StaffKey) -> list[MessagePublic]:
    """本活动的全部通知，每个参会方、每个渠道一条，附状态、发送次数与失败原因。"""
    _known(state, event_id)
    return [MessagePublic.of(m) for m in OutboxStore(state.engine).messages(event_id)]


@router.post(
    "/{event_id}/notifications/dispatch", response_model=DispatchResult, summary="立即发送"
)
def dispatch_notifications(event_id: EventId, state: State, key: StaffKey) -> DispatchResult:
    """加入到期的会前提醒、会后问卷与会谈变更通知，然后发送本活动全部待发送的消息。"""
    _known(state, event_id)
    done = outbox.dispatch(state, utc_now(), event_id)
    return DispatchResult(**done.__dict__, message=done.notice())


@router.post(
    "/{event_id}/notifications/resend", response_model=ResendResult, summary="重发失败的消息"
)
def resend_notifications(
    event_id: EventId, body: ResendBody, state: State, key: StaffKey
) -> ResendResult:
    """把发送失败或状态未知（发送中断）的消息重新加入队列，下次发送时发出。"""
    _known(state, event_id)
    ids = None if body.ids is None else set(body.ids)
    return ResendResult(resent=OutboxStore(state.engine).resend(event_id, ids))


@router.post("/{event_id}/notifications/{kind}", response_model=NotifyResult, summary="发送通知")
def send_notice(event_id: EventId, kind: Kind, state: State, key: StaffKey) -> NotifyResult:
    """给每个参会方（有邮箱的发邮件，有电话的经短信 / 微信网关）加入一条通知；
    已加入过的不会重复加入。正式日程须先发布。"""
    done = outbox.notify(state, event_id, kind, key.id)
    return NotifyResult(
        kind=done.kind, added=done.added, recipients=done.recipients,
        without_contact=done.without_contact, message=done.notice(),
    )  # fmt: skip
