"""临时调整 models: editing an event's settings, removing a participant, the restore list."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from matcher.events.model import ChoiceMode, Event, EventPlan, ExpiryHours, ReminderMinutes
from service.schemas.events import EventCreate, EventDetail


class EventSettings(EventCreate):
    """修改活动设置：与新建时相同的字段，另有意向方式、邀请有效期、同单位共用日程、提醒时间；
    场次或桌数少于已排会谈所用时，需 unschedule=true（取消超出部分会谈的排程）"""

    choice_mode: ChoiceMode = Field("picks", description="意向方式：picks 标记、requests 邀请")
    request_expiry_hours: ExpiryHours = Field(48, description="会谈邀请有效小时数", examples=[48])
    shared_schedule: bool = Field(True, description="同一单位的多位代表共用一份日程")
    reminder_minutes: ReminderMinutes = Field(15, description="会谈前多少分钟提醒", examples=[15])
    unschedule: bool = Field(False, description="场次或桌数减少时，取消超出部分会谈的排程")

    def to_event(self, event_id: str) -> Event:
        """The edited event (its id stays `event_id`; a given `id` is ignored)."""
        event = super().to_event(event_id)
        return event.model_copy(
            update={
                "choice_mode": self.choice_mode,
                "request_expiry_hours": self.request_expiry_hours,
                "shared_schedule": self.shared_schedule,
                "reminder_minutes": self.reminder_minutes,
            }
        )


class RestoreItem(BaseModel):
    """可恢复的一项删除"""

    index: int = Field(description="序号（恢复时使用）")
    what: str = Field(description="participant 参会方或 meeting 会谈")
    label: str = Field(description="说明")
    removed: dt.datetime = Field(description="删除时间（UTC）")

    @classmethod
    def listed(cls, plan: EventPlan) -> list[RestoreItem]:
        return [
            cls(index=i, what=e.what, label=e.label, removed=e.removed)
            for i, e in enumerate(plan.restore)
        ]


class ChangeResult(BaseModel):
    """调整结果：说明与调整后的活动"""

    message: str = Field(description="做了什么")
    event: EventDetail = Field(description="改动后的活动")
    restore: list[RestoreItem] = Field(default_factory=list, description="可恢复的删除")
