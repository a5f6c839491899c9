"""`SqlOutcomeStore`: meeting and financing outcomes in the database, with their history.

The rules are the library's (`matcher.outcomes.store`): keys are resolved against the event
plans and the records, values are checked by `apply_changes`, and every changed field
becomes one `Change`. This module only keeps the result: a batch is one transaction that
updates the current outcomes and appends to `outcome_history`, so with one bad item nothing
is written, and history rows are never updated or deleted. The outcomes a batch changes are
read locked for update (SQLite: the batch runs in `BEGIN IMMEDIATE`), so the versions it
compares with the ones stated and the versions it writes cannot be overtaken meanwhile.
A batch that is not a dry run ends with `within(connection, results)` in its transaction
(the audit entries of the change: both commit, or neither).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matcher.errors import ConflictError
from matcher.events.model import EventPlan
from matcher.outcomes.model import Change, FinanceOutcome, MeetingOutcome
from matcher.outcomes.store import (
    FinanceKey,
    Lookup,
    MeetingKey,
    Recorded,
    check_updates,
    resolve_finance,
    resolve_meeting,
)
from matcher.store import RecordStore
from storage.models import FinanceOutcomeRow, MeetingOutcomeRow, OutcomeChangeRow, utc_now
from storage.transactions import write_transaction

Outcome = MeetingOutcome | FinanceOutcome
OutcomeRow = MeetingOutcomeRow | FinanceOutcomeRow
Within = Callable[[Connection, list[Recorded]], None]


class OutcomeConflict(ConflictError):
    """Another writer created the same outcome at the same moment; retrying succeeds."""


def _model(row: OutcomeRow) -> Outcome:
    model = MeetingOutcome if isinstance(row, MeetingOutcomeRow) else FinanceOutcome
    return model.model_validate(row, from_attributes=True)


def _change(row: OutcomeChangeRow) -> Change:
    return Change.model_validate(row, from_attributes=True)


BULK = 20  # from this many updates on, outcomes are read by event / enterprise, not one by one


class _Current(dict):
    """Outcomes by id, read from the session (locked for update) when first asked for: one by
    one, or (`bulk`) the whole group at once: all of an event's meeting outcomes, or all of an
    enterprise's financing outcomes."""

    def __init__(self, session: Session, row_type: type[OutcomeRow], bulk: bool) -> None:
        super().__init__()
        self.session = session
        self.row_type = row_type
        self.bulk = bulk
        self.groups: set[str] = set()
        self.stored: dict[str, OutcomeRow] = {}  # the rows read, by id

    def _load(self, outcome_id: str) -> None:
        if not self.bulk:
            row = self.session.get(self.row_type, outcome_id, with_for_update=True)
            if row is not None:
                self.stored[row.id] = row
                self.setdefault(row.id, _model(row))
            return
        if self.row_type is MeetingOutcomeRow:
            group, column = outcome_id.rsplit("|", 2)[0], MeetingOutcomeRow.event_id
        else:
            group, column = outcome_id.rsplit("|", 1)[0], FinanceOutcomeRow.enterprise_id
        if group in self.groups:
            return
        self.groups.add(group)
        query = select(self.row_type).where(column == group).with_for_update()
        for row in self.session.scalars(query):
            self.stored[row.id] = row
            self.setdefault(row.id, _model(row))

    def __missing__(self, outcome_id: str) -> Outcome:
        self._load(outcome_id)
        if not super().__contains__(outcome_id):
            raise KeyError(outcome_id)
        return super().__getitem__(outcome_id)

    def get(self, outcome_id: str, default: Any = None) -> Any:
        try:
            return self[outcome_id]
        except KeyError:
            return default

    def __contains__(self, outcome_id: object) -> bool:
        return isinstance(outcome_id, str) and self.get(outcome_id) is not None


