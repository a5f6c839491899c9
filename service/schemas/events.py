"""Docking event models: creating an event, adding participants, adjusting meetings, and the
public views of a plan (setup, participants, meetings by slot and table, shortfalls, agendas)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from pydantic import BaseModel, ConfigDict, Field, model_validator

from matcher.events.model import (
    EVENT_KIND_LABELS,
    SLOTS_MAX,
    Chain,
    Event,
    EventKind,
    EventName,
    EventPlan,
    Fairness,
    MaxMeetings,
    Meeting,
    MinMeetings,
    ParticipantKind,
    ParticipantRef,
    Priority,
    Role,
    Tables,
    Venue,
    make_slots,
)
from matcher.events.printed import agenda_reasons
from matcher.types import CHAINS
from service.schemas.common import ApiModel
from service.schemas.fields import ClockTime, IsoDate, NewId, one_of

PARTICIPANT_ID = "参会方编号：企业为企业编号，高校为「U:高校名称」，银行为「B:银行名称」"


class EventCreate(ApiModel):
    """新建对接活动：名称、类型、日期、时段（开始时间 × 场次 × 每场分钟数）与洽谈桌数"""

    id: NewId = None
    name: EventName = Field(description="活动名称", examples=["人工智能产业链对接会"])
    kind: EventKind = Field(
        "industry",
        description="活动类型：industry（产业链对接会）、finance（政金企对接会）",
        examples=["industry"],
    )
    chain: Chain = Field(
        None,
        description="产业链（按产业链选取参会方时使用）",
        examples=["人工智能"],
        json_schema_extra=one_of([*CHAINS, "", None]),
    )
    date: IsoDate = Field(description="活动日期", examples=["2026-12-03"])
    start: ClockTime = Field(
        dt.time(9), description="第一场开始时间（HH:MM，北京时间）", examples=["09:00"]
    )
    minutes: int = Field(20, ge=5, le=240, description="每场会谈分钟数", examples=[20])
    gap: int = Field(5, ge=0, le=120, description="场间休息分钟数", examples=[5])
    slots: int = Field(8, ge=1, le=SLOTS_MAX, description="场次数", examples=[8])
    tables: Tables = Field(20, description="洽谈桌数", examples=[20])
    venue: Venue = Field("", description="地点", examples=["青岛国际会议中心"])
    min_meetings: MinMeetings = Field(
        0, description="每位参会方至少安排的会谈数（尽力满足）", examples=[1]
    )
    fairness: Fairness = Field(
        0.0, description="公平性权重：0 为只看总分，越大越平均", examples=[0.5]
    )

    @model_validator(mode="after")
    def _same_day(self) -> EventCreate:
        begin = dt.datetime.combine(self.date, self.start)
        end = begin + dt.timedelta(minutes=self.slots * self.minutes + (self.slots - 1) * self.gap)
        if end.date() != self.date:
            raise ValueError(f"最后一场将在次日 {end:%H:%M} 结束，请减少场次、缩短每场或提前开始")
        return self

    def to_event(self, event_id: str) -> Event:
        return Event(
            id=event_id,
            name=self.name,
            kind=self.kind,
            chain=self.chain,
            date=self.date,
            venue=self.venue,
            slots=make_slots(self.start, self.minutes, self.slots, self.gap),
            tables=self.tables,
            min_meetings=self.min_meetings,
            fairness=self.fairness,
        )


class ParticipantIn(ApiModel):
    """一个参会方：企业（编号）、高校（名称）或银行（名称）"""

    kind: ParticipantKind = Field(
        description="类型：enterprise（企业）、university（高校院所）、bank（金融机构）",
        examples=["enterprise"],
    )
    ref: ParticipantRef = Field(
        description="企业编号、高校名称或银行名称",
        examples=["E0000123"],
    )  # fmt: skip
    role: Role | None = Field(
        None,
        description="角色：demand（需求方）、supply（供给方）、both（供需双方）；"
        "不填时按其需求与供给自动判断",
        examples=["demand"],
    )
    max_meetings: MaxMeetings = Field(6, description="最多会谈数", examples=[6])
    availability: list[int] | None = Field(
        None, description="可参加的时段序号（从 0 开始）；不填为全部时段", examples=[[0, 1, 2]]
    )
    must_meet: list[str] = Field(
        default_factory=list, description="必须会谈的参会方编号", examples=[["U:青岛大学"]]
    )
    never_meet: list[str] = Field(
        default_factory=list, description="不安排会谈的参会方编号", examples=[[]]
    )
    priority: Priority = Field(1.0, description="优先级：匹配分数乘以该系数", examples=[1.0])


class ParticipantsAdd(ApiModel):
    """添加参会方：逐个列出，和/或按活动的产业链自动选取"""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [  # at least one of the two (see `_something`)
                {"required": ["participants"], "properties": {"participants": {"minItems": 1}}},
                {"required": ["by_chain"], "properties": {"by_chain": {"minimum": 1}}},
            ]
        }
    )
    participants: list[ParticipantIn] = Field(
        default_factory=list, max_length=5000, description="参会方列表（同编号的会被替换）"
    )
    by_chain: int = Field(
        0,
        ge=0,
        le=5000,
        description="按活动产业链自动选取的企业数上限（另加该领域的高校，或政金企对接会的全部银行）",
        examples=[0],
    )

    @model_validator(mode="after")
    def _something(self) -> ParticipantsAdd:
        if not self.participants and not self.by_chain:
            raise ValueError("请给出 participants（参会方列表）或 by_chain（按产业链选取的数量）")
        return self


class MeetingPair(ApiModel):
    """一场会谈的双方（顺序不限）"""

    a: str = Field(min_length=1, max_length=200, description=PARTICIPANT_ID, examples=["E0000123"])
    b: str = Field(
        min_length=1, max_length=200, description=PARTICIPANT_ID, examples=["U:青岛大学"]
    )


class PublishBody(ApiModel):
    """发布或撤回日程"""

    published: bool = Field(
        True, description="true 发布（参会方可查看自己的日程），false 撤回", examples=[True]
    )


# public views ---------------------------------------------------------------------------------
class SlotPublic(BaseModel):
    """一个时段"""

    index: int = Field(description="时段序号（从 0 开始）", examples=[0])
    start: ClockTime = Field(description="开始时间", examples=["09:00:00"])
    end: ClockTime = Field(description="结束时间", examples=["09:20:00"])
    label: str = Field(description="显示文字", examples=["09:00–09:20"])


class EventPublic(BaseModel):
    """活动设置"""

    id: str = Field(description="活动编号", examples=["EV5A1B2C3D4E5F"])
    name: str = Field(description="活动名称", examples=["人工智能产业链对接会"])
    kind: EventKind = Field(description="活动类型", examples=["industry"])
    kind_label: str = Field(description="活动类型（中文）", examples=["产业链对接会"])
    chain: str | None = Field(description="产业链", examples=["人工智能"])
    date: dt.date = Field(description="活动日期", examples=["2026-12-03"])
    venue: str = Field(description="地点", examples=["青岛国际会议中心"])
    slots: list[SlotPublic] = Field(description="时段")
    tables: int = Field(description="洽谈桌数", examples=[20])
    min_meetings: int = Field(description="每位参会方至少安排的会谈数", examples=[0])
    fairness: float = Field(description="公平性权重", examples=[0.0])

    @classmethod
    def of(cls, event: Event) -> EventPublic:
        slots = [
            SlotPublic(index=i, start=s.start, end=s.end, label=s.label())
            for i, s in enumerate(event.slots)
        ]
        return cls(**event.model_dump(exclude={"slots"}), kind_label=EVENT_KIND_LABELS[event.kind],
                   slots=slots)  # fmt: skip


class EventSummary(BaseModel):
    """活动列表中的一项"""

    id: str = Field(description="活动编号", examples=["EV5A1B2C3D4E5F"])
    name: str = Field(description="活动名称", examples=["人工智能产业链对接会"])
    kind: EventKind = Field(description="活动类型", examples=["industry"])
    kind_label: str = Field(description="活动类型（中文）", examples=["产业链对接会"])
    date: dt.date = Field(description="活动日期", examples=["2026-12-03"])
    venue: str = Field(description="地点", examples=["青岛国际会议中心"])
    slots: int = Field(description="场次数", examples=[8])
    tables: int = Field(description="洽谈桌数", examples=[20])
    participants: int = Field(description="参会方数", examples=[64])
    meetings: int = Field(description="会谈数", examples=[150])
    published: bool = Field(description="是否已发布日程", examples=[False])

    @classmethod
    def of(cls, plan: EventPlan) -> EventSummary:
        event = plan.event
        return cls(
            id=event.id, name=event.name, kind=event.kind, kind_label=EVENT_KIND_LABELS[event.kind],
            date=event.date, venue=event.venue, slots=len(event.slots), tables=event.tables,
            participants=len(plan.participants), meetings=len(plan.meetings),
            published=plan.published,
        )  # fmt: skip


class ParticipantPublic(BaseModel):
    """一个参会方"""

    id: str = Field(description=PARTICIPANT_ID, examples=["E0000123"])
    kind: ParticipantKind = Field(description="类型", examples=["enterprise"])
    ref: str = Field(description="企业编号、高校名称或银行名称", examples=["E0000123"])
    name: str = Field(description="名称", examples=["青岛海鑫新能源科技有限公司"])
    role: Role = Field(description="角色", examples=["demand"])
    max_meetings: int = Field(description="最多会谈数", examples=[6])
    availability: list[int] | None = Field(description="可参加的时段序号（从 0 开始）")
    must_meet: list[str] = Field(description="必须会谈的参会方编号")
    never_meet: list[str] = Field(description="不安排会谈的参会方编号")
    priority: float = Field(description="优先级", examples=[1.0])
    meetings: int = Field(description="已安排的会谈数", examples=[4])


class MeetingPublic(BaseModel):
    """一场会谈：双方、匹配度与双方意愿、理由、时段与桌号"""

    a: str = Field(description="需求方编号", examples=["E0000123"])
    a_name: str = Field(description="需求方名称", examples=["青岛海鑫新能源科技有限公司"])
    b: str = Field(description="供给方编号", examples=["U:青岛大学"])
    b_name: str = Field(description="供给方名称", examples=["青岛大学"])
    score: float = Field(description="匹配度（双方意愿的调和平均）", examples=[0.72])
    demand_side: float = Field(description="需求方意愿（0–1）", examples=[0.8])
    supply_side: float = Field(description="供给方意愿（0–1）", examples=[0.65])
    reasons: list[str] = Field(description="配对理由（中文）")
    need_id: str | None = Field(description="促成会谈的需求编号", examples=["N0000005"])
    supply_id: str | None = Field(description="对应的科技成果、金融产品或供给编号")
    slot: int | None = Field(description="时段序号（从 0 开始）；未排入为空", examples=[0])
    slot_label: str = Field(description="时段", examples=["09:00–09:20"])
    table: int | None = Field(description="桌号（从 1 开始）", examples=[3])
    locked: bool = Field(description="已锁定（重新生成时保留时段与桌号）", examples=[False])


class ShortfallPublic(BaseModel):
    """会谈少于期望的参会方及原因"""

    participant: str = Field(description="参会方编号", examples=["U:青岛农业大学"])
    name: str = Field(description="参会方名称", examples=["青岛农业大学"])
    wanted: int = Field(description="期望会谈数", examples=[6])
    got: int = Field(description="实际会谈数", examples=[0])
    reason: str = Field(description="原因", examples=["没有相互匹配的候选对象"])


class UnplacedPublic(BaseModel):
    """未能排入时段的会谈及原因"""

    a: str = Field(description="需求方编号")
    b: str = Field(description="供给方编号")
    reason: str = Field(description="原因", examples=["双方没有共同可参加的时段"])


class EventDetail(BaseModel):
    """活动的全部内容：设置、参会方、会谈（按时段和桌号排序）、未满足与未排入"""

    event: EventPublic = Field(description="活动的名称、类型、日期、时段与桌数")
    published: bool = Field(description="是否已发布日程", examples=[False])
    version: int = Field(
        description="版本：每次修改加一（同响应头 ETag）；修改时在 If-Match 中给出，"
        "若已被他人修改则返回 409",
        examples=[3],
    )
    participants: list[ParticipantPublic] = Field(description="参会方")
    meetings: list[MeetingPublic] = Field(description="会谈，按时段和桌号排序，未排入的在后")
    removed: list[list[str]] = Field(description="被组织方删除、不再安排的配对")
    shortfalls: list[ShortfallPublic] = Field(description="会谈少于期望的参会方及原因")
    unplaced: list[UnplacedPublic] = Field(description="未能排入时段的会谈及原因")
    objective: float = Field(description="配对总分", examples=[12.4])
    pairing_note: str | None = Field(
        description="精确配对未在时限内完成时采用的方案说明；为空表示精确求解", examples=[None]
    )
    schedule_method: str | None = Field(
        description="排程方法：edge-colouring、greedy、cp-sat (optimal)、cp-sat (time limit)、"
        "edge-colouring (fallback)、greedy (fallback)；为空表示尚未排程",
        examples=["edge-colouring"],
    )
    schedule_note: str | None = Field(
        description="精确排程未在时限内完成时采用的方案说明，如「精确排程未在 20 秒时限内完成，"
        "已采用贪心排程（匹配度高的会谈优先）」；为空表示精确排程",
        examples=[None],
    )

    @classmethod
    def of(cls, plan: EventPlan) -> EventDetail:
        names = {p.id: p.name for p in plan.participants}
        got = Counter(person for m in plan.meetings for person in (m.a, m.b))
        participants = [
            ParticipantPublic(**p.model_dump(), meetings=got[p.id]) for p in plan.participants
        ]
        unplaced = []
        for key, reason in plan.unplaced.items():
            a, _, b = key.partition("|")
            unplaced.append(UnplacedPublic(a=a, b=b, reason=reason))
        return cls(
            event=EventPublic.of(plan.event),
            published=plan.published,
            version=plan.version,
            participants=participants,
            meetings=[meeting_public(plan, m, names) for m in ordered(plan.meetings)],
            removed=plan.removed,
            shortfalls=[
                ShortfallPublic(**s.model_dump(), name=names.get(s.participant, s.participant))
                for s in plan.shortfalls
            ],
            unplaced=unplaced,
            objective=plan.objective,
            pairing_note=plan.pairing_note,
            schedule_method=plan.schedule_method,
            schedule_note=plan.schedule_note,
        )


def ordered(meetings: list[Meeting]) -> list[Meeting]:
    """By slot and table; unplaced meetings last."""
    return sorted(meetings, key=lambda m: (m.slot is None, m.slot or 0, m.table or 0, m.a, m.b))


def meeting_public(plan: EventPlan, m: Meeting, names: dict[str, str]) -> MeetingPublic:
    label = plan.event.slots[m.slot].label() if m.slot is not None else "未排入"
    return MeetingPublic(
        a=m.a, a_name=names.get(m.a, m.a), b=m.b, b_name=names.get(m.b, m.b),
        score=round(m.score, 4), demand_side=m.parts.get("demand_side", 0.0),
        supply_side=m.parts.get("supply_side", 0.0),
        reasons=m.reasons, need_id=m.need_id, supply_id=m.supply_id, slot=m.slot, slot_label=label,
        table=m.table, locked=m.locked,
    )  # fmt: skip


class ParticipantsAdded(BaseModel):
    """添加参会方的结果"""

    added: int = Field(description="本次添加（或替换）的参会方数", examples=[12])
    total: int = Field(description="活动的参会方总数", examples=[40])
    participants: list[ParticipantPublic] = Field(description="本次添加的参会方")


class AgendaItem(BaseModel):
    """日程中的一场会谈"""

    slot: int | None = Field(description="时段序号（从 0 开始）；未排入为空", examples=[0])
    time: str = Field(description="时段", examples=["09:00–09:20"])
    table: int | None = Field(description="桌号", examples=[3])
    with_id: str = Field(description="对接方编号", examples=["U:青岛大学"])
    with_name: str = Field(description="对接方名称", examples=["青岛大学"])
    reasons: list[str] = Field(description="对接理由")


class AgendaPublic(BaseModel):
    """一个参会方在一场活动中的会谈日程"""

    event: EventSummary = Field(description="活动")
    participant: str = Field(description=PARTICIPANT_ID, examples=["E0000123"])
    name: str = Field(description="参会方名称", examples=["青岛海鑫新能源科技有限公司"])
    meetings: list[AgendaItem] = Field(description="按时间排序的会谈")

    @classmethod
    def of(cls, plan: EventPlan, participant_id: str) -> AgendaPublic:
        names = {p.id: p.name for p in plan.participants}
        items = []
        for m in ordered(plan.meetings):
            if participant_id in (m.a, m.b):
                other = m.b if m.a == participant_id else m.a
                label = plan.event.slots[m.slot].label() if m.slot is not None else "未排入"
                items.append(AgendaItem(slot=m.slot, time=label, table=m.table, with_id=other,
                                        with_name=names[other],
                                        reasons=agenda_reasons(m.reasons)))  # fmt: skip
        return cls(
            event=EventSummary.of(plan),
            participant=participant_id,
            name=names[participant_id],
            meetings=items,
        )
