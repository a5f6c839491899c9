"""`SqlStaging`: the staged records of one import in `staged_records`, published in one
transaction.

Each `add` commits on its own (a killed import resumes from what it staged); nothing staged
is visible as a record. `publish` upserts the staged parts in order, a page at a time (keyset
pagination on the primary key, so memory stays bounded), and deletes the batch, all in the
store's `transaction()`: other readers see the old records until the commit, then the new.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from matcher.crash import crash_point
from matcher.errors import NotFoundError
from matcher.plain_text import STORED
from matcher.store import UpsertSummary, Within
from matcher.types import MODELS, RECORD_KINDS, Record
from storage.models import StagedRow, utc_now

if TYPE_CHECKING:
    from storage.records import SqlRecordStore

PAGE = 1000  # staged records read and upserted at a time while publishing
_CHUNK = 1000


class SqlStaging:
    """The `Staging` of one batch of a `SqlRecordStore`."""

    def __init__(self, store: SqlRecordStore, batch: str) -> None:
        self.store = store
        self.batch = batch
        self._counts: dict[int, int] = {}  # part → records added (read once, then counted)

    def add(self, part: int, kind: str, records: Sequence[Record]) -> None:
        if kind not in RECORD_KINDS:
            raise NotFoundError(f"未知的记录类型：{kind}")
        now = utc_now()
        latest = {record.id: record for record in records}  # the last one of an id wins
        rows = [
            {"batch": self.batch, "kind": kind, "part": part, "id": record.id,
             "data": record.model_dump(mode="json"), "staged_at": now}
            for record in latest.values()
        ]  # fmt: skip
        if not rows:
            return
        count = self.count(part, kind)
        statement = self._insert()(StagedRow)
        statement = statement.on_conflict_do_update(
            index_elements=["batch", "kind", "part", "id"],
            set_={"data": statement.excluded.data, "staged_at": statement.excluded.staged_at},
        )
        with self.store.engine.begin() as connection:
            for start in range(0, len(rows), _CHUNK):
                connection.execute(statement, rows[start : start + _CHUNK])
        self._counts[part] = count + len(rows)

    def count(self, part: int, kind: str) -> int:
        if part not in self._counts:
            query = (
                select(func.count())
                .select_from(StagedRow)
                .where(
                    StagedRow.batch == self.batch, StagedRow.kind == kind, StagedRow.part == part
                )
            )
            with self.store.engine.connect() as connection:
                self._counts[part] = connection.scalar(query) or 0
        return self._counts[part]

    def existing_ids(self, kind: str, ids: Iterable[str]) -> set[str]:
        wanted = sorted(set(ids))
        found = self.store.existing_ids(kind, wanted)
        with self.store.engine.connect() as connection:
            for start in range(0, len(wanted), _CHUNK):
                query = select(StagedRow.id).where(
                    StagedRow.batch == self.batch,
                    StagedRow.kind == kind,
                    StagedRow.id.in_(wanted[start : start + _CHUNK]),
                )
                found.update(connection.scalars(query))
        return found

    def drop(self, part: int | None = None) -> None:
        with self.store.engine.begin() as connection:
            self._delete(connection, part)
        self._counts.clear()

    def publish(
        self, parts: Sequence[tuple[int, str]], within: Within | None = None
    ) -> list[UpsertSummary]:
        summaries = []
        with self.store.transaction() as connection:
            for part, kind in parts:
                added = updated = unchanged = 0
                for page in self._pages(connection, part, kind):
                    summary = self.store.upsert(kind, page)
                    added += summary.added
                    updated += summary.updated
                    unchanged += summary.unchanged
                summaries.append(UpsertSummary(added, updated, unchanged))
                crash_point("store.publish")
            self._delete(connection, None)
            if within is not None:
                within(summaries)
        self._counts.clear()
        return summaries

    def _pages(self, connection: Connection, part: int, kind: str) -> Iterator[list[Record]]:
        model = MODELS[kind]
        last: str | None = None
        while True:
            query = (
                select(StagedRow.id, StagedRow.data)
                .where(StagedRow.batch == self.batch, StagedRow.kind == kind,
                       StagedRow.part == part)
                .order_by(StagedRow.id)
                .limit(PAGE)
            )  # fmt: skip
            if last is not None:
                query = query.where(StagedRow.id > last)
            rows = connection.execute(query).all()
            if rows:
                yield [model.model_validate(row.data, context=STORED) for row in rows]
            if len(rows) < PAGE:
                return
            last = rows[-1].id

    def _delete(self, connection: Connection, part: int | None) -> None:
        statement = delete(StagedRow).where(StagedRow.batch == self.batch)
        if part is not None:
            statement = statement.where(StagedRow.part == part)
        connection.execute(statement)

    def _insert(self) -> Any:
        dialect = self.store.engine.dialect.name
        return postgresql.insert if dialect == "postgresql" else sqlite.insert
