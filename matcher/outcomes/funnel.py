"""The follow-up funnel (跟踪问效), pure: events → participants → meetings → held → intent →
negotiating → signed, and financing: recommended → applied → approved / declined.

Filters: one event; the enterprises' chain and district (a meeting counts when one of its
enterprise participants matches); a period of event dates (inclusive). A financing outcome
belongs to its event's date, or, without an event, to the day it was last updated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from pydantic import BaseModel

from matcher.errors import MatcherError
from matcher.events.model import EventPlan
from matcher.outcomes.model import STAGE_ORDER, FinanceOutcome, MeetingOutcome
from matcher.types import CHAINS, DISTRICTS, Enterprise

T = TypeVar("T")

FUNNEL_LABELS = {
    "events": "对接活动（场）",
    "participants": "参会企业（家）",
    "meetings_planned": "计划会谈（场）",
    "followed_up": "已跟踪会谈（场）",
    "meetings_held": "已举行会谈（场）",
    "no_show": "未到场（场）",
    "cancelled": "已取消（场）",
    "intents": "达成意向（项）",
    "intent_enterprises": "达成意向企业（家）",
    "negotiating": "正在推进（项）",
    "signed": "签约（项）",
    "signed_amount": "签约金额（万元）",
    "finance_recommended": "融资推荐（笔）",
    "finance_applied": "已申请（笔）",
    "finance_approved": "已获批（笔）",
    "finance_declined": "未获批（笔）",
    "finance_amount": "获批金额（万元）",
    "first_loans": "首贷（笔）",
}


class Funnel(BaseModel):
    """Counts of one selection; `label` names it, `summary` says it in one Chinese sentence."""

    label: str
    events: int = 0
    participants: int = 0
    meetings_planned: int = 0
    followed_up: int = 0
    meetings_held: int = 0
    no_show: int = 0
    cancelled: int = 0
    intents: int = 0
    intent_enterprises: int = 0
    negotiating: int = 0
    signed: int = 0
    signed_amount: float = 0.0
    finance_recommended: int = 0
    finance_applied: int = 0
    finance_approved: int = 0
    finance_declined: int = 0
    finance_amount: float = 0.0
    first_loans: int = 0
    summary: str = ""

    def rows(self) -> list[tuple[str, float]]:
        """(Chinese name, value) of every count, in funnel order."""
        return [(name, getattr(self, field)) for field, name in FUNNEL_LABELS.items()]


@dataclass(frozen=True)
class Filters:
    """What to count; None = no restriction."""

    event: str | None = None
    chain: str | None = None
    district: str | None = None
    start: date | None = None
    end: date | None = None

    def in_period(self, day: date | None) -> bool:
        if self.start is None and self.end is None:
            return True
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def wants(self, enterprise: Enterprise | None) -> bool:
        """Whether an enterprise passes the chain and district filters."""
        if self.chain is None and self.district is None:
            return True
        return (
            enterprise is not None
            and (self.chain is None or enterprise.chain == self.chain)
            and (self.district is None or enterprise.district == self.district)
        )

    @property
    def by_enterprise(self) -> bool:
        return self.chain is not None or self.district is not None


def known_filters(chain: str | None, district: str | None) -> tuple[str | None, str | None]:
    """Check a chain and a district named by a user (黄岛区 → 黄岛); MatcherError when unknown."""
    if chain is not None and chain not in CHAINS:
        raise MatcherError(f"未知的产业链「{chain}」，可选：{'、'.join(CHAINS)}")
    if district is not None:
        short = district.strip().removesuffix("区").removesuffix("市")
        if short not in DISTRICTS:
            raise MatcherError(f"未知的区市「{district}」，可选：{'、'.join(DISTRICTS)}")
        district = short
    return chain, district


def as_list(items: Iterable[T] | Mapping[str, T]) -> list[T]:
    """A list of outcomes given as a list or as a mapping by id."""
    return list(items.values()) if isinstance(items, Mapping) else list(items)


def amount_text(amount: float) -> str:
    """120 → "120", 12.5 → "12.5"."""
    return f"{amount:.2f}".rstrip("0").rstrip(".")


_PARTS_OF_YEAR = {
    ((1, 1), (12, 31)): "",
    ((1, 1), (6, 30)): "上半年",
    ((7, 1), (12, 31)): "下半年",
    ((1, 1), (3, 31)): "第一季度",
    ((4, 1), (6, 30)): "第二季度",
    ((7, 1), (9, 30)): "第三季度",
    ((10, 1), (12, 31)): "第四季度",
}


def period_label(start: date | None, end: date | None) -> str:
    """2025年, 2025年上半年, 2025年第三季度, 2025年3月1日至2025年3月20日, …以来, 截至…, 全部."""
    if start and end and start.year == end.year:
        part = _PARTS_OF_YEAR.get(((start.month, start.day), (end.month, end.day)))
        if part is not None:
            return f"{start.year}年{part}"

    def day(d: date) -> str:
        return f"{d.year}年{d.month}月{d.day}日"

    if start and end:
        return f"{day(start)}至{day(end)}"
    if start:
        return f"{day(start)}以来"
    if end:
        return f"截至{day(end)}"
    return "全部"


def selected_plans(
    plans: Iterable[EventPlan], enterprises: Mapping[str, Enterprise], filters: Filters
) -> list[EventPlan]:
    """The events in the period (and the one asked for) with a participant passing the filters."""
    chosen = []
    for plan in plans:
        if filters.event is not None and plan.event.id != filters.event:
            continue
        if not filters.in_period(plan.event.date):
            continue
        if filters.by_enterprise and not any(
            p.kind == "enterprise" and filters.wants(enterprises.get(p.ref))
            for p in plan.participants
        ):
            continue
        chosen.append(plan)
    return sorted(chosen, key=lambda p: (p.event.date, p.event.id))


def _enterprise_ids(plan: EventPlan) -> dict[str, str]:
    """Participant id → enterprise id ("" for universities and banks)."""
    return {p.id: p.ref if p.kind == "enterprise" else "" for p in plan.participants}


def funnel(
    meeting_outcomes: Iterable[MeetingOutcome] | Mapping[str, MeetingOutcome],
    finance_outcomes: Iterable[FinanceOutcome] | Mapping[str, FinanceOutcome],
    plans: Iterable[EventPlan],
    enterprises: Mapping[str, Enterprise],
    *,
    event: str | None = None,
    chain: str | None = None,
    district: str | None = None,
    start: date | None = None,
    end: date | None = None,
    label: str | None = None,
) -> Funnel:
    """Count the funnel of the selection; outcomes of events not in `plans` are not counted."""
    filters = Filters(event, chain, district, start, end)
    all_plans = {p.event.id: p for p in plans}
    chosen = {p.event.id: p for p in selected_plans(all_plans.values(), enterprises, filters)}
    counts = Funnel(label=label or _label(filters, all_plans))

    refs = {event_id: _enterprise_ids(plan) for event_id, plan in chosen.items()}

    def wanted(event_id: str, *participant_ids: str) -> list[str]:
        """The enterprises among the participants that pass the filters (a participant no
        longer in the plan counts by its id when that is an enterprise's)."""
        ids = [refs[event_id].get(p, p if p in enterprises else "") for p in participant_ids]
        return [e for e in ids if e and filters.wants(enterprises.get(e))]

    def counted(event_id: str, *participant_ids: str) -> bool:
        return not filters.by_enterprise or bool(wanted(event_id, *participant_ids))

    counts.events = len(chosen)
    counts.participants = len({e for event_id in chosen for e in wanted(event_id, *refs[event_id])})
    counts.meetings_planned = sum(
        counted(event_id, m.a, m.b) for event_id, plan in chosen.items() for m in plan.meetings
    )
    intent_enterprises: set[str] = set()
    for outcome in as_list(meeting_outcomes):
        if outcome.event_id not in chosen or not counted(outcome.event_id, outcome.a, outcome.b):
            continue
        counts.followed_up += 1
        counts.meetings_held += outcome.attendance == "held"
        counts.no_show += outcome.attendance == "no_show"
        counts.cancelled += outcome.attendance == "cancelled"
        rank = STAGE_ORDER.index(outcome.stage)
        if rank >= STAGE_ORDER.index("intent"):
            counts.intents += 1
            intent_enterprises.update(wanted(outcome.event_id, outcome.a, outcome.b))
        counts.negotiating += outcome.stage == "negotiating"
        if outcome.stage == "signed":
            counts.signed += 1
            counts.signed_amount += outcome.signed_amount or 0.0
    counts.intent_enterprises = len(intent_enterprises)

    for outcome in as_list(finance_outcomes):
        if not finance_counted(outcome, all_plans, enterprises, filters):
            continue
        counts.finance_recommended += 1
        counts.finance_applied += outcome.status != "recommended"
        counts.finance_approved += outcome.status == "approved"
        counts.finance_declined += outcome.status == "declined"
        if outcome.status == "approved":
            counts.finance_amount += outcome.amount or 0.0
            counts.first_loans += outcome.first_loan
    counts.summary = summary(counts)
    return counts


def finance_counted(
    outcome: FinanceOutcome,
    all_plans: Mapping[str, EventPlan],
    enterprises: Mapping[str, Enterprise],
    filters: Filters,
) -> bool:
    """Whether the funnel counts a financing outcome: its event (or, without one, the day it
    was last updated) in the period, its enterprise passing the chain and district filters."""
    if filters.event is not None and outcome.event_id != filters.event:
        return False
    if not filters.wants(enterprises.get(outcome.enterprise_id)):
        return False
    if outcome.event_id is not None and outcome.event_id in all_plans:
        return filters.in_period(all_plans[outcome.event_id].event.date)
    updated = outcome.updated_at.date() if outcome.updated_at else None
    return filters.event is None and filters.in_period(updated)


def _label(filters: Filters, plans: Mapping[str, EventPlan]) -> str:
    if filters.event is not None:
        plan = plans.get(filters.event)
        head = plan.event.name if plan else filters.event
    else:
        head = period_label(filters.start, filters.end)
    tail = [f"{filters.chain}产业链" if filters.chain else "", filters.district or ""]
    return "·".join([head, *(t for t in tail if t)])


def summary(counts: Funnel) -> str:
    """E.g. 2025年上半年：组织7场对接活动，300家企业参加；签约9个，正在推进36个，达成意向70家."""
    text = (
        f"{counts.label}：组织{counts.events}场对接活动，{counts.participants}家企业参加；"
        f"签约{counts.signed}个，正在推进{counts.negotiating}个，"
        f"达成意向{counts.intent_enterprises}家"
    )
    if counts.signed_amount:
        text += f"，签约金额{amount_text(counts.signed_amount)}万元"
    if counts.finance_recommended:
        text += (
            f"；融资对接{counts.finance_recommended}笔，获批{counts.finance_approved}笔"
            f"共{amount_text(counts.finance_amount)}万元，其中首贷{counts.first_loans}笔"
        )
    return text
