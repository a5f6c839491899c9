"""Outcome (跟踪问效) schemas: meeting and financing updates, recorded changes, overdue list.

Choice values may be codes (`held`, `intent`, `approved`) or their Chinese labels (已举行, 意向,
已获批); amounts numbers or text (`120`, `120万`); dates `YYYY-MM-DD` (or 2026/12/10,
2026年12月10日). A field left out is left as it is; a field sent as null is cleared. The
library's outcome rules apply (`matcher.outcomes.rules`): a move back needs `correction`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, create_model

from matcher.outcomes.fields import display, label
from matcher.outcomes.funnel import FUNNEL_LABELS, Funnel
from matcher.outcomes.model import Change, FinanceOutcome, MeetingOutcome, Notes
from matcher.outcomes.overdue import FollowUp
from matcher.outcomes.report import EventLine, FinanceLine
from service.schemas.common import ApiModel

KEY_FIELDS = {"a", "b", "enterprise_id", "product_id"}
CORRECTION_TEXT = (
    "更正：true 表示本次修改是更正。逆漏斗方向的修改（如 签约 → 意向、已获批 → 未获批）"
    "必须标明更正，否则被拒绝；更正在变更历史中标注"
)


class MeetingOutcomeUpdate(ApiModel):
    """What came of one meeting of the event's plan (a and b in either order)."""

    a: str = Field(min_length=1, description="参会方编号（企业编号，或 U:高校 / B:银行）",
                   examples=["E0000123"])  # fmt: skip
    b: str = Field(min_length=1, description="另一参会方编号", examples=["U:青岛大学"])
    attendance: str | None = Field(
        None, description="到场情况：held 已举行 | no_show 未到场 | cancelled 已取消",
        examples=["held"],
    )  # fmt: skip
    stage: str | None = Field(
        None,
        description="进展阶段：none 无进展 | intent 意向 | negotiating 洽谈推进 | signed 签约",
        examples=["intent"],
    )
    signed_amount: float | str | None = Field(None, description="签约金额（万元）", examples=[120])
    notes: Notes | None = Field(None, description="备注", examples=["双方约定下周到厂考察"])
    next_follow_up: dt.date | str | None = Field(
        None, description="下次跟进日期 YYYY-MM-DD", examples=["2026-12-20"]
    )
    correction: bool = Field(False, description=CORRECTION_TEXT)

    def changes(self) -> dict[str, Any]:
        """The fields that were sent, except the meeting's key."""
        return self.model_dump(exclude_unset=True, exclude=KEY_FIELDS)


class FinanceOutcomeUpdate(ApiModel):
    """What came of one financing match (an enterprise and a bank product)."""

    enterprise_id: str = Field(
        min_length=1, validation_alias=AliasChoices("enterprise_id", "enterprise"),
        description="企业编号（也可写作 enterprise）", examples=["E0000123"],
    )  # fmt: skip
    product_id: str = Field(
        min_length=1, validation_alias=AliasChoices("product_id", "product"),
        description="金融产品编号（也可写作 product）", examples=["F00001"],
    )  # fmt: skip
    status: str | None = Field(
        None,
        description="融资状态：recommended 已推荐 | applied 已申请 | "
        "approved 已获批 | declined 未获批",
        examples=["approved"],
    )
    amount: float | str | None = Field(None, description="获批金额（万元）", examples=[300])
    first_loan: bool | str | None = Field(None, description="是否首贷", examples=[True])
    event_id: str | None = Field(
        None, validation_alias=AliasChoices("event_id", "event"),
        description="来自哪场对接活动（活动编号，也可写作 event）", examples=["ai-1"],
    )  # fmt: skip
    notes: Notes | None = Field(None, description="备注")
    next_follow_up: dt.date | str | None = Field(None, description="下次跟进日期 YYYY-MM-DD")
    correction: bool = Field(False, description=CORRECTION_TEXT)

    def changes(self) -> dict[str, Any]:
        """The fields that were sent, except the match's key."""
        return self.model_dump(exclude_unset=True, exclude=KEY_FIELDS)


def described(
    model: type[BaseModel], name: str, descriptions: dict[str, str], **types: Any
) -> type[BaseModel]:
    """A response schema with `model`'s fields, each with its Chinese description (and the
    type in `types` where given); it reads the library's objects by attribute."""
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        default = ... if info.is_required() else info.default
        annotation = types.get(field_name, info.annotation)
        fields[field_name] = (annotation, Field(default, description=descriptions[field_name]))
    config = ConfigDict(from_attributes=True)
    return create_model(name, __config__=config, __doc__=model.__doc__, **fields)


