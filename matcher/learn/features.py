"""Pair features of a meeting (demand side, supply side) for the learned ranker.

A meeting's features come from three places: its text scores (the planner's reciprocal
score and its parts), the two sides' records (chain, district, tier, size; amount and term
fit for financing), and the sides' history at earlier events (meetings and intents). The
history of an event is computed only from events on earlier dates, and an intent counts
only from the day it was recorded, so no feature looks into the future of the event it
describes. Features a meeting lacks (no district distance for a university) are left out
of its dict; the rankers fill them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from matcher.events.model import EventPlan, Meeting
from matcher.outcomes.model import STAGE_ORDER, Change, MeetingOutcome, meeting_outcome_id
from matcher.types import Enterprise, FinanceProduct, Need, TechResult
from matcher.workspace import Workspace

# Every feature the learned ranker knows, in model column order.
FEATURES: tuple[str, ...] = (
    "relevance", "semantic", "lexical", "demand_side", "supply_side",
    "chain", "district", "distance_km",
    "demand_tier", "demand_size", "supply_tier", "supply_size",
    "supply_university", "supply_bank", "amount_fit", "term_fit",
    "demand_past_meetings", "demand_past_intents",
    "supply_past_meetings", "supply_past_intents", "pair_met_before",
)  # fmt: skip

TIER_LEVEL = {"创新型中小企业": 1, "专精特新": 2, "小巨人": 3}
SIZE_LEVEL = {"微型": 0, "小型": 1, "中型": 2, "大型": 3}
# Approximate centres (latitude, longitude) of the districts of Qingdao.
DISTRICT_COORDS: dict[str, tuple[float, float]] = {
    "市南": (36.067, 120.383), "市北": (36.087, 120.375), "李沧": (36.145, 120.433),
    "崂山": (36.107, 120.469), "黄岛": (35.960, 120.198), "城阳": (36.307, 120.396),
    "即墨": (36.389, 120.447), "胶州": (36.264, 120.033), "平度": (36.777, 119.960),
    "莱西": (36.887, 120.518),
}  # fmt: skip
# Which industry chains a tech result's field serves.
FIELD_CHAINS: dict[str, frozenset[str]] = {
    field: frozenset(chains.split())
    for field, chains in {
        "人工智能": "人工智能 新一代信息技术 智能装备 智能家电",
        "电子信息": "新一代信息技术 人工智能 智能家电",
        "量子信息": "未来产业 新一代信息技术",
        "智能制造": "智能装备 智能家电 美妆 新材料",
        "新能源": "未来产业 智能装备",
        "航空航天": "未来产业",
        "新材料": "新材料 未来产业 美妆",
        "生物医药": "生命健康 美妆",
        "医疗器械": "生命健康",
        "食品科学": "绿色健康食品",
        "海洋科学": "海洋经济 未来产业",
        "船舶与海洋工程": "海洋经济 智能装备",
        "轨道交通": "智能装备",
        "交通运输": "智能装备",
        "节能环保": "新材料 智能装备",
    }.items()
}
INTENT = STAGE_ORDER.index("intent")


def tier_level(enterprise: Enterprise) -> int:
    """0 none, 1 创新型中小企业, 2 专精特新, 3 小巨人 (the highest rung held)."""
    return max((TIER_LEVEL.get(t, 0) for t in enterprise.tiers), default=0)


def district_km(first: str, second: str) -> float:
    """Great-circle distance between two district centres, in km (0 for the same district)."""
    (lat1, lon1), (lat2, lon2) = DISTRICT_COORDS[first], DISTRICT_COORDS[second]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def range_fit(value: float, low: float, high: float) -> float:
    """1 inside [low, high], falling with the relative distance outside it."""
    if low <= value <= high:
        return 1.0
    gap = (low - value) / max(low, 1e-9) if value < low else (value - high) / max(high, 1e-9)
    return 1.0 / (1.0 + gap)


def stage_grade(stage: str | None) -> int:
    """0 none, 1 intent, 2 negotiating, 3 signed."""
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else 0


@dataclass(frozen=True)
class Records:
    """The records pair features read, loaded once from a workspace."""

    enterprises: Mapping[str, Enterprise]
    needs: Mapping[str, Need]
    tech_results: Mapping[str, TechResult]
    products: Mapping[str, FinanceProduct]

    @classmethod
    def load(cls, workspace: Workspace) -> Records:
        store = workspace.store
        return cls(
            store.load("enterprise"),  # type: ignore[arg-type]
            store.load("need"),  # type: ignore[arg-type]
            store.load("tech_result"),  # type: ignore[arg-type]
            store.load("finance_product"),  # type: ignore[arg-type]
        )


def record_features(records: Records, plan: EventPlan, meeting: Meeting) -> dict[str, float]:
    """Text scores and both sides' attributes of one meeting (no history)."""
    features = {"relevance": float(meeting.score)}
    features.update({name: float(v) for name, v in meeting.parts.items() if name in FEATURES})
    demand = records.enterprises.get(plan.participant(meeting.a).ref)
    supplier = plan.participant(meeting.b)
    features["supply_university"] = float(supplier.kind == "university")
    features["supply_bank"] = float(supplier.kind == "bank")
    if demand is None:
        return features
    features["demand_tier"] = float(tier_level(demand))
    features["demand_size"] = float(SIZE_LEVEL.get(demand.size, 1))
    if supplier.kind == "enterprise" and supplier.ref in records.enterprises:
        other = records.enterprises[supplier.ref]
        features["chain"] = float(other.chain == demand.chain)
        features["district"] = float(other.district == demand.district)
        features["distance_km"] = district_km(demand.district, other.district)
        features["supply_tier"] = float(tier_level(other))
        features["supply_size"] = float(SIZE_LEVEL.get(other.size, 1))
    elif supplier.kind == "university" and meeting.supply_id in records.tech_results:
        field = records.tech_results[meeting.supply_id].field
        features["chain"] = float(demand.chain in FIELD_CHAINS.get(field, ()))
    elif supplier.kind == "bank" and meeting.supply_id in records.products:
        product = records.products[meeting.supply_id]
        need = records.needs.get(meeting.need_id or "")
        if need is not None and need.amount is not None:
            features["amount_fit"] = range_fit(need.amount, product.amount_min, product.amount_max)
        if need is not None and need.term_months is not None:
            features["term_fit"] = range_fit(need.term_months, product.term_min, product.term_max)
    return features


