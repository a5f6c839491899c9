"""Pair features of a meeting (demand side, supply side) for the learned ranker.

A meeting's features come from three places: its text scores (the pair's calibrated
confidence and channel cosines, both sides' preferences), the two sides' records through
`matcher.pair_features` (the same definitions the rankers serve with), and the sides'
history at earlier events (meetings and intents). The
history of an event is computed only from events on earlier dates, and an intent counts
only from the day it was recorded, so no feature looks into the future of the event it
describes. Features a meeting lacks (no district distance for a university) are left out
of its dict; the rankers fill them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from matcher.events.model import EventPlan, Meeting
from matcher.outcomes.model import STAGE_ORDER, Change, MeetingOutcome, meeting_outcome_id
from matcher.pair_features import pair_features
from matcher.types import Enterprise, FinanceProduct, Need, Offer, TechResult
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

INTENT = STAGE_ORDER.index("intent")


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
    offers: Mapping[str, Offer]

    @classmethod
    def load(cls, workspace: Workspace) -> Records:
        store = workspace.store
        return cls(
            store.load("enterprise"),  # type: ignore[arg-type]
            store.load("need"),  # type: ignore[arg-type]
            store.load("tech_result"),  # type: ignore[arg-type]
            store.load("finance_product"),  # type: ignore[arg-type]
            store.load("offer"),  # type: ignore[arg-type]
        )


def record_features(records: Records, plan: EventPlan, meeting: Meeting) -> dict[str, float]:
    """Text scores and both sides' attributes of one meeting (no history), by `pair_features`."""
    text = {name: float(v) for name, v in meeting.parts.items() if name in FEATURES}
    demand = records.enterprises.get(plan.participant(meeting.a).ref)
    supplier = plan.participant(meeting.b)
    supply_id = meeting.supply_id or ""
    supply = (
        records.tech_results.get(supply_id)
        or records.products.get(supply_id)
        or records.offers.get(supply_id)
    )
    owner = records.enterprises.get(supplier.ref) if supplier.kind == "enterprise" else None
    if supply is None:  # the supply record is gone: only the meeting's own scores remain
        return text
    need = records.needs.get(meeting.need_id or "")
    return pair_features(text, supply, demand, need, owner)


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