_STATE = {
    "notes": "备注",
    "next_follow_up": "下次跟进日期",
    "updated_at": "最后修改时间（UTC）",
    "updated_by": "最后记录人",
    "version": "版本：0 为尚未记录，每次修改加一；修改时可在 If-Match 中给出",
}
MeetingOutcomePublic = described(MeetingOutcome, "MeetingOutcomePublic", {
    "id": "结果编号：活动|需求方|供给方",
    "event_id": "活动编号",
    "a": "需求方参会编号",
    "b": "供给方参会编号",
    "attendance": "到场情况：held 已举行 | no_show 未到场 | cancelled 已取消；空为未记录",
    "stage": "进展阶段：none 无进展 | intent 意向 | negotiating 洽谈推进 | signed 签约",
    "signed_amount": "签约金额（万元）",
    **_STATE,
})  # fmt: skip
FinanceOutcomePublic = described(FinanceOutcome, "FinanceOutcomePublic", {
    "id": "结果编号：企业|产品",
    "enterprise_id": "企业编号",
    "product_id": "金融产品编号",
    "event_id": "来自哪场对接活动",
    "status": "融资状态：recommended 已推荐 | applied 已申请 | approved 已获批 | declined 未获批",
    "amount": "获批金额（万元）",
    "first_loan": "是否首贷",
    **_STATE,
})  # fmt: skip
FollowUpPublic = described(FollowUp, "FollowUpPublic", {
    "outcome_id": "结果编号",
    "kind": "meeting 会谈 | finance 融资对接",
    "due": "应跟进日期",
    "days_overdue": "逾期天数",
    "event_id": "活动编号",
    "event_name": "活动名称",
    "contacts": "要联系的双方",
    "state": "当前状态",
    "owner": "负责人（最后记录人）",
    "notes": "备注",
})  # fmt: skip
FunnelPublic = described(Funnel, "FunnelPublic", {
    "label": "所选范围，如 2025年上半年·智能装备产业链",
    **FUNNEL_LABELS,
    "summary": "一句话中文小结",
})  # fmt: skip
EventLinePublic = described(EventLine, "EventLinePublic", {
    "event_id": "活动编号",
    "name": "活动名称",
    "date": "活动日期",
    "chain": "产业链",
    "funnel": "本场活动的漏斗",
}, funnel=FunnelPublic)  # fmt: skip
FinanceLinePublic = described(FinanceLine, "FinanceLinePublic", {
    "outcome": "融资对接结果",
    "enterprise": "企业名称",
    "bank": "银行",
    "product": "产品名称",
    "event": "活动名称",
}, outcome=FinanceOutcomePublic)  # fmt: skip


class ReportPublic(BaseModel):
    """The funnel of a selection, its events one by one, and its financing matches."""

    model_config = ConfigDict(from_attributes=True)

    funnel: FunnelPublic = Field(description="所选范围的漏斗与中文小结")  # type: ignore[valid-type]
    events: list[EventLinePublic] = Field(description="逐场活动的漏斗")  # type: ignore[valid-type]
    finance: list[FinanceLinePublic] = Field(description="融资对接明细")  # type: ignore[valid-type]


class ChangePublic(BaseModel):
    """One field change (who, when, from → to), with the names people read."""

    outcome_id: str = Field(description="结果编号")
    at: dt.datetime = Field(description="修改时间（UTC）")
    who: str = Field(description="记录人", examples=["张三"])
    field: str = Field(description="字段", examples=["stage"])
    old: str | None = Field(description="原值（编码）", examples=["intent"])
    new: str | None = Field(description="新值（编码）", examples=["negotiating"])
    correction: bool = Field(description="是否为更正（逆漏斗方向的修改，如 签约 → 洽谈推进）")
    field_label: str = Field(description="字段中文名", examples=["进展阶段"])
    old_text: str = Field(description="原值（中文）", examples=["意向"])
    new_text: str = Field(description="新值（中文）", examples=["洽谈推进"])

    @classmethod
    def of(cls, change: Change) -> ChangePublic:
        return cls(
            **change.model_dump(),
            field_label=label(change.field),
            old_text=display(change.field, change.old),
            new_text=display(change.field, change.new),
        )


class MeetingRecorded(BaseModel):
    """A meeting's outcome after the update, and the changes it added to the history."""

    outcome: MeetingOutcomePublic = Field(description="记录后的会谈结果")  # type: ignore[valid-type]
    changes: list[ChangePublic] = Field(description="本次记录的变更（未变化的字段不记录）")


class FinanceRecorded(BaseModel):
    """A financing match's outcome after the update, and the changes it added to the history."""

    outcome: FinanceOutcomePublic = Field(description="记录后的融资结果")  # type: ignore[valid-type]
    changes: list[ChangePublic] = Field(description="本次记录的变更（未变化的字段不记录）")


class OutcomeHistory(BaseModel):
    """An outcome as it is now and every change it went through, oldest first."""

    kind: Literal["meeting", "finance"] = Field(description="meeting 会谈 | finance 融资对接")
    outcome: MeetingOutcomePublic | FinanceOutcomePublic = Field(description="当前状态")  # type: ignore[valid-type]
    changes: list[ChangePublic] = Field(description="全部变更，最早的在前")


class OverdueList(BaseModel):
    """Open outcomes whose next follow-up date has passed, oldest first."""

    date: dt.date = Field(description="以该日为今天")
    count: int = Field(description="逾期事项数")
    items: list[FollowUpPublic] = Field(description="逾期事项，最早的在前")  # type: ignore[valid-type]


class FollowupImported(BaseModel):
    """What an uploaded follow-up sheet changed."""

    updated: int = Field(description="结果有变化的会谈数")
    changes: list[ChangePublic] = Field(description="导入的全部变更")