def _store(
    session: Session, row_type: type[OutcomeRow], current: _Current, results: list[Recorded]
) -> None:
    """Write the changed outcomes and append their changes to the history (flushed)."""
    changed = {r.outcome.id for r in results if r.changes}
    if not changed:
        return
    for outcome_id in sorted(changed):
        values = current[outcome_id].model_dump()
        row = current.stored.get(outcome_id)
        if row is None:
            session.add(row_type(**values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
    kind = "meeting" if row_type is MeetingOutcomeRow else "finance"
    session.add_all(
        OutcomeChangeRow(kind=kind, **change.model_dump()) for r in results for change in r.changes
    )
    session.flush()


class SqlOutcomeStore:
    """Record and read outcomes; `plans(event_id)` gives an event's plan (MatcherError when
    unknown) and `records` the enterprises and products that financing outcomes name."""

    def __init__(
        self, engine: Engine, plans: Callable[[str], EventPlan], records: RecordStore
    ) -> None:
        self.engine = engine
        self.plans = plans
        self.records = records

    # writes ------------------------------------------------------------------------------
    def record_meetings(
        self,
        updates: Sequence[tuple[MeetingKey, Mapping[str, Any]]],
        who: str,
        at: datetime | None = None,
        *,
        source: str = "",
        rows: Sequence[int] | None = None,
        dry_run: bool = False,
        expected: Sequence[int | None] | None = None,
        within: Within | None = None,
    ) -> list[Recorded]:
        """Apply many meeting updates at once, all or nothing (as `record_meeting_outcomes`)."""
        return self._record(
            MeetingOutcomeRow, resolve_meeting, updates, who, at, source, rows, dry_run, expected,
            within,
        )  # fmt: skip

    def record_finance(
        self,
        updates: Sequence[tuple[FinanceKey, Mapping[str, Any]]],
        who: str,
        at: datetime | None = None,
        *,
        source: str = "",
        rows: Sequence[int] | None = None,
        dry_run: bool = False,
        expected: Sequence[int | None] | None = None,
        within: Within | None = None,
    ) -> list[Recorded]:
        """Apply many financing updates at once, all or nothing (as `record_finance_outcomes`)."""
        return self._record(
            FinanceOutcomeRow, resolve_finance, updates, who, at, source, rows, dry_run, expected,
            within,
        )  # fmt: skip

    def _record(
        self,
        row_type: type[OutcomeRow],
        resolve: Callable[..., Any],
        updates: Sequence[tuple[Any, Mapping[str, Any]]],
        who: str,
        at: datetime | None,
        source: str,
        rows: Sequence[int] | None,
        dry_run: bool,
        expected: Sequence[int | None] | None,
        within: Within | None,
    ) -> list[Recorded]:
        at = at or utc_now().replace(microsecond=0)
        lookup = Lookup(self.plans, self.records)
        try:
            with write_transaction(self.engine) as connection, Session(connection) as session:
                current = _Current(session, row_type, bulk=len(updates) >= BULK)
                results = check_updates(
                    lookup, current, resolve, updates, who, at, source=source, rows=rows,
                    expected=expected,
                )  # fmt: skip
                if dry_run:
                    return results
                _store(session, row_type, current, results)
                if within is not None:
                    within(connection, results)
        except IntegrityError:
            raise OutcomeConflict("该结果正被同时修改，未保存任何更改，请重试") from None
        return results

    # reads -------------------------------------------------------------------------------
    def meeting_outcomes(self, event_id: str | None = None) -> dict[str, MeetingOutcome]:
        """Every meeting outcome (of one event), by id in id order."""
        query = select(MeetingOutcomeRow).order_by(MeetingOutcomeRow.id)
        if event_id is not None:
            query = query.where(MeetingOutcomeRow.event_id == event_id)
        with Session(self.engine) as session:
            return {row.id: _model(row) for row in session.scalars(query)}  # type: ignore[misc]

    def finance_outcomes(
        self, enterprise_id: str | None = None, product_ids: Collection[str] | None = None
    ) -> dict[str, FinanceOutcome]:
        """Every financing outcome (of one enterprise, of some products), by id in id order."""
        query = select(FinanceOutcomeRow).order_by(FinanceOutcomeRow.id)
        if enterprise_id is not None:
            query = query.where(FinanceOutcomeRow.enterprise_id == enterprise_id)
        if product_ids is not None:
            query = query.where(FinanceOutcomeRow.product_id.in_(list(product_ids)))
        with Session(self.engine) as session:
            return {row.id: _model(row) for row in session.scalars(query)}  # type: ignore[misc]

    def get(self, outcome_id: str) -> Outcome | None:
        """A meeting or financing outcome by id, or None."""
        with Session(self.engine) as session:
            for row_type in (MeetingOutcomeRow, FinanceOutcomeRow):
                row = session.get(row_type, outcome_id)
                if row is not None:
                    return _model(row)
        return None

    def history(self, outcome_id: str | None = None) -> list[Change]:
        """The changes of one outcome (or of all), oldest first."""
        query = select(OutcomeChangeRow).order_by(OutcomeChangeRow.at, OutcomeChangeRow.id)
        if outcome_id is not None:
            query = query.where(OutcomeChangeRow.outcome_id == outcome_id)
        with Session(self.engine) as session:
            return [_change(row) for row in session.scalars(query)]

    def due_before(self, day: date) -> tuple[list[MeetingOutcome], list[FinanceOutcome]]:
        """Outcomes whose next follow-up date is before `day` (open or not: `overdue` decides)."""
        found: list[list[Any]] = []
        with Session(self.engine) as session:
            for row_type in (MeetingOutcomeRow, FinanceOutcomeRow):
                query = select(row_type).where(row_type.next_follow_up < day)
                found.append([_model(row) for row in session.scalars(query.order_by(row_type.id))])
        return found[0], found[1]
