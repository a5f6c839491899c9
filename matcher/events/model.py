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
Phase = Literal["registration", "preferences", "provisional", "published", "event_day", "closed"]
PHASES: tuple[str, ...] = (
    "registration", "preferences", "provisional", "published", "event_day", "closed",
)  # fmt: skip
PHASE_LABELS = {
    "registration": "报名",
    "preferences": "意向征集",
    "provisional": "日程预排",
    "published": "日程发布",
    "event_day": "活动当天",
    "closed": "已结束",
}
ChoiceMode = Literal["picks", "requests"]
CHOICE_MODE_LABELS = {"picks": "标记必见 / 想见 / 不见", "requests": "发送会谈邀请，对方接受或谢绝"}
Pick = Literal["must", "want", "no"]
PICK_LABELS = {"must": "必见", "want": "想见", "no": "不见"}
RequestStatus = Literal["pending", "accepted", "declined", "expired", "withdrawn"]
REQUEST_STATUS_LABELS = {
    "pending": "待答复",
    "accepted": "已接受",
    "declined": "已谢绝",
    "expired": "已过期",
    "withdrawn": "已撤回",
}
MeetingStatus = Literal["planned", "held", "no_show", "cancelled"]
MEETING_STATUS_LABELS = {
    "planned": "待进行",
    "held": "已举行",
    "no_show": "缺席",
    "cancelled": "已取消",
}


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
ContactText = Annotated[str, Field(max_length=100)]
Phone = Annotated[str, Field(max_length=40)]
Email = Annotated[str, Field(max_length=254)]
ExpiryHours = Annotated[int, Field(ge=1, le=720)]
ReminderMinutes = Annotated[int, Field(ge=0, le=1440)]


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
    choice_mode: ChoiceMode = Field("picks", description="参会方表达意向的方式")
    request_expiry_hours: ExpiryHours = Field(48, description="会谈邀请多少小时内未答复即过期")
    shared_schedule: bool = Field(
        True, description="同一单位的多位代表共用一份日程（否则各自一份）"
    )
    reminder_minutes: ReminderMinutes = Field(15, description="会谈开始前多少分钟发送提醒")


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
    organisation: str | None = Field(
        None, max_length=200, description="所属单位（同一单位的多位代表）；空为参会方本身"
    )
    host: bool = Field(False, description="坐台方：全天固定在一张桌，来访方轮换")
    table: int | None = Field(None, ge=1, le=1000, description="坐台方的固定桌号（从1开始）")
    contact_name: ContactText = Field("", description="联系人")
    phone: Phone = Field("", description="联系电话")
    email: Email = Field("", description="电子邮箱")
    picks: dict[str, Pick] = Field(
        default_factory=dict, description="参会方本人的意向：对方编号 → 必见 / 想见 / 不见"
    )

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
    status: MeetingStatus = "planned"
    no_show: list[str] = Field(default_factory=list, description="缺席的参会方")
    origin: Literal["pairing", "request", "day"] = Field(
        "pairing", description="来源：配对、双方邀请、活动当天补排"
    )

    @property
    def key(self) -> frozenset[str]:
        return frozenset((self.a, self.b))


class Shortfall(BaseModel):
    """A participant who got fewer meetings than asked, and why."""

    participant: str
    wanted: int
    got: int
    reason: str


class MeetingRequest(BaseModel):
    """A meeting request from one participant to another, answered within an expiry."""

    sender: str
    recipient: str
    message: str = Field("", max_length=500)
    status: RequestStatus = "pending"
    created: datetime
    expires: datetime
    answered: datetime | None = None

    @property
    def key(self) -> frozenset[str]:
        return frozenset((self.sender, self.recipient))


class RestoreEntry(BaseModel):
    """Something the organiser removed, kept so that it can be restored."""

    what: Literal["participant", "meeting"]
    removed: datetime
    participant: Participant | None = None
    meeting: Meeting | None = None
    label: str = Field("", description="列表上显示的说明")


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
    phase: Phase = "registration"
    requests: list[MeetingRequest] = Field(default_factory=list)
    checked_in: dict[str, datetime] = Field(
        default_factory=dict, description="已签到的参会方 → 签到时间"
    )
    restore: list[RestoreEntry] = Field(default_factory=list, description="可恢复的删除")
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
