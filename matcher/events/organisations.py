"""Organisations: representatives that share one schedule, or meet exclusively.

A participant's organisation is `Participant.organisation` (None: the participant is its own).
With `Event.shared_schedule` the representatives of one organisation are one node for
pairing and scheduling: the organisation's lead (its first representative in participant
order) stands for all of them, with the largest `max_meetings` of them and the union of
their availability; every meeting of the organisation is stored under the lead's id, and
`agenda_meetings` gives each representative the lead's meetings. Otherwise each
representative is its own node, and meetings are exclusive: nobody meets two
representatives of one organisation unless both sides asked (see `exclusive`).
Representatives of one organisation are never paired with each other by the engine.
"""

from __future__ import annotations

from collections.abc import Hashable

from matcher.events.model import EventPlan, Meeting, Participant

Organisation = tuple[str, str]  # ("organisation", name) or ("participant", id)


def organisation_of(participant: Participant) -> Organisation:
    """The participant's organisation, or the participant itself when it names none."""
    if participant.organisation and participant.organisation.strip():
        return "organisation", participant.organisation.strip()
    return "participant", participant.id


def representatives(plan: EventPlan) -> dict[Organisation, list[Participant]]:
    """Organisation → its participants, in participant order."""
    members: dict[Organisation, list[Participant]] = {}
    for participant in plan.participants:
        members.setdefault(organisation_of(participant), []).append(participant)
    return members


def nodes(plan: EventPlan) -> dict[str, str]:
    """Participant id → the id pairing and scheduling use for it: its organisation's lead
    under a shared schedule, else itself."""
    if not plan.event.shared_schedule:
        return {p.id: p.id for p in plan.participants}
    return {p.id: group[0].id for group in representatives(plan).values() for p in group}


def node_members(plan: EventPlan) -> dict[str, list[Participant]]:
    """Node id → the participants it stands for."""
    members: dict[str, list[Participant]] = {}
    node_of = nodes(plan)
    for participant in plan.participants:
        members.setdefault(node_of[participant.id], []).append(participant)
    return members


def node_capacity(plan: EventPlan) -> dict[str, int]:
    """Node id → how many meetings it can take (max meetings, within its available slots)."""
    slots = len(plan.event.slots)
    available = node_availability(plan)
    return {
        node: min(max(p.max_meetings for p in group), len(available.get(node, range(slots))))
        for node, group in node_members(plan).items()
    }


def node_availability(plan: EventPlan) -> dict[str, set[int]]:
    """Node id → its available slots, for the nodes limited to some slots."""
    slots = len(plan.event.slots)
    result = {}
    for node, group in node_members(plan).items():
        if all(p.availability is not None for p in group):
            result[node] = {s for p in group for s in p.availability or () if s < slots}
    return result


def exclusive(plan: EventPlan) -> dict[str, Hashable]:
    """Node id → its organisation, for organisations of several nodes (the pairing lets
    nobody meet two of them unless both sides asked)."""
    members = node_members(plan)
    by_organisation: dict[Organisation, list[str]] = {}
    for node, group in members.items():
        by_organisation.setdefault(organisation_of(group[0]), []).append(node)
    return {node: key for key, group in by_organisation.items() if len(group) > 1 for node in group}


def same_organisation(plan: EventPlan, first: str, second: str) -> bool:
    """Whether two participants represent one organisation."""
    return organisation_of(plan.participant(first)) == organisation_of(plan.participant(second))


def agenda_meetings(plan: EventPlan, participant_id: str) -> list[Meeting]:
    """The meetings on a participant's agenda: its own, or its organisation's under a shared
    schedule (stored under the organisation's lead)."""
    node = nodes(plan).get(participant_id, participant_id)
    return [m for m in plan.meetings if node in (m.a, m.b) or participant_id in (m.a, m.b)]
