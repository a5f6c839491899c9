"""`EventRepository`: docking event plans (`EventPlan`) stored as JSON rows of `events`.

The JSON (`data`) is the source of truth, validated back through `EventPlan` on read; the
name, kind, date and published flag are copied into columns for listing. A save replaces
the whole plan in one transaction.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from matcher.errors import NotFoundError
from matcher.events.model import EventPlan
from storage.models import EventRow, utc_now


def _row_values(plan: EventPlan) -> dict:
    event = plan.event
    return {
        "name": event.name,
        "kind": event.kind,
        "day": event.date,
        "published": plan.published,
        "data": plan.model_dump(mode="json"),
        "updated_at": utc_now(),
    }


class EventRepository:
    """Save, load, list and delete event plans."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, plan: EventPlan) -> None:
        """Insert or replace the plan of `plan.event.id`."""
        values = _row_values(plan)
        with Session(self.engine) as session, session.begin():
            row = session.get(EventRow, plan.event.id)
            if row is None:
                session.add(EventRow(id=plan.event.id, **values))
            else:
                for name, value in values.items():
                    setattr(row, name, value)

    def exists(self, event_id: str) -> bool:
        with Session(self.engine) as session:
            return session.get(EventRow, event_id) is not None

    def load(self, event_id: str) -> EventPlan:
        """The plan of one event; `NotFoundError` (Chinese) when there is none."""
        with Session(self.engine) as session:
            row = session.get(EventRow, event_id)
            if row is None:
                raise NotFoundError(f"找不到对接活动「{event_id}」")
            return EventPlan.model_validate(row.data)

    def list(self, published: bool | None = None) -> list[EventPlan]:
        """Every plan (or only the published / unpublished ones), latest date first."""
        query = select(EventRow).order_by(EventRow.day.desc(), EventRow.id)
        if published is not None:
            query = query.where(EventRow.published == published)
        with Session(self.engine) as session:
            return [EventPlan.model_validate(row.data) for row in session.scalars(query)]

    def delete(self, event_id: str) -> bool:
        """Delete one event; False when there was none."""
        with Session(self.engine) as session, session.begin():
            return session.execute(delete(EventRow).where(EventRow.id == event_id)).rowcount > 0
