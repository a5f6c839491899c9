"""Event plan stores: the protocol every backend implements, and the workspace's JSON files.

A plan carries its version (`EventPlan.version`): 1 when first saved, one more on every save.
`save` is a compare-and-set: a plan at version 0 is only ever created, a plan at version n
only replaces the stored plan of version n; anything else raises `VersionConflict` and
writes nothing. `change` loads, changes and saves one plan as one step, so concurrent
changes all land, each on the plan the one before left. The database backend lives in
`storage.events` and follows the same protocol.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from matcher.atomic import folder_lock, write_text_atomic
from matcher.errors import MatcherError, NotFoundError, VersionConflict
from matcher.events.model import EventPlan
from matcher.workspace import Workspace

T = TypeVar("T")


def event_label(event_id: str) -> str:
    """How messages name an event: 对接活动「EV1」."""
    return f"对接活动「{event_id}」"


def not_found(event_id: str) -> NotFoundError:
    return NotFoundError(f"找不到{event_label(event_id)}")


def check_version(event_id: str, current: int | None, expected: int | None) -> None:
    """`VersionConflict` unless `expected` is None (no check) or the `current` version."""
    if expected is not None and current != expected:
        raise VersionConflict(event_label(event_id), current, expected)


def _latest_first(plans: list[EventPlan]) -> list[EventPlan]:
    """Latest date first, then by id."""
    by_id = sorted(plans, key=lambda plan: plan.event.id)
    return sorted(by_id, key=lambda plan: plan.event.date, reverse=True)


class EventStore(Protocol):
    """What the library and the service need from a store of event plans."""

    def exists(self, event_id: str) -> bool:
        """Whether the event is stored."""
        ...

    def load(self, event_id: str) -> EventPlan:
        """The plan with its version; `NotFoundError` (Chinese) when there is none."""
        ...

    def list(self, published: bool | None = None) -> list[EventPlan]:
        """Every plan (or only the published / unpublished ones), latest date first."""
        ...

    def save(self, plan: EventPlan) -> None:
        """Create (version 0) or replace the stored plan of `plan.version`, then set
        `plan.version` to the stored one; `VersionConflict` (nothing written) otherwise."""
        ...

    def change(
        self, event_id: str, apply: Callable[[EventPlan], T], expected: int | None = None
    ) -> tuple[EventPlan, T]:
        """Load the current plan, `apply` the change to it and save it, with no other write
        in between; what `apply` returned comes back with the saved plan. When `apply` raises,
        or the plan is not at version `expected` (`VersionConflict`), nothing is written."""
        ...

    def delete(self, event_id: str, expected: int | None = None) -> bool:
        """Delete one event; False when there was none; `VersionConflict` when it is not at
        version `expected`."""
        ...


class JsonlEventStore:
    """Plans as JSON files in the workspace (`events/<id>.json`, the version inside), written
    atomically under the folder's lock."""

    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / "events"

    def path(self, event_id: str) -> Path:
        if "/" in event_id or "\\" in event_id or event_id.startswith("."):
            raise MatcherError(f"活动编号「{event_id}」不合法")
        return self.folder / f"{event_id}.json"

    def exists(self, event_id: str) -> bool:
        return self.path(event_id).exists()

    def load(self, event_id: str) -> EventPlan:
        plan = self._read(event_id)
        if plan is None:
            raise not_found(event_id)
        return plan

    def list(self, published: bool | None = None) -> list[EventPlan]:
        plans = self.in_id_order()
        return _latest_first([p for p in plans if published is None or p.published == published])

    def in_id_order(self) -> list[EventPlan]:
        """Every plan, by id (the files' order)."""
        if not self.folder.exists():
            return []
        return [self._parse(path) for path in sorted(self.folder.glob("*.json"))]

    def save(self, plan: EventPlan) -> None:
        with folder_lock(self.folder):
            stored = self._read(plan.event.id)
            if stored is not None or plan.version != 0:
                check_version(plan.event.id, stored.version if stored else None, plan.version)
            self._write(plan)

    def change(
        self, event_id: str, apply: Callable[[EventPlan], T], expected: int | None = None
    ) -> tuple[EventPlan, T]:
        with folder_lock(self.folder):
            plan = self.load(event_id)
            check_version(event_id, plan.version, expected)
            result = apply(plan)
            self._write(plan)
        return plan, result

    def delete(self, event_id: str, expected: int | None = None) -> bool:
        with folder_lock(self.folder):
            stored = self._read(event_id)
            if stored is None:
                check_version(event_id, None, expected)
                return False
            check_version(event_id, stored.version, expected)
            self.path(event_id).unlink()
        return True

    def _read(self, event_id: str) -> EventPlan | None:
        path = self.path(event_id)
        return self._parse(path) if path.exists() else None

    @staticmethod
    def _parse(path: Path) -> EventPlan:
        plan = EventPlan.model_validate_json(path.read_text(encoding="utf-8"))
        if plan.version == 0:  # written before plans had versions
            plan.version = 1
        return plan

    def _write(self, plan: EventPlan) -> None:
        saved = plan.model_copy(update={"version": plan.version + 1})
        write_text_atomic(self.path(plan.event.id), saved.model_dump_json(indent=1))
        plan.version = saved.version


def save_plan(workspace: Workspace, plan: EventPlan) -> None:
    """Save a plan in the workspace (compare-and-set on its version, see `EventStore.save`)."""
    JsonlEventStore(workspace.root).save(plan)


def load_plan(workspace: Workspace, event_id: str) -> EventPlan:
    store = JsonlEventStore(workspace.root)
    if not store.exists(event_id):
        raise NotFoundError(f"找不到活动「{event_id}」，请先运行 matcher event create")
    return store.load(event_id)


def list_plans(workspace: Workspace) -> list[EventPlan]:
    """Every plan of the workspace, by id."""
    return JsonlEventStore(workspace.root).in_id_order()
