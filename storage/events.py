"""`EventRepository`: docking event plans (`EventPlan`) stored as JSON rows of `events`.

The JSON (`data`) is the source of truth, validated back through `EventPlan` on read; the
name, kind, date and published flag are copied into columns for listing, and the plan's
version lives in the `version` column only. A save is a compare-and-set on that column
(`UPDATE ... WHERE version = ?`); `change` reads the row locked for update (SQLite: inside
`BEGIN IMMEDIATE`), so concurrent changes from any number of processes apply one after the
other, each to the plan the one before saved. Each write takes an optional `within` hook
that runs in its transaction (the audit entry of the change: both commit, or neither).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Connection, Engine, Row, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from matcher.events.model import EventPlan
from matcher.events.store import check_version, not_found
from storage.models import EventRow, utc_now
from storage.transactions import write_transaction

T = TypeVar("T")
_COLUMNS = (EventRow.data, EventRow.version)


def _row_values(plan: EventPlan) -> dict[str, Any]:
    event = plan.event
    return {
        "name": event.name,
        "kind": event.kind,
        "day": event.date,
        "published": plan.published,
        "data": plan.model_dump(mode="json", exclude={"version"}),
        "updated_at": utc_now(),
    }


def _plan(row: Row[Any]) -> EventPlan:
    return EventPlan.model_validate({**row.data, "version": row.version})


class EventRepository:
    """Save, load, list, change and delete event plans (the `EventStore` protocol)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, plan: EventPlan, within: Callable[[Connection], None] | None = None) -> None:
        """Create the plan (version 0) or replace the stored plan of `plan.version`, then set
        `plan.version` to the stored one; `VersionConflict` (nothing written) otherwise.
        `within(connection)` runs in the same transaction; when it raises nothing is saved."""
        seen = plan.version
        try:
            with self.engine.begin() as connection:
                self._write(connection, plan)
                if within is not None:
                    within(connection)
        except BaseException:
            plan.version = seen
            raise

    def exists(self, event_id: str) -> bool:
        with self.engine.connect() as connection:
            query = select(EventRow.id).where(EventRow.id == event_id)
            return connection.scalar(query) is not None

    def load(self, event_id: str) -> EventPlan:
        """The plan of one event with its version; `NotFoundError` (Chinese) when none."""
        with self.engine.connect() as connection:
            row = connection.execute(select(*_COLUMNS).where(EventRow.id == event_id)).first()
        if row is None:
            raise not_found(event_id)
        return _plan(row)

    def list(self, published: bool | None = None) -> list[EventPlan]:
        """Every plan (or only the published / unpublished ones), latest date first."""
        query = select(*_COLUMNS).order_by(EventRow.day.desc(), EventRow.id)
        if published is not None:
            query = query.where(EventRow.published == published)
        with self.engine.connect() as connection:
            return [_plan(row) for row in connection.execute(query)]

    def change(
        self,
        event_id: str,
        apply: Callable[[EventPlan], T],
        expected: int | None = None,
        within: Callable[[Connection, T], None] | None = None,
    ) -> tuple[EventPlan, T]:
        """Load the plan locked for update, `apply` the change and save it, then
        `within(connection, result)`, in one transaction; when `apply` or `within` raises, or
        the plan is not at version `expected` (`VersionConflict`), nothing is written."""
        with write_transaction(self.engine) as connection:
            query = select(*_COLUMNS).where(EventRow.id == event_id).with_for_update()
            row = connection.execute(query).first()
            if row is None:
                raise not_found(event_id)
            check_version(event_id, row.version, expected)
            plan = _plan(row)
            result = apply(plan)
            self._write(connection, plan)
            if within is not None:
                within(connection, result)
        return plan, result

    def delete(
        self,
        event_id: str,
        expected: int | None = None,
        within: Callable[[Connection], None] | None = None,
    ) -> bool:
        """Delete one event; False when there was none; `VersionConflict` (nothing deleted)
        when it is not at version `expected`. `within(connection)` runs in the transaction of
        a deletion; when it raises nothing is deleted."""
        statement = delete(EventRow).where(EventRow.id == event_id)
        if expected is not None:  # any stated version (If-Match), not only the storable ones
            stated = bindparam("expected", expected, type_=BigInteger)
            statement = statement.where(EventRow.version == stated)
        with self.engine.begin() as connection:
            if connection.execute(statement).rowcount > 0:
                if within is not None:
                    within(connection)
                return True
            check_version(event_id, self._version(connection, event_id), expected)
        return False

    def _write(self, connection: Connection, plan: EventPlan) -> None:
        event_id, seen = plan.event.id, plan.version
        values = _row_values(plan)
        if seen == 0:
            insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
            statement = insert(EventRow).values(id=event_id, version=1, **values)
            statement = statement.on_conflict_do_nothing().returning(EventRow.id)
            written = len(connection.execute(statement).all())
        else:
            statement = (
                update(EventRow)
                .where(EventRow.id == event_id, EventRow.version == seen)
                .values(version=seen + 1, **values)
            )
            written = connection.execute(statement).rowcount
        if written != 1:
            check_version(event_id, self._version(connection, event_id), seen)
        plan.version = seen + 1

    @staticmethod
    def _version(connection: Connection, event_id: str) -> int | None:
        return connection.scalar(select(EventRow.version).where(EventRow.id == event_id))
