"""Late changes to an event in the service: removing participants and meetings onto the
restore list, restoring them, and editing the event's settings. Each goes through
`ServiceState.event_change` (row lock, version check against `expected`, audit)."""

from __future__ import annotations

from matcher.events.edits import apply_settings
from matcher.events.model import Event, EventPlan
from matcher.events.restore import remove_meeting, remove_participant, restore
from service.state import ServiceState
from storage.models import utc_now


def drop_participant(
    state: ServiceState, event_id: str, participant_id: str, actor: int | None,
    expected: int | None = None,
) -> tuple[EventPlan, str]:  # fmt: skip
    """Remove a participant and its meetings onto the restore list; the plan and a notice."""
    said: list[str] = []

    def change(plan: EventPlan) -> str:
        count = sum(participant_id in (m.a, m.b) for m in plan.meetings)
        entry = remove_participant(plan, participant_id, utc_now())
        said.append(f"已删除{entry.label}及其 {count} 场会谈，可在「可恢复的删除」中恢复")
        return f"删除{entry.label}（会谈 {count} 场）"

    return state.event_change(event_id, change, actor, expected), said[0]


def drop_meeting(
    state: ServiceState, event_id: str, a: str, b: str, actor: int | None,
    expected: int | None = None,
) -> tuple[EventPlan, str]:  # fmt: skip
    """Remove a meeting onto the restore list (the pair is not proposed again until then)."""
    said: list[str] = []

    def change(plan: EventPlan) -> str:
        entry = remove_meeting(plan, a, b, utc_now())
        said.append(f"已删除{entry.label}，该配对不会再被安排（可在「可恢复的删除」中恢复）")
        return f"删除{entry.label}"

    return state.event_change(event_id, change, actor, expected), said[0]


def bring_back(
    state: ServiceState, event_id: str, index: int, actor: int | None,
    expected: int | None = None,
) -> tuple[EventPlan, str]:  # fmt: skip
    """Restore entry `index` of the restore list as it was."""
    said: list[str] = []

    def change(plan: EventPlan) -> str:
        said.append(restore(plan, index))
        return said[0]

    return state.event_change(event_id, change, actor, expected), said[0]


def edit_settings(
    state: ServiceState, event_id: str, event: Event, unschedule: bool, actor: int | None,
    expected: int | None = None,
) -> tuple[EventPlan, str]:  # fmt: skip
    """Replace the event's settings (validated against the schedule, see `apply_settings`)."""
    said: list[str] = []

    def change(plan: EventPlan) -> str:
        said.append(apply_settings(plan, event, unschedule))
        return said[0]

    return state.event_change(event_id, change, actor, expected), said[0]
