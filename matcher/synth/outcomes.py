"""Outcome simulator — FOR DEMOS AND TESTS ONLY. Its figures never measure product quality.

It plays half a year of docking events on a workspace holding the sample data, so that the
follow-up funnel, the notebooks and the learned ranker have something to work on before
real outcomes are recorded:

1. seven events between January and June 2025 around 人工智能, 新一代信息技术, 生命健康,
   未来产业 and 智能装备 (one of them a financing day with banks), about 300 distinct
   enterprises plus universities and banks, paired and scheduled by the real planner
   (`matcher.events.planner`) and saved with `matcher.events.store`;
2. for every meeting a HIDDEN true utility: semantic similarity, same chain, the demand
   side's tier, district distance, size fit (amount fit with a bank), a seeded latent
   propensity per enterprise, an interaction the baseline ranker cannot see (tiered firms
   gain more from universities; small firms from neighbours in their own district) and
   noise;
3. attendance (held / no_show / cancelled) and the stage reached (intent → negotiating →
   signed), with dates, signed amounts and financing outcomes, written with their history
   through `matcher.outcomes.store`.

The stage thresholds are calibrated (by bisection over fixed random draws) so the
half-year funnel reads like the bureau's report: about 9 signed, 36 in progress and 70
enterprises with an intent. Everything is deterministic for a given seed and data.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from tqdm import tqdm

from matcher.embed.base import Encoder
from matcher.errors import MatcherError
from matcher.events.candidates import refresh_event_indexes
from matcher.events.model import Event, EventKind, EventPlan, Meeting, make_slots
from matcher.events.participants import participant_for
from matcher.events.planner import pair_event, schedule_event
from matcher.events.store import list_plans, save_plan
from matcher.index.builder import workspace_encoder
from matcher.learn.features import Records, record_features
from matcher.outcomes.model import STAGE_ORDER, meeting_outcome_id
from matcher.outcomes.store import record_finance_outcomes, record_meeting_outcomes
from matcher.pair_features import FIELD_CHAINS
from matcher.workspace import Workspace

DEFAULT_SEED = 20250101
SIMULATOR = "模拟器（演示数据）"
LAST_DAY = date(2025, 8, 31)  # follow-ups are simulated up to this day
PROPENSITY_SPREAD = 0.5  # sd of the latent per-enterprise propensity
NOISE = 0.3  # sd of the per-meeting noise of the hidden utility


@dataclass(frozen=True)
class EventSpec:
    """One simulated event: who is invited and how many."""

    id: str
    name: str
    day: date
    chain: str | None
    kind: EventKind = "industry"
    enterprises: int = 50
    universities: int = 6
    banks: int = 0
    repeat_share: float = 0.0  # share of enterprises invited again from earlier events
    chains: tuple[str, ...] = ()  # for a financing day: the chains it draws enterprises from


@dataclass(frozen=True)
class FunnelTargets:
    """What the calibrated funnel should read."""

    signed: int
    negotiating: int
    intent_enterprises: int


FIVE_CHAINS = ("人工智能", "新一代信息技术", "生命健康", "未来产业", "智能装备")
DEFAULT_EVENTS: tuple[EventSpec, ...] = (
    EventSpec("sim-2501-ai", "人工智能产业链对接会", date(2025, 1, 16), "人工智能",
              enterprises=55),
    EventSpec("sim-2502-it", "新一代信息技术产业链对接会", date(2025, 2, 20), "新一代信息技术",
              enterprises=55),
    EventSpec("sim-2503-fin", "政金企融资对接会", date(2025, 3, 13), None, kind="finance",
              enterprises=50, universities=0, banks=8, repeat_share=0.5, chains=FIVE_CHAINS),
    EventSpec("sim-2504-life", "生命健康产业链对接会", date(2025, 4, 10), "生命健康",
              enterprises=45),
    EventSpec("sim-2504-future", "未来产业对接会", date(2025, 4, 24), "未来产业",
              enterprises=40),
    EventSpec("sim-2505-equip", "智能装备产业链对接会", date(2025, 5, 22), "智能装备",
              enterprises=55),
    EventSpec("sim-2506-ai", "人工智能产业链对接会·第二场", date(2025, 6, 19), "人工智能",
              enterprises=50, repeat_share=0.4),
)  # fmt: skip
DEFAULT_TARGETS = FunnelTargets(signed=9, negotiating=36, intent_enterprises=70)
SMALL_EVENTS: tuple[EventSpec, ...] = (
    EventSpec("sim-2501-ai", "人工智能产业链对接会", date(2025, 1, 16), "人工智能",
              enterprises=24, universities=2),
    EventSpec("sim-2503-fin", "政金企融资对接会", date(2025, 3, 13), None, kind="finance",
              enterprises=20, universities=0, banks=4, repeat_share=0.4,
              chains=("人工智能", "智能装备")),
    EventSpec("sim-2505-equip", "智能装备产业链对接会", date(2025, 5, 22), "智能装备",
              enterprises=24, universities=2),
    EventSpec("sim-2506-ai", "人工智能产业链对接会·第二场", date(2025, 6, 19), "人工智能",
              enterprises=24, universities=2, repeat_share=0.5),
)  # fmt: skip
SMALL_TARGETS = FunnelTargets(signed=3, negotiating=10, intent_enterprises=22)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass
class Simulation:
    """What the simulator made: the event plans, and per outcome id its attendance and stage."""

    plans: list[EventPlan]
    stages: dict[str, str] = field(default_factory=dict)
    attendance: dict[str, str] = field(default_factory=dict)


# events ------------------------------------------------------------------------------------
def _pools(workspace: Workspace) -> dict[str, Any]:
    store = workspace.store
    needs_by: dict[str, set[str]] = defaultdict(set)
    for need in store.load("need").values():
        needs_by[need.enterprise_id].add(need.kind)  # type: ignore[attr-defined]
    offers = {o.enterprise_id for o in store.load("offer").values()}  # type: ignore[attr-defined]
    enterprises = store.load("enterprise")
    fields: dict[str, set[str]] = defaultdict(set)
    for result in store.load("tech_result").values():
        fields[result.field].add(result.university)  # type: ignore[attr-defined]
    banks = sorted({p.bank for p in store.load("finance_product").values()})  # type: ignore[attr-defined]
    return {"needs": needs_by, "offers": offers, "enterprises": enterprises,
            "fields": fields, "banks": banks}  # fmt: skip


def _eligible(spec: EventSpec, pools: dict[str, Any], enterprise_id: str) -> bool:
    kinds = pools["needs"].get(enterprise_id, set())
    if spec.kind == "finance":
        return "finance" in kinds
    return bool(kinds & {"tech", "partner"}) or enterprise_id in pools["offers"]


def _invite(
    spec: EventSpec, pools: dict[str, Any], seen: list[str], rng: random.Random
) -> list[str]:
    """Enterprise ids for one event: some from earlier events, the rest new to the series."""
    chains = set(spec.chains or (spec.chain,))
    pool = sorted(e.id for e in pools["enterprises"].values()
                  if e.chain in chains and _eligible(spec, pools, e.id))  # fmt: skip
    earlier = [e for e in pool if e in set(seen)]
    again = rng.sample(earlier, min(len(earlier), round(spec.enterprises * spec.repeat_share)))
    fresh = [e for e in pool if e not in set(seen)]
    return again + rng.sample(fresh, min(len(fresh), spec.enterprises - len(again)))


def invitations(workspace: Workspace, specs: Sequence[EventSpec], seed: int) -> list[list[str]]:
    """The enterprise ids invited to each event, in order (deterministic for a seed)."""
    pools = _pools(workspace)
    rng = random.Random(seed)
    seen: list[str] = []
    invited = []
    for spec in specs:
        chosen = _invite(spec, pools, seen, rng)
        seen += [e for e in chosen if e not in set(seen)]
        invited.append(chosen)
    return invited


def plan_events(
    workspace: Workspace,
    specs: Sequence[EventSpec],
    encoder: Encoder,
    seed: int = DEFAULT_SEED,
    progress: bool = True,
) -> list[EventPlan]:
    """Create, pair, schedule and save every event (refused if one of them exists already)."""
    taken = {p.event.id for p in list_plans(workspace)} & {s.id for s in specs}
    if taken:
        raise MatcherError(
            f"工作区中已有模拟活动（{'、'.join(sorted(taken))}），请在新的工作区中运行模拟"
        )
    pools = _pools(workspace)
    rng = random.Random(seed + 3)
    plans = []
    invited = invitations(workspace, specs, seed)
    for spec, enterprises in tqdm(list(zip(specs, invited, strict=True)), desc="模拟对接活动",
                                  disable=not progress):  # fmt: skip
        participants = [participant_for(workspace, "enterprise", e) for e in enterprises]
        if spec.kind == "finance":
            participants = [p.model_copy(update={"role": "demand"}) for p in participants]
        serving = sorted({u for f, us in pools["fields"].items()
                          if spec.chain in FIELD_CHAINS.get(f, ()) for u in us})  # fmt: skip
        for university in rng.sample(serving, min(len(serving), spec.universities)):
            participants.append(participant_for(workspace, "university", university,
                                                max_meetings=8))  # fmt: skip
        for bank in rng.sample(pools["banks"], min(len(pools["banks"]), spec.banks)):
            participants.append(participant_for(workspace, "bank", bank, max_meetings=8))
        event = Event(
            id=spec.id, name=f"{spec.name}（模拟）", kind=spec.kind, chain=spec.chain,
            date=spec.day, venue="青岛国际会展中心", slots=make_slots(time(9), 20, 8, 5), tables=20,
        )  # fmt: skip
        # Each simulated event is paired on its own (earlier=[]): the series models repeat
        # visitors whose outcomes with the same counterparts the ranker learns from.
        plan = schedule_event(pair_event(EventPlan(event=event, participants=participants),
                                         workspace, encoder, earlier=[]))  # fmt: skip
        save_plan(workspace, plan)
        plans.append(plan)
    return plans


# hidden truth ------------------------------------------------------------------------------
def _propensity(seed: int, participant_id: str, spread: float) -> float:
    return random.Random(f"{seed}:{participant_id}").gauss(0.0, spread)


def hidden_utility(features: dict[str, float], propensity_a: float, propensity_b: float) -> float:
    """The simulator's secret: how much a pair really wants to work together (before noise)."""
    tier = features.get("demand_tier", 0.0)
    size = features.get("demand_size", 1.0)
    university = features.get("supply_university", 0.0)
    if university:
        size_fit = float(size >= 2)
    elif features.get("supply_bank", 0.0):
        size_fit = features.get("amount_fit", 0.5)
    else:
        size_fit = 1.0 - abs(size - features.get("supply_size", size)) / 3
    hidden = 2.0 * float(tier >= 2 and university) + 1.6 * float(
        size <= 1 and features.get("district", 0.0) == 1.0
    )
    return (
        4.0 * (features.get("relevance", 0.5) - 0.5)
        + 2.0 * (features.get("semantic", 0.45) - 0.45)
        + 0.6 * features.get("chain", 0.0)
        + 0.25 * tier
        + 0.5 * size_fit
        - 0.012 * features.get("distance_km", 0.0)
        + hidden
        + propensity_a
        + 0.5 * propensity_b
    )


