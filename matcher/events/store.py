"""Event plans saved as JSON files in the workspace (`events/<id>.json`), written atomically."""

from __future__ import annotations

from matcher.atomic import write_text_atomic
from matcher.errors import MatcherError, NotFoundError
from matcher.events.model import EventPlan
from matcher.workspace import Workspace


def _path(workspace: Workspace, event_id: str):
    if "/" in event_id or "\\" in event_id or event_id.startswith("."):
        raise MatcherError(f"活动编号「{event_id}」不合法")
    return workspace.root / "events" / f"{event_id}.json"


def save_plan(workspace: Workspace, plan: EventPlan) -> None:
    write_text_atomic(_path(workspace, plan.event.id), plan.model_dump_json(indent=1))


def load_plan(workspace: Workspace, event_id: str) -> EventPlan:
    path = _path(workspace, event_id)
    if not path.exists():
        raise NotFoundError(f"找不到活动「{event_id}」，请先运行 matcher event create")
    return EventPlan.model_validate_json(path.read_text(encoding="utf-8"))


def list_plans(workspace: Workspace) -> list[EventPlan]:
    folder = workspace.root / "events"
    return [EventPlan.model_validate_json(p.read_text(encoding="utf-8"))
            for p in sorted(folder.glob("*.json"))] if folder.exists() else []  # fmt: skip