def intent_dates(
    outcomes: Mapping[str, MeetingOutcome], changes: Iterable[Change] = ()
) -> dict[str, date]:
    """Outcome id → the day its stage first reached intent or beyond.

    From the change history when there is one; otherwise the outcome's last update stands
    in for that day (an outcome without an update time counts from its event onwards).
    """
    first: dict[str, date] = {}
    for change in sorted(changes, key=lambda c: c.at):
        if change.field == "stage" and stage_grade(change.new) >= INTENT:
            first.setdefault(change.outcome_id, change.at.date())
    for outcome_id, outcome in outcomes.items():
        if outcome_id not in first and stage_grade(outcome.stage) >= INTENT:
            first[outcome_id] = outcome.updated_at.date() if outcome.updated_at else date.min
    return first


def history_features(
    plans: Sequence[EventPlan], intents: Mapping[str, date]
) -> dict[str, dict[tuple[str, str], dict[str, float]]]:
    """Event id → (a, b) → history features, counted from events on strictly earlier dates.

    `intents` maps an outcome id to the day intent was reached (see `intent_dates`); an
    intent counts for an event only when it was recorded before the event's date.
    """
    ordered = sorted(plans, key=lambda p: (p.event.date, p.event.id))
    result: dict[str, dict[tuple[str, str], dict[str, float]]] = {}
    for plan in ordered:
        day = plan.event.date
        earlier = [p for p in ordered if p.event.date < day]
        meetings: Counter[str] = Counter()
        won: Counter[str] = Counter()
        pairs: set[frozenset[str]] = set()
        for past in earlier:
            for m in past.meetings:
                meetings.update((m.a, m.b))
                pairs.add(m.key)
                reached = intents.get(meeting_outcome_id(past.event.id, m.a, m.b))
                if reached is not None and reached < day:
                    won.update((m.a, m.b))
        result[plan.event.id] = {
            (m.a, m.b): {
                "demand_past_meetings": float(meetings[m.a]),
                "demand_past_intents": float(won[m.a]),
                "supply_past_meetings": float(meetings[m.b]),
                "supply_past_intents": float(won[m.b]),
                "pair_met_before": float(m.key in pairs),
            }
            for m in plan.meetings
        }
    return result


@dataclass(frozen=True)
class Example:
    """One meeting with its features and (when recorded) its outcome grade 0–3."""

    event_id: str
    event_date: date
    a: str
    b: str
    features: dict[str, float]
    grade: int | None
    attendance: str | None


def examples(
    workspace: Workspace,
    plans: Sequence[EventPlan],
    outcomes: Mapping[str, MeetingOutcome],
    changes: Iterable[Change] = (),
) -> list[Example]:
    """Every meeting of every plan, with features and its recorded grade (None if unrecorded)."""
    records = Records.load(workspace)
    history = history_features(plans, intent_dates(outcomes, changes))
    result = []
    for plan in sorted(plans, key=lambda p: (p.event.date, p.event.id)):
        for meeting in plan.meetings:
            features = record_features(records, plan, meeting)
            features.update(history[plan.event.id][meeting.a, meeting.b])
            outcome = outcomes.get(meeting_outcome_id(plan.event.id, meeting.a, meeting.b))
            result.append(
                Example(
                    event_id=plan.event.id,
                    event_date=plan.event.date,
                    a=meeting.a,
                    b=meeting.b,
                    features=features,
                    grade=stage_grade(outcome.stage) if outcome else None,
                    attendance=outcome.attendance if outcome else None,
                )
            )
    return result
