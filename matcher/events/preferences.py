"""Participants' own choices, weighed into the pairing as Grip weighs them.

Each participant marks counterparts 必见 / 想见 / 不见 (`Participant.picks`), or sends
meeting requests the other side accepts (`EventPlan.requests`). The reciprocal score stays
the base of a pair's weight; both sides' picks add to it:
- 不见 from either side: the pair never meets;
- 必见 from both sides, or an accepted request: a wanted pair, met wherever capacities allow
  (`pairing.WANTED_BONUS`), and noted when it did not fit;
- a one-sided 必见 adds `PICK_BONUS["must"]`, each 想见 `PICK_BONUS["want"]` (scores lie in
  [0, 1], so a 想见 lifts a pair by a quarter of the best possible score).
Picks naming someone who is not a participant are ignored. Pairs that met at an earlier
event (a held meeting, or any scheduled one not cancelled or missed) are not paired again
unless the pair is wanted. The organiser's must-meet, never-meet, locks and removals
override all of this (see the planner).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from matcher.events.model import PICK_LABELS, EventPlan

PICK_BONUS = {"must": 0.5, "want": 0.25}
WANTED_REASON = "双方均标记必见"
REQUEST_REASON = "双方同意的会谈邀请"
MET_BEFORE_STATUSES = ("planned", "held")  # a scheduled meeting in these states took place


@dataclass
class Choices:
    """Pairs (participant ids) as the participants' own choices leave them."""

    never: set[frozenset[str]] = field(default_factory=set)
    wanted: set[frozenset[str]] = field(default_factory=set)
    requested: set[frozenset[str]] = field(default_factory=set)  # accepted requests
    bonus: dict[frozenset[str], float] = field(default_factory=dict)
    reasons: dict[frozenset[str], str] = field(default_factory=dict)


def participant_choices(plan: EventPlan) -> Choices:
    """The never-meets, wanted pairs, bonuses and reasons the participants' picks and
    accepted requests give."""
    ids = {p.id for p in plan.participants}
    names = {p.id: p.name for p in plan.participants}
    picks: dict[frozenset[str], dict[str, str]] = {}
    for participant in plan.participants:
        for other, pick in participant.picks.items():
            if other in ids and other != participant.id:
                picks.setdefault(frozenset((participant.id, other)), {})[participant.id] = pick
    choices = Choices()
    for request in plan.requests:
        if request.status == "accepted" and request.key <= ids and len(request.key) == 2:
            choices.requested.add(request.key)
    for key, marked in picks.items():
        if "no" in marked.values():
            choices.never.add(key)
            continue
        bonus = sum(PICK_BONUS[pick] for pick in marked.values())
        if bonus:
            choices.bonus[key] = bonus
        if len(marked) == 2 and set(marked.values()) == {"must"}:
            choices.wanted.add(key)
            choices.reasons[key] = WANTED_REASON
        else:
            shown = "、".join(
                f"{names[p]} {PICK_LABELS[pick]}" for p, pick in sorted(marked.items())
            )
            choices.reasons[key] = f"参会方意向：{shown}"
    for key in choices.requested - choices.never:
        choices.wanted.add(key)
        choices.reasons[key] = REQUEST_REASON
    return choices


def met_before(plan: EventPlan, earlier: Iterable[EventPlan]) -> set[frozenset[str]]:
    """Pairs of this event's participants that met at an event before this one."""
    ids = {p.id for p in plan.participants}
    met = set()
    for other in earlier:
        if other.event.id == plan.event.id or other.event.date >= plan.event.date:
            continue
        for meeting in other.meetings:
            took_place = meeting.status == "held" or (
                meeting.slot is not None and meeting.status in MET_BEFORE_STATUSES
            )
            if took_place and meeting.key <= ids:
                met.add(meeting.key)
    return met
