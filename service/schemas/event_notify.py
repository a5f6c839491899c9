"""Notification models: the outbox messages of an event, sending a notice, resending, and
what a dispatch did."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from service.notify_texts import KIND_LABELS
from service.schemas.common import ApiModel
from storage.outbox import OutboxMessage

STATUS_LABELS: dict[str, str] = {
    "pending": "待发送",
    "sending": "发送中",
    "sent": "已发送",
    "failed": "发送失败",
    "unknown": "状态未知",
}
MessageId = Annotated[int, Field(ge=1, le=2**31 - 1)]  # an INTEGER column


class MessagePublic(BaseModel):
    """发送队列中的一条消息（一个参会方、一个渠道）"""

    id: int = Field(description="消息编号", examples=[12])
    kind: str = Field(description="类型", examples=["final_agenda"])
    kind_label: str = Field(description="类型（中文）", examples=["正式日程"])
    participant_id: str = Field(description="参会方编号", examples=["E0000123"])
    channel: str = Field(
        description="渠道：email 邮件、webhook 短信 / 微信网关", examples=["email"]
    )
    address: str = Field(description="收件地址：邮箱或电话", examples=["li@example.cn"])
    subject: str = Field(description="标题", examples=["人工智能产业链对接会：正式日程"])
    status: str = Field(
        description="状态：pending 待发送、sending 发送中、sent 已发送、failed 发送失败、"
        "unknown 发送中断（是否送达未知，需手动重发）",
        examples=["sent"],
    )
    status_label: str = Field(description="状态（中文）", examples=["已发送"])
    attempts: int = Field(description="发送次数", examples=[1])
    error: str | None = Field(description="失败原因", examples=[None])
    created_at: dt.datetime = Field(description="加入队列时间")
    sent_at: dt.datetime | None = Field(description="发送时间")

    @classmethod
    def of(cls, message: OutboxMessage) -> MessagePublic:
        return cls(
            id=message.id, kind=message.kind, kind_label=KIND_LABELS.get(message.kind, ""),
            participant_id=message.participant_id, channel=message.channel,
            address=message.address, subject=message.subject, status=message.status,
            status_label=STATUS_LABELS.get(message.status, message.status),
            attempts=message.attempts, error=message.error, created_at=message.created_at,
            sent_at=message.sent_at,
        )  # fmt: skip


class NotifyResult(BaseModel):
    """发送通知的结果"""

    kind: str = Field(description="通知类型", examples=["final_agenda"])
    added: int = Field(description="新加入队列的消息数（已发过的不会重复加入）", examples=[40])
    recipients: int = Field(description="参会方数", examples=[20])
    without_contact: list[str] = Field(description="没有邮箱或电话、未能通知的参会方名称")
    message: str = Field(description="中文说明")


class DispatchResult(BaseModel):
    """一次发送的结果"""

    reminders: int = Field(description="新加入的会前提醒数", examples=[4])
    surveys: int = Field(description="新加入的会后问卷数", examples=[4])
    changes: int = Field(description="新加入的会谈变更通知数", examples=[0])
    sent: int = Field(description="发送成功数", examples=[8])
    failed: int = Field(description="发送失败数", examples=[0])
    unknown: int = Field(description="发送中断、状态未知的消息数", examples=[0])
    message: str = Field(description="中文说明")


class ResendBody(ApiModel):
    """重发失败或状态未知的消息"""

    ids: list[MessageId] | None = Field(
        None,
        max_length=10000,
        description="要重发的消息编号；不填为本活动全部失败与状态未知的消息",
        examples=[[12, 13]],
    )


class ResendResult(BaseModel):
    """重发的结果"""

    resent: int = Field(description="重新加入队列的消息数", examples=[2])
