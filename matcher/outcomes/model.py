"""What came of a meeting or a financing match (跟踪问效), and the history of every change.

A meeting outcome is keyed by event and pair; a financing outcome by enterprise and product.
Changes are never overwritten: every field change is appended to the history as
(who, when, field, from → to).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher.plain_text import PlainTextModel

Attendance = Literal["held", "no_show", "cancelled"]
Stage = Literal["none", "intent", "negotiating", "signed"]
FinanceStatus = Literal["recommended", "applied", "approved", "declined"]

ATTENDANCE_LABELS = {"held": "已举行", "no_show": "未到场", "cancelled": "已取消"}
STAGE_LABELS = {"none": "无进展", "intent": "意向", "negotiating": "洽谈推进", "signed": "签约"}
FINANCE_STATUS_LABELS = {"recommended": "已推荐", "applied": "已申请", "approved": "已获批",
                         "declined": "未获批"}  # fmt: skip
STAGE_ORDER = ("none", "intent", "negotiating", "signed")
NOT_HELD = ("no_show", "cancelled")
FINANCE_STATUS_RANK = {"recommended": 0, "applied": 1, "approved": 2, "declined": 2}


Notes = Annotated[str, Field(max_length=2000)]
"""An outcome's notes (备注): at most 2,000 characters."""


def meeting_outcome_id(event_id: str, a: str, b: str) -> str:
    """Stable id of a meeting's outcome (the pair in the plan's order: demand, supply)."""
    return f"{event_id}|{a}|{b}"


def meeting_event_id(outcome_id: str) -> str:
    """The event of a meeting outcome id: event ids never hold `|`, so it ends at the first
    one (participant ids, which are university and bank names, may hold `|`)."""
    return outcome_id.split("|", 1)[0]


def finance_outcome_id(enterprise_id: str, product_id: str) -> str:
    """Stable id of a financing match's outcome."""
    return f"{enterprise_id}|{product_id}"


class MeetingOutcome(PlainTextModel):
    """The current state of one meeting's follow-up."""

    model_config = ConfigDict(extra="forbid")

    id: str
    event_id: str
    a: str = Field(description="demand side participant id")
    b: str = Field(description="supply side participant id")
    attendance: Attendance | None = None
    stage: Stage = "none"
    signed_amount: float | None = Field(None, ge=0, description="签约金额，万元")
    notes: Notes = ""
    next_follow_up: date | None = None
    updated_at: datetime | None = None
    updated_by: str = ""
    version: int = Field(0, ge=0, description="版本：0 为尚未记录，每次修改加一")


class FinanceOutcome(PlainTextModel):
    """The current state of one financing match: recommended → applied → approved / declined."""

    model_config = ConfigDict(extra="forbid")

    id: str
    enterprise_id: str
    product_id: str
    event_id: str | None = None
    status: FinanceStatus = "recommended"
    amount: float | None = Field(None, ge=0, description="获批金额，万元")
    first_loan: bool = Field(False, description="首贷")
    notes: Notes = ""
    next_follow_up: date | None = None
    updated_at: datetime | None = None
    updated_by: str = ""
    version: int = Field(0, ge=0, description="版本：0 为尚未记录，每次修改加一")


class Change(BaseModel):
    """One field change of an outcome: who, when, from → to."""

    outcome_id: str
    at: datetime
    who: str
    field: str
    old: str | None
    new: str | None
    correction: bool = Field(
        False, description="a move against the funnel order, e.g. signed → negotiating"
    )
