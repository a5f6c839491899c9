"""Participant choice models: the event's phase, a participant's recommended counterparts,
picks and meeting requests, and the organiser's overview of who has chosen."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from matcher.events.choosing import MAX_MUST, Answer
from matcher.events.model import ChoiceMode, ExpiryHours, Phase, Pick, RequestStatus
from service.schemas.common import ApiModel
from service.schemas.events import AgendaPublic

ParticipantKey = Annotated[str, Field(min_length=1, max_length=200)]


class PhaseBody(ApiModel):
    """把活动移到某一阶段（可前进或后退），并可同时修改意向方式与邀请有效期"""

    phase: Phase = Field(
        description="registration 报名、preferences 意向征集、provisional 日程预排（须已排程）、"
        "published 日程发布（参会方可看正式日程）、event_day 活动当天、closed 已结束",
        examples=["preferences"],
    )
    choice_mode: ChoiceMode | None = Field(
        None, description="picks 标记必见 / 想见 / 不见；requests 发送会谈邀请", examples=["picks"]
    )
    request_expiry_hours: ExpiryHours | None = Field(
        None, description="会谈邀请多少小时内未答复即过期（1–720）", examples=[48]
    )


class PhasePublic(BaseModel):
    """活动所处阶段与意向设置"""

    event_id: str = Field(description="活动编号", examples=["EV5A1B2C3D4E5F"])
    phase: Phase = Field(description="阶段", examples=["preferences"])
    phase_label: str = Field(description="阶段（中文）", examples=["意向征集"])
    published: bool = Field(description="参会方是否可看正式日程", examples=[False])
    choice_mode: ChoiceMode = Field(description="意向方式", examples=["picks"])
    request_expiry_hours: int = Field(description="邀请有效小时数", examples=[48])
    version: int = Field(description="版本（同 ETag）", examples=[3])


class PicksBody(ApiModel):
    """一个参会方的全部意向（替换原有意向）：对方编号 → must 必见 / want 想见 / no 不见"""

    picks: dict[ParticipantKey, Pick] = Field(
        max_length=200,
        description=f"最多 200 项，其中必见最多 {MAX_MUST} 项；对方须是本活动的参会方",
        examples=[{"U:青岛大学": "must", "E0000456": "no"}],
    )


class RequestBody(ApiModel):
    """向另一参会方发出会谈邀请"""

    recipient: ParticipantKey = Field(description="对方的参会方编号", examples=["U:青岛大学"])
    message: str = Field(
        "",
        max_length=500,
        description="附言（最多 500 字）",
        examples=["想了解贵校的电池热管理成果"],
    )


class AnswerBody(ApiModel):
    """答复收到的邀请（accept 接受、decline 谢绝），或撤回自己发出的邀请（withdraw）"""

    other: ParticipantKey = Field(description="对方的参会方编号", examples=["E0000123"])
    answer: Answer = Field(description="accept、decline 或 withdraw", examples=["accept"])


class CounterpartPublic(BaseModel):
    """为参会方推荐的一个对接方"""

    id: str = Field(description="参会方编号", examples=["U:青岛大学"])
    name: str = Field(description="名称", examples=["青岛大学"])
    kind_label: str = Field(description="类型", examples=["高校院所"])
    score: float = Field(description="双向匹配度（0–1，越高越相互需要）", examples=[0.62])
    reasons: list[str] = Field(description="推荐理由")
    pick: Pick | None = Field(description="本方的意向", examples=["must"])


class RequestPublic(BaseModel):
    """一条会谈邀请"""

    sender: str = Field(description="发出方编号", examples=["E0000123"])
    sender_name: str = Field(description="发出方名称")
    recipient: str = Field(description="接收方编号", examples=["U:青岛大学"])
    recipient_name: str = Field(description="接收方名称")
    message: str = Field(description="附言")
    status: RequestStatus = Field(description="状态", examples=["pending"])
    status_label: str = Field(description="状态（中文）：待答复、已接受、已谢绝、已过期、已撤回")
    created: dt.datetime = Field(description="发出时间")
    expires: dt.datetime = Field(description="过期时间")
    answered: dt.datetime | None = Field(description="答复时间")


class ChoicesPublic(BaseModel):
    """一个参会方在一场活动中的意向：阶段、推荐的对接方、意向或邀请、（预排或正式）日程"""

    event_id: str = Field(description="活动编号")
    event_name: str = Field(description="活动名称")
    participant: str = Field(description="参会方编号", examples=["E0000123"])
    name: str = Field(description="参会方名称")
    phase: Phase = Field(description="阶段", examples=["preferences"])
    phase_label: str = Field(description="阶段（中文）")
    phase_hint: str = Field(description="本阶段参会方可做什么")
    choice_mode: ChoiceMode = Field(description="意向方式")
    version: int = Field(description="版本（同 ETag）；修改时在 If-Match 中给出")
    max_must: int = Field(MAX_MUST, description="必见最多几个")
    counterparts: list[CounterpartPublic] = Field(
        description="推荐的对接方（仅意向征集阶段），按匹配度从高到低"
    )
    picks: dict[str, Pick] = Field(description="本方的全部意向")
    requests: list[RequestPublic] = Field(description="本方发出与收到的邀请")
    agenda: AgendaPublic | None = Field(description="预排或正式日程（预排及以后的阶段）")
    provisional: bool = Field(description="日程是否为预排（可能调整）")


class ChoiceRow(BaseModel):
    """一个参会方的意向统计"""

    participant: str = Field(description="参会方编号")
    name: str = Field(description="名称")
    must: int = Field(description="必见数")
    want: int = Field(description="想见数")
    no: int = Field(description="不见数")
    sent: int = Field(description="发出的邀请数")
    received: int = Field(description="收到的邀请数")
    accepted: int = Field(description="已接受的邀请数（发出与收到）")
    pending: int = Field(description="待其答复的邀请数")
    chosen: bool = Field(description="是否已表达意向")


class ChoicesOverview(BaseModel):
    """组织方看到的意向统计：每个参会方的意向与邀请数，双方必见与已接受的邀请"""

    phase: PhasePublic = Field(description="阶段")
    rows: list[ChoiceRow] = Field(description="每个参会方一行")
    not_chosen: int = Field(description="尚未表达意向的参会方数")
    mutual_must: list[list[str]] = Field(description="双方均标记必见的配对")
    accepted: list[list[str]] = Field(description="已接受邀请的配对")
