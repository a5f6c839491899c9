"""The pairing problem of an event: who may meet whom, and what each pair is worth.

It combines the engine's candidates with, in order of precedence:
1. the organiser's must-meets, locks, never-meets and removals (they override the rest);
2. the participants' picks and accepted requests (`preferences`);
3. pairs that met at an earlier event (not again unless the pair is wanted);
4. organisations (`organisations`): a shared schedule makes one node of an organisation
   (meetings are stored under its lead), otherwise meetings are exclusive; representatives
   of one organisation are not paired with each other unless the organiser says so.
Everything is expressed on nodes (participant ids, or organisation leads).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from matcher.events.model import EventPlan, Meeting
from matcher.events.organisations import exclusive, node_capacity, nodes, organisation_of
from matcher.events.pairing import Pair, PairingProblem
from matcher.events.preferences import Choices, met_before, participant_choices

Key = frozenset[str]


@dataclass
class EventProblem:
    """The pairing problem, the candidates on nodes, and what the choices say of each pair."""

    problem: PairingProblem
    candidates: dict[Key, Meeting]
    choices: Choices  # on nodes
    must: set[Key]  # the organiser's must-meets, on nodes


def oriented(plan: EventPlan, first: str, second: str) -> tuple[str, str]:
    """(demand side, supply side) of two participants, by their roles."""
    if plan.participant(first).role == "supply" or plan.participant(second).role == "demand":
        return second, first
    return first, second


def on_nodes(keys: Iterable[Iterable[str]], node: Mapping[str, str]) -> set[Key]:
    """Pairs of participants as pairs of nodes (pairs inside one node dropped)."""
    mapped = {frozenset(node.get(p, p) for p in key) for key in keys}
    return {key for key in mapped if len(key) == 2}


def node_meeting(meeting: Meeting, node: Mapping[str, str]) -> Meeting:
    """The meeting between nodes: a representative's meeting under its organisation's lead."""
    a, b = node.get(meeting.a, meeting.a), node.get(meeting.b, meeting.b)
    return (
        meeting if (a, b) == (meeting.a, meeting.b) else meeting.model_copy(update={"a": a, "b": b})
    )


def node_candidates(plan: EventPlan, candidates: Iterable[Meeting]) -> dict[Key, Meeting]:
    """The best candidate per pair of nodes, none inside one organisation."""
    node = nodes(plan)
    organisation = {p.id: organisation_of(p) for p in plan.participants}
    best: dict[Key, Meeting] = {}
    for meeting in sorted(candidates, key=lambda m: -m.score):
        if organisation[meeting.a] == organisation[meeting.b]:
            continue
        moved = node_meeting(meeting, node)
        best.setdefault(moved.key, moved)
    return best


def _choices_on_nodes(plan: EventPlan, earlier: Iterable[EventPlan]) -> Choices:
    """The participants' choices, and pairs that met before, on nodes."""
    node = nodes(plan)
    own = participant_choices(plan)
    mapped = Choices(
        never=on_nodes(own.never | (met_before(plan, earlier) - own.wanted), node),
        wanted=on_nodes(own.wanted, node),
        requested=on_nodes(own.requested, node),
    )
    for key, bonus in own.bonus.items():
        moved = on_nodes([key], node)
        for pair in moved:
            mapped.bonus[pair] = max(bonus, mapped.bonus.get(pair, 0.0))
    for key, reason in own.reasons.items():
        for pair in on_nodes([key], node):
            mapped.reasons.setdefault(pair, reason)
    return mapped


def _across(plan: EventPlan, key: Key) -> bool:
    """Whether a pair has a demand side and a supply side: a one-sided pick only makes a pair
    the engine did not propose when it does (two demand-only or two supply-only participants
    meet only when both asked), which also keeps the pairing two-sided, so exact and fast."""
    roles = {plan.participant(p).role for p in key}
    return roles not in ({"demand"}, {"supply"})


def event_problem(
    plan: EventPlan,
    candidates: Iterable[Meeting],
    must: set[Key],
    never: set[Key],
    kept: Mapping[Key, Meeting],
    earlier: Iterable[EventPlan],
) -> EventProblem:
    """The pairing problem of `plan`: `must` and `never` are the organiser's (with removals
    and inactive meetings), `kept` the meetings kept as they are (on nodes)."""
    node = nodes(plan)
    by_pair = node_candidates(plan, candidates)
    choices = _choices_on_nodes(plan, earlier)
    forced = on_nodes(must, node) | set(kept)
    barred = (choices.never - forced) | on_nodes(never, node)
    wanted = choices.wanted - barred - forced
    pairs = [Pair(m.a, m.b, m.score + choices.bonus.get(key, 0.0)) for key, m in by_pair.items()]
    for key in sorted((set(choices.bonus) | wanted) - set(by_pair) - barred, key=sorted):
        if key in wanted or _across(plan, key):
            pairs.append(Pair(*oriented(plan, *sorted(key)), choices.bonus.get(key, 0.0)))
    slots = len(plan.event.slots)
    problem = PairingProblem(
        capacity=node_capacity(plan),
        max_total=slots * plan.event.tables,
        pairs=pairs,
        must_meet=forced,
        never_meet=barred,
        min_meetings=plan.event.min_meetings,
        fairness=plan.event.fairness,
        wanted=wanted,
        organisation=exclusive(plan),
    )
    return EventProblem(problem, by_pair, choices, on_nodes(must, node))
