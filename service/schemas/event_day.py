"""Event day models: check-in, meeting marks, re-pairing of freed places, the venue board."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from matcher.events.model import SLOTS_MAX
from service.schemas.common import ApiModel

ParticipantKey = Annotated[str, Field(min_length=1, max_length=200)]
SlotIndex = Annotated[int, Field(ge=0, le=SLOTS_MAX)]


class CheckInBody(ApiModel):
    """签到：扫描或输入签到码，或直接给出参会方编号（二选一）"""

    code: str | None = Field(
        None, min_length=1, max_length=64, pattern=r"^\s*[0-9A-Fa-f]{12}\s*$",
        description="签到码（12 位）", examples=["3f9a0c1d2b4e"],
    )  # fmt: skip
    participant_id: ParticipantKey | None = Field(
        None, description="参会方编号", examples=["E0001"]
    )


class CheckInPublic(BaseModel):
    """签到结果与签到统计"""

    participant_id: str = Field(description="参会方编号")
    name: str = Field(description="参会方名称")
    newly: bool = Field(description="本次新签到（否：此前已签到）")
    at: dt.datetime = Field(description="签到时间")
    checked_in: int = Field(description="已签到人数")
    expected: int = Field(description="应到人数")
    version: int = Field(description="活动版本")


class MarkBody(ApiModel):
    """标记一场会谈：已举行、缺席（列出缺席的一方或双方）或恢复为待进行"""

    a: ParticipantKey = Field(description="会谈一方")
    b: ParticipantKey = Field(description="会谈另一方")
    status: Literal["held", "no_show", "planned"] = Field(description="held 已举行、no_show 缺席")
    absent: list[ParticipantKey] = Field(
        default_factory=list, max_length=2, description="缺席方（缺席时；空为双方）"
    )


class AbsentBody(ApiModel):
    """标记参会方当天缺席：其此后的会谈均记为缺席，空出的时段可补排"""

    participant_id: ParticipantKey = Field(description="参会方编号")
    from_slot: SlotIndex | None = Field(None, description="从第几个时段起（从0开始）；空为当前")


class DayMeeting(BaseModel):
    """一场补排的会谈"""

    a: str = Field(description="需求方")
    b: str = Field(description="供给方")
    a_name: str = Field(description="需求方名称")
    b_name: str = Field(description="供给方名称")
    slot: int = Field(description="时段序号")
    slot_label: str = Field(description="时段")
    table: int = Field(description="桌号")
    score: float = Field(description="匹配度")


class RepairPublic(BaseModel):
    """补排空档：方案或已确认的会谈"""

    from_slot: int = Field(description="从第几个时段起补排")
    meetings: list[DayMeeting] = Field(description="补排的会谈")
    version: int = Field(description="生成方案时（或确认后）的活动版本")


class RepairBody(ApiModel):
    """确认补排方案：给出生成方案时的时段起点，版本放在 If-Match"""

    from_slot: SlotIndex = Field(description="生成方案时的时段起点")


class BoardMeeting(BaseModel):
    """大屏上的一桌"""

    table: int = Field(description="桌号")
    a_name: str = Field(description="一方")
    b_name: str = Field(description="另一方")
    status: str = Field(description="状态（中文）")


class BoardSlot(BaseModel):
    """大屏上的一个时段"""

    index: int = Field(description="时段序号")
    label: str = Field(description="时段")
    meetings: list[BoardMeeting] = Field(description="按桌号排列的会谈")


class BoardPublic(BaseModel):
    """会场大屏：当前与下一时段"""

    event_id: str = Field(description="活动编号")
    name: str = Field(description="活动名称")
    now: dt.datetime = Field(description="大屏时间（北京时间）")
    current: BoardSlot | None = Field(description="当前时段")
    next: BoardSlot | None = Field(description="下一时段")
    checked_in: int = Field(description="已签到人数")
    expected: int = Field(description="应到人数")
