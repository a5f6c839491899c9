"""Overdue follow-ups: the next follow-up date has passed and the matter is still open.

A meeting is closed once signed or cancelled; a financing match once approved or declined.
Oldest first, each with the parties to call and the staff member who last followed it up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Literal

from pydantic import BaseModel

from matcher.events.model import EventPlan
from matcher.outcomes.funnel import as_list
from matcher.outcomes.model import (
    ATTENDANCE_LABELS,
    FINANCE_STATUS_LABELS,
    STAGE_LABELS,
    FinanceOutcome,
    MeetingOutcome,
)
from matcher.types import Enterprise, FinanceProduct


class FollowUp(BaseModel):
    """One overdue follow-up: what, since when, whom to call, who owns it."""

    outcome_id: str
    kind: Literal["meeting", "finance"]
    due: date
    days_overdue: int
    event_id: str | None
    event_name: str
    contacts: list[str]
    state: str
    owner: str
    notes: str


def overdue(
    meeting_outcomes: Iterable[MeetingOutcome] | Mapping[str, MeetingOutcome],
    finance_outcomes: Iterable[FinanceOutcome] | Mapping[str, FinanceOutcome],
    plans: Iterable[EventPlan],
    enterprises: Mapping[str, Enterprise],
    products: Mapping[str, FinanceProduct],
    *,
    today: date,
) -> list[FollowUp]:
    """Open outcomes whose next follow-up date is before `today`, oldest first."""
    by_event = {p.event.id: p for p in plans}
    found: list[FollowUp] = []
    for m in as_list(meeting_outcomes):
        if m.next_follow_up is None or m.next_follow_up >= today:
            continue
        if m.stage == "signed" or m.attendance == "cancelled":
            continue
        plan = by_event.get(m.event_id)
        names = {p.id: p.name for p in plan.participants} if plan else {}
        attendance = ATTENDANCE_LABELS[m.attendance] if m.attendance else "未记录到场"
        found.append(
            FollowUp(
                outcome_id=m.id,
                kind="meeting",
                due=m.next_follow_up,
                days_overdue=(today - m.next_follow_up).days,
                event_id=m.event_id,
                event_name=plan.event.name if plan else m.event_id,
                contacts=[f"需求方 {names.get(m.a, m.a)}", f"供给方 {names.get(m.b, m.b)}"],
                state=f"{attendance}，{STAGE_LABELS[m.stage]}",
                owner=m.updated_by,
                notes=m.notes,
            )
        )
    for f in as_list(finance_outcomes):
        if f.next_follow_up is None or f.next_follow_up >= today:
            continue
        if f.status in ("approved", "declined"):
            continue
        enterprise = enterprises.get(f.enterprise_id)
        product = products.get(f.product_id)
        plan = by_event.get(f.event_id) if f.event_id else None
        found.append(
            FollowUp(
                outcome_id=f.id,
                kind="finance",
                due=f.next_follow_up,
                days_overdue=(today - f.next_follow_up).days,
                event_id=f.event_id,
                event_name=plan.event.name if plan else (f.event_id or ""),
                contacts=[
                    f"企业 {enterprise.name if enterprise else f.enterprise_id}",
                    f"银行 {product.bank}（{product.name}）" if product else f"产品 {f.product_id}",
                ],
                state=FINANCE_STATUS_LABELS[f.status],
                owner=f.updated_by,
                notes=f.notes,
            )
        )
    return sorted(found, key=lambda item: (item.due, item.outcome_id))
