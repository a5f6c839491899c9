"""Docking events as data: the event, its participants, and the planned meetings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from matcher.plain_text import PlainTextModel
from matcher.types import CHAINS, RecordIdText

ParticipantKind = Literal["enterprise", "university", "bank"]
Role = Literal["demand", "supply", "both"]
EventKind = Literal["industry", "finance"]
ROLE_LABELS = {"demand": "需求方", "supply": "供给方", "both": "供需双方"}
PARTICIPANT_KIND_LABELS = {"enterprise": "企业", "university": "高校院所", "bank": "金融机构"}
EVENT_KIND_LABELS = {"industry": "产业链对接会", "finance": "政金企对接会"}


def known_chain(value: str | None) -> str | None:
    """An industrial chain of `CHAINS`, or None (blank counts as none)."""
    if value and value not in CHAINS:
        raise ValueError(f"未知的产业链「{value}」，可选：{'、'.join(CHAINS)}")
    return value or None


# The limits of an event and its participants, wherever they are given (CLI, API, web form).
EventName = Annotated[str, Field(min_length=1, max_length=100)]
Venue = Annotated[str, Field(max_length=200)]
Chain = Annotated[str | None, AfterValidator(known_chain)]
Tables = Annotated[int, Field(ge=1, le=1000)]
SLOTS_MAX = 48
MinMeetings = Annotated[int, Field(ge=0, le=50)]
Fairness = Annotated[float, Field(ge=0, le=100)]
ParticipantRef = Annotated[str, Field(min_length=1, max_length=200)]
MaxMeetings = Annotated[int, Field(ge=0, le=50)]
Priority = Annotated[float, Field(gt=0, le=10)]


class TimeSlot(BaseModel):
    """One meeting round, e.g. 09:00–09:20."""

    model_config = ConfigDict(extra="forbid")

    start: time
    end: time

    @model_validator(mode="after")
    def _ordered(self) -> TimeSlot:
        if self.end <= self.start:
            raise ValueError(f"时段结束时间 {self.end} 应晚于开始时间 {self.start}")
        return self

    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def make_slots(start: time, minutes: int, count: int, gap: int = 0) -> list[TimeSlot]:
    """`count` consecutive slots of `minutes`, `gap` minutes apart."""
    day = datetime.combine(date(2000, 1, 1), start)
    slots = []
    for i in range(count):
        begin = day + timedelta(minutes=i * (minutes + gap))
        slots.append(TimeSlot(start=begin.time(), end=(begin + timedelta(minutes=minutes)).time()))
    return slots


class Event(PlainTextModel):
    """A docking event: when, how many rounds and tables, and the pairing options."""

    model_config = ConfigDict(extra="forbid")

    id: RecordIdText
    name: EventName
    kind: EventKind = "industry"
    chain: Chain = None
    date: date
    venue: Venue = ""
    slots: list[TimeSlot] = Field(min_length=1, max_length=SLOTS_MAX)
    tables: Tables
    min_meetings: MinMeetings = Field(0, description="每位参会方至少安排的会谈数（尽力满足）")
    fairness: Fairness = Field(0.0, description="公平性权重：越大越倾向于平均分配会谈")


class Participant(PlainTextModel):
    """Who comes: an enterprise (by id), a university or a bank (by name)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="参会方编号：企业编号，或 U:高校名称 / B:银行名称")
    kind: ParticipantKind
    ref: ParticipantRef = Field(description="企业编号、高校名称或银行名称")
    name: str
    role: Role
    max_meetings: MaxMeetings = 6
    availability: list[int] | None = Field(
        None, description="可参加的时段序号（从0开始）；空为全部"
    )
    must_meet: list[str] = Field(default_factory=list)
    never_meet: list[str] = Field(default_factory=list)
    priority: Priority = Field(1.0, description="优先级：分数乘以该系数")

    @field_validator("availability")
    @classmethod
    def _non_negative(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and any(v < 0 for v in value):
            raise ValueError("时段序号不能为负")
        return value


class Meeting(BaseModel):
    """A planned meeting: demand side `a`, supply side `b`, score parts, reasons, place."""

    a: str
    b: str
    score: float
    parts: dict[str, float] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)
    need_id: str | None = Field(None, description="the need that motivates the meeting")
    supply_id: str | None = Field(
        None, description="the tech result, product or offer answering it"
    )
    slot: int | None = None
    table: int | None = None
    locked: bool = False

    @property
    def key(self) -> frozenset[str]:
        return frozenset((self.a, self.b))


class Shortfall(BaseModel):
    """A participant who got fewer meetings than asked, and why."""

    participant: str
    wanted: int
    got: int
    reason: str


class EventPlan(BaseModel):
    """Everything about one event: setup, participants, pairing and schedule."""

    event: Event
    participants: list[Participant] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    removed: list[list[str]] = Field(default_factory=list, description="被组织方删除的配对")
    unplaced: dict[str, str] = Field(default_factory=dict, description="未排入的会谈 a|b → 原因")
    shortfalls: list[Shortfall] = Field(default_factory=list)
    objective: float = 0.0
    published: bool = False
    pairing_note: str | None = Field(None, description="精确配对超时时采用的方案说明")
    schedule_method: str | None = Field(None, description="排程方法，如 cp-sat (optimal)")
    schedule_note: str | None = Field(None, description="精确排程超时时采用的方案说明")
    version: int = Field(
        0, ge=0, description="存储版本：保存一次加一；0 为尚未保存（保存时只新建、不覆盖）"
    )

    def participant(self, participant_id: str) -> Participant:
        for participant in self.participants:
            if participant.id == participant_id:
                return participant
        raise KeyError(participant_id)