def _calibrate(count: Callable[[float], int], target: int) -> float:
    """The smallest offset (to 1e-4) whose count reaches `target`; count rises with the offset."""
    low, high = -20.0, 20.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (low, mid) if count(mid) >= target else (mid, high)
    return high


@dataclass
class _Draw:
    key: str
    plan: EventPlan
    meeting: Meeting
    x: float
    u: tuple[float, float, float, float]
    attendance: str = "held"
    grade: int = 0


def _enterprises(draw: _Draw) -> set[str]:
    return {p for p in (draw.meeting.a, draw.meeting.b)
            if draw.plan.participant(p).kind == "enterprise"}  # fmt: skip


def draw_stages(
    workspace: Workspace, plans: Sequence[EventPlan], targets: FunnelTargets, seed: int
) -> Simulation:
    """Attendance and the stage reached by every meeting, from the hidden utility."""
    records = Records.load(workspace)
    rng = random.Random(seed + 1)
    draws: list[_Draw] = []
    for plan in sorted(plans, key=lambda p: (p.event.date, p.event.id)):
        for meeting in plan.meetings:
            features = record_features(records, plan, meeting)
            pa = _propensity(seed, meeting.a, PROPENSITY_SPREAD)
            enterprise = plan.participant(meeting.b).kind == "enterprise"
            pb = _propensity(seed, meeting.b, PROPENSITY_SPREAD if enterprise else 0.3)
            x = hidden_utility(features, pa, pb) + rng.gauss(0.0, NOISE)
            u = (rng.random(), rng.random(), rng.random(), rng.random())
            draw = _Draw(
                meeting_outcome_id(plan.event.id, meeting.a, meeting.b), plan, meeting, x, u
            )
            if u[0] < 0.04:
                draw.attendance = "cancelled"
            elif u[0] < 0.04 + _sigmoid(-2.8 - 1.2 * pa):
                draw.attendance = "no_show"
            draws.append(draw)
    held = [d for d in draws if d.attendance == "held"]

    def reached(offset: float, pool: list[_Draw], column: int) -> list[_Draw]:
        return [d for d in pool if d.u[column] < _sigmoid(offset + d.x)]

    def enterprises(offset: float) -> int:
        return len(set().union(*(_enterprises(d) for d in reached(offset, held, 1))))

    intents = reached(_calibrate(enterprises, targets.intent_enterprises), held, 1)
    advanced_target = targets.negotiating + targets.signed
    advanced = reached(_calibrate(lambda o: len(reached(o, intents, 2)), advanced_target),
                       intents, 2)  # fmt: skip
    signed = reached(_calibrate(lambda o: len(reached(o, advanced, 3)), targets.signed),
                     advanced, 3)  # fmt: skip
    for group, grade in ((intents, 1), (advanced, 2), (signed, 3)):
        for d in group:
            d.grade = grade
    return Simulation(
        plans=list(plans),
        stages={d.key: STAGE_ORDER[d.grade] for d in draws},
        attendance={d.key: d.attendance for d in draws},
    )


# timeline ----------------------------------------------------------------------------------
def _at(day: date, hour: int = 17) -> datetime:
    return datetime.combine(min(day, LAST_DAY), time(hour))


def _signed_amount(revenue: float, rng: random.Random) -> float:
    return round(math.exp(rng.gauss(math.log(max(50.0, revenue * 0.05)), 0.6)), 1)


def timeline(
    workspace: Workspace, simulation: Simulation, seed: int
) -> tuple[list[tuple[datetime, dict, dict]], list[tuple[datetime, dict, dict]]]:
    """Dated updates (when, key, changes) for meetings and for financing matches."""
    records = Records.load(workspace)
    rng = random.Random(seed + 2)
    meeting_steps: list[tuple[datetime, dict, dict]] = []
    finance_steps: list[tuple[datetime, dict, dict]] = []
    for plan in simulation.plans:
        day = plan.event.date
        for meeting in plan.meetings:
            key = {"event_id": plan.event.id, "a": meeting.a, "b": meeting.b}
            outcome_id = meeting_outcome_id(plan.event.id, meeting.a, meeting.b)
            grade = STAGE_ORDER.index(simulation.stages[outcome_id])
            attendance = simulation.attendance[outcome_id]
            when = day + timedelta(days=1)
            first: dict[str, Any] = {"attendance": attendance, "notes": "模拟数据"}
            if grade and rng.random() < 0.5:
                first["stage"] = "intent"
            meeting_steps.append((_at(when), key, first))
            for stage in STAGE_ORDER[1 : grade + 1]:
                if stage == "intent" and "stage" in first:
                    continue
                when += timedelta(days=rng.randint(*{"intent": (3, 14), "negotiating": (10, 45),
                                                     "signed": (20, 75)}[stage]))  # fmt: skip
                changes: dict[str, Any] = {"stage": stage}
                if stage == "signed":
                    revenue = records.enterprises[plan.participant(meeting.a).ref].revenue
                    changes["signed_amount"] = _signed_amount(revenue, rng)
                meeting_steps.append((_at(when), key, changes))
            if grade in (1, 2):
                follow = min(when, LAST_DAY) + timedelta(days=30)
                meeting_steps.append((_at(min(when, LAST_DAY)), key, {"next_follow_up": follow}))
            if plan.event.kind == "finance" and meeting.supply_id and attendance == "held":
                finance_steps += _finance_steps(records, plan, meeting, grade, rng)
    return meeting_steps, finance_steps


def _finance_steps(
    records: Records, plan: EventPlan, meeting: Meeting, grade: int, rng: random.Random
) -> list[tuple[datetime, dict, dict]]:
    enterprise_id = plan.participant(meeting.a).ref
    key = {"enterprise_id": enterprise_id, "product_id": meeting.supply_id}
    day = plan.event.date + timedelta(days=1)
    steps = [(_at(day), key, {"event_id": plan.event.id, "notes": "模拟数据"})]
    if grade == 0:
        return steps
    day += timedelta(days=rng.randint(5, 20))
    steps.append((_at(day), key, {"status": "applied"}))
    if grade >= 2 or rng.random() < 0.3:
        product = records.products[meeting.supply_id]  # type: ignore[index]
        need = records.needs.get(meeting.need_id or "")
        wanted = need.amount if need and need.amount else product.amount_max / 2
        amount = round(min(max(wanted, product.amount_min), product.amount_max), 1)
        day += timedelta(days=rng.randint(10, 40))
        approved = {"status": "approved", "amount": amount, "first_loan": rng.random() < 0.3}
        steps.append((_at(day), key, approved if grade >= 2 else {"status": "declined"}))
    return steps


def _record_in_order(workspace: Workspace, steps, record) -> None:  # type: ignore[no-untyped-def]
    by_time: dict[datetime, list[tuple[dict, dict]]] = defaultdict(list)
    for when, key, changes in steps:
        by_time[when].append((key, changes))
    for when in sorted(by_time):
        record(workspace, by_time[when], SIMULATOR, when, source="模拟器")


def simulate_outcomes(
    workspace: Workspace,
    *,
    seed: int = DEFAULT_SEED,
    small: bool = False,
    encoder: Encoder | None = None,
    progress: bool = True,
) -> Simulation:
    """Play the simulated half year on `workspace` and record every outcome (DEMO DATA ONLY).

    `small` runs four small events (for tests and quick notebooks). The workspace must hold
    the sample data (`matcher import data/sample`); the indexes event candidates search are
    brought up to date first.
    """
    specs, targets = (SMALL_EVENTS, SMALL_TARGETS) if small else (DEFAULT_EVENTS, DEFAULT_TARGETS)
    encoder = encoder or workspace_encoder(workspace)
    refresh_event_indexes(workspace, encoder, progress)
    plans = plan_events(workspace, specs, encoder, seed, progress)
    simulation = draw_stages(workspace, plans, targets, seed)
    meeting_steps, finance_steps = timeline(workspace, simulation, seed)
    _record_in_order(workspace, meeting_steps, record_meeting_outcomes)
    _record_in_order(workspace, finance_steps, record_finance_outcomes)
    return simulation
