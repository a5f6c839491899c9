"""`SqlRecordStore`: the `RecordStore` protocol over SQLite or PostgreSQL, plus paging.

Semantics match the JSONL store (shared `count_changes` and `content_hash`), except
that `load` returns records in id order (SQL keeps no insertion order). Every write bumps
the kind's row in `kind_versions` in the same transaction; `load` keeps the records of
each kind in memory and reloads them only when that version moved, so several stores
(processes) over one database stay consistent. Each row has its own version too, one more on
every change; a write that states the versions it read (`expected`) compares them under the
kind's lock and, when one moved on, raises `VersionConflict` and writes nothing.

`transaction()` makes every write of the store on this thread inside it one transaction
(each write a savepoint in it), which other writers (the audit log) can join through
`joined_connection()`; `upsert_many` and the staging of a streamed import
(`storage.staging`) build on it, so an import of several kinds commits all of them or none.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, RootTransaction, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import NestedTransaction

from matcher.crash import crash_point
from matcher.errors import MatcherError, NotFoundError
from matcher.plain_text import STORED
from matcher.store import UpsertSummary, Within, check_versions, count_changes
from matcher.types import KIND_LABELS, MODELS, RECORD_KINDS, Record
from storage.models import (
    RECORD_ROWS,
    EnterpriseRow,
    FinanceProductRow,
    KindVersion,
    NeedRow,
    OfferRow,
    RecordRow,
    TechResultRow,
    utc_now,
)
from storage.record_cache import RecordCache
from storage.staging import SqlStaging
from storage.transactions import write_transaction

CHUNK = 1000

# Filter name → the column it tests, per record kind.
FILTERS: dict[str, dict[str, Any]] = {
    "enterprise": {
        "district": EnterpriseRow.district,
        "chain": EnterpriseRow.chain,
        "tier": EnterpriseRow.tiers,
    },
    "need": {"kind": NeedRow.kind_, "enterprise_id": NeedRow.enterprise_id},
    "tech_result": {"university": TechResultRow.university},
    "finance_product": {"bank": FinanceProductRow.bank},
    "policy": {},
    "offer": {"enterprise_id": OfferRow.enterprise_id},
}


@dataclass(frozen=True)
class _Cached:
    version: int
    records: dict[str, Record]


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Write:
    """One write's connection and transaction (a savepoint inside `transaction()`)."""

    connection: Connection
    transaction: RootTransaction | NestedTransaction
    joined: bool  # inside `transaction()`: nothing is final before it commits


def _row_class(kind: str) -> type[RecordRow]:
    if kind not in RECORD_KINDS:
        raise NotFoundError(f"未知的记录类型：{kind}")
    return RECORD_ROWS[kind]


class SqlRecordStore:
    """Records of every kind in SQL tables; `load` is cached per kind version."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()
        self._records = RecordCache()  # parsed rows by version, for reads by id
        self._local = threading.local()  # .connection: this thread's open transaction()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Every write of this store on this thread inside the block joins one transaction
        (holding SQLite's write lock from its start), committed when the block ends and
        rolled back when it raises; a nested block joins the outer one."""
        active = self.joined_connection()
        if active is not None:
            yield active
            return
        self._local.cache_updates = []
        try:
            with write_transaction(self.engine) as connection:
                self._local.connection = connection
                yield connection
                crash_point("store.commit")
            for kind, cached in self._local.cache_updates:  # committed: caches may move on
                self._store_cache(kind, cached, previous=cached.version - 1)
        finally:
            self._local.connection = None
            self._local.cache_updates = []

    def joined_connection(self) -> Connection | None:
        """The connection of this thread's open `transaction()`, for writes that must commit
        with it (the audit entry of a change), or None."""
        return getattr(self._local, "connection", None)

    def upsert_many(
        self, writes: Sequence[tuple[str, Sequence[Record]]], within: Within | None = None
    ) -> list[UpsertSummary]:
        """Upsert (kind, records) in order in one transaction; `within(summaries)` runs in it."""
        with self.transaction():
            summaries = [self.upsert(kind, records) for kind, records in writes]
            if within is not None:
                within(summaries)
        return summaries

    def staging(self, batch: str) -> SqlStaging:
        """The staged records of `batch` (table `staged_records`)."""
        return SqlStaging(self, batch)

    def load(self, kind: str) -> dict[str, Record]:
        """All records of `kind`, by id, in id order (do not mutate the returned dict)."""
        return self._fresh(kind).records

    def get(self, kind: str, record_id: str) -> Record:
        return self.get_versioned(kind, record_id)[0]

    def get_versioned(self, kind: str, record_id: str) -> tuple[Record, int]:
        """One record and its row version; `NotFoundError` when absent."""
        row = _row_class(kind)
        with self.engine.connect() as connection:
            found = connection.execute(
                select(row.data, row.version).where(row.id == record_id)
            ).first()
        if found is None:
            raise NotFoundError(f"找不到{KIND_LABELS[kind]}「{record_id}」")
        return MODELS[kind].model_validate(found.data, context=STORED), found.version

    def upsert(
        self, kind: str, records: Iterable[Record], expected: Mapping[str, int] | None = None
    ) -> UpsertSummary:
        """Insert or replace records by id in one transaction (all or nothing); a changed
        row's version goes up by one. With `expected` (id → version read), `VersionConflict`
        and nothing written when any of those rows has another version or is gone."""
        row = _row_class(kind)
        batch = list(records)
        with self._write() as write:
            connection = write.connection
            version = self._bump(connection, kind)  # also locks the kind against other writers
            if expected:
                self._check_versions(connection, kind, expected)
            cached = self._cache.get(kind)
            base = cached.records if cached and cached.version == version - 1 else None
            current = base if base is not None else self._fetch(connection, kind, batch)
            summary, changed = count_changes(current, batch)
            if not changed:
                write.transaction.rollback()
                return summary
            latest = {record.id: record for record in changed}  # the last one of an id wins
            now = utc_now()
            rows = [row.row_of(record, now) for record in latest.values()]
            statement = self._upsert_statement(row)
            for chunk in _chunks(rows):
                connection.execute(statement, chunk)
        if base is not None:
            merged = dict(base)
            merged.update(latest)
            if summary.added:
                merged = dict(sorted(merged.items()))
            self._after_commit(write, kind, _Cached(version, merged))
        return summary

    def delete(
        self, kind: str, ids: Iterable[str], expected: Mapping[str, int] | None = None
    ) -> int:
        """Delete records by id in one transaction; returns how many existed. With `expected`,
        `VersionConflict` and nothing deleted when any of those rows has another version."""
        row = _row_class(kind)
        wanted = list(dict.fromkeys(ids))
        removed = 0
        with self._write() as write:
            connection = write.connection
            version = self._bump(connection, kind)
            if expected:
                self._check_versions(connection, kind, expected)
            for chunk in _chunks(wanted):
                removed += connection.execute(
                    row.__table__.delete().where(row.id.in_(chunk))
                ).rowcount
            if not removed:
                write.transaction.rollback()
                return 0
        cached = self._cache.get(kind)
        if cached and cached.version == version - 1:
            gone = set(wanted)
            kept = {i: r for i, r in cached.records.items() if i not in gone}
            self._after_commit(write, kind, _Cached(version, kept))
        return removed

    def get_many(self, kind: str, ids: Iterable[str]) -> dict[str, Record]:
        """The stored records with these ids, by id in the order asked (missing ones left out).

        Rows already parsed at their current version come from the record cache; only the
        others are read and parsed (the query path's candidates repeat a lot)."""
        wanted = list(dict.fromkeys(ids))
        model = MODELS[kind]
        row = _row_class(kind)
        with self.engine.connect() as connection:
            versions: dict[str, int] = {}
            for chunk in _chunks(wanted):
                query = select(row.id, row.version).where(row.id.in_(chunk))
                versions.update(
                    (record_id, version) for record_id, version in connection.execute(query)
                )
            found, stale = self._records.fresh(kind, versions)
            for chunk in _chunks(stale):
                query = select(row.version, row.data).where(row.id.in_(chunk))
                for version, data in connection.execute(query):
                    record = model.model_validate(data, context=STORED)
                    self._records.put(kind, version, record)
                    found[record.id] = record
        return {i: found[i] for i in wanted if i in found}

    def of_enterprise(self, kind: str, enterprise_id: str) -> list[Record]:
        """The needs or offers of one enterprise, in id order (an indexed column lookup)."""
        row = _row_class(kind)
        column = FILTERS[kind].get("enterprise_id")
        if column is None:
            raise MatcherError(f"{KIND_LABELS[kind]}不属于某个企业")
        model = MODELS[kind]
        query = select(row.data).where(column == enterprise_id).order_by(row.id)
        with self.engine.connect() as connection:
            return [
                model.model_validate(data, context=STORED) for data in connection.scalars(query)
            ]

    def kind_version(self, kind: str) -> str:
        """The write counter of `kind` (one indexed read): moves with every write to it."""
        _row_class(kind)
        with self.engine.connect() as connection:
            return str(self._version(connection, kind))

    def kind_versions(self) -> dict[str, str]:
        """The write counter of every kind, in one read (the service's freshness check)."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(KindVersion.kind, KindVersion.version)).all()
        stored = {kind: str(version) for kind, version in rows}
        return {kind: stored.get(kind, "0") for kind in RECORD_KINDS}

    def content_hashes(self, kind: str) -> dict[str, str]:
        """Record id → content hash of its embedded text (two columns, no JSON parsed)."""
        row = _row_class(kind)
        with self.engine.connect() as connection:
            rows = connection.execute(select(row.id, row.content_hash))
            return {record_id: digest for record_id, digest in rows}

    def existing_ids(self, kind: str, ids: Iterable[str]) -> set[str]:
        """The ids of `ids` that are stored (primary-key lookups, no JSON parsed)."""
        row = _row_class(kind)
        found: set[str] = set()
        with self.engine.connect() as connection:
            for chunk in _chunks(list(dict.fromkeys(ids))):
                found.update(connection.scalars(select(row.id).where(row.id.in_(chunk))))
        return found

    def iter_records(self, kind: str, batch: int = 5000) -> Iterator[Record]:
        """Every record of `kind` in id order, `batch` rows per query by keyset pagination
        (`id > last`, never OFFSET); each page is its own short read, so a slow consumer
        holds no transaction open."""
        row = _row_class(kind)
        model = MODELS[kind]
        last: str | None = None
        while True:
            query = select(row.id, row.data).order_by(row.id).limit(batch)
            if last is not None:
                query = query.where(row.id > last)
            with self.engine.connect() as connection:
                page = connection.execute(query).all()
            for found in page:
                yield model.model_validate(found.data, context=STORED)
            if len(page) < batch:
                return
            last = page[-1].id

    def iter_texts(self, kind: str, batch: int = 5000) -> Iterator[tuple[str, str]]:
        """(id, embedded text) of every record of `kind`, in id order (see `iter_records`)."""
        for record in self.iter_records(kind, batch):
            yield record.id, record.embed_text()

    def count(self, kind: str) -> int:
        """How many records of `kind` are stored."""
        row = _row_class(kind)
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(row)) or 0

    def page(
        self,
        kind: str,
        *,
        offset: int = 0,
        limit: int = 20,
        filters: dict[str, str] | None = None,
        query: str | None = None,
    ) -> tuple[list[Record], int]:
        """One page of records in id order, and how many match in total.

        `filters` (empty values ignored): enterprise `district`, `chain`, `tier`; need
        `kind`, `enterprise_id`; offer `enterprise_id`; tech result `university`; finance
        product `bank`. `query` is a substring of the name / title / text.
        """
        row = _row_class(kind)
        if offset < 0 or limit < 1:
            raise MatcherError(
                f"分页参数无效：offset 不能为负（{offset}），limit 至少为 1（{limit}）"
            )
        conditions = self._conditions(kind, filters or {}, query)
        total_query = select(func.count()).select_from(row).where(*conditions)
        page_query = (
            select(row.data).where(*conditions).order_by(row.id).offset(offset).limit(limit)
        )
        model = MODELS[kind]
        with self.engine.connect() as connection:
            total = connection.scalar(total_query) or 0
            records = [
                model.model_validate(data, context=STORED)
                for data in connection.scalars(page_query)
            ]
        return records, total

    @staticmethod
    def _conditions(
        kind: str, filters: dict[str, str], query: str | None
    ) -> list[ColumnElement[bool]]:
        allowed = FILTERS[kind]
        conditions: list[ColumnElement[bool]] = []
        for name, value in filters.items():
            if name not in allowed:
                choices = "、".join(allowed) or "无"
                raise MatcherError(
                    f"{KIND_LABELS[kind]}不支持按「{name}」筛选，可用的筛选：{choices}"
                )
            if not value:
                continue
            column = allowed[name]
            if column is EnterpriseRow.tiers:
                conditions.append(column.contains(f"|{value}|", autoescape=True))
            else:
                conditions.append(column == value)
        if query and query.strip():
            search = getattr(RECORD_ROWS[kind], RECORD_ROWS[kind].search_column)
            conditions.append(search.contains(query.strip(), autoescape=True))
        return conditions

    @contextmanager
    def _write(self) -> Iterator[_Write]:
        """A write's own transaction, or a savepoint in this thread's `transaction()`;
        committed when the block ends unless rolled back in it, rolled back when it raises."""
        active = self.joined_connection()
        if active is None:
            with self.engine.connect() as connection:
                write = _Write(connection, connection.begin(), joined=False)
                yield write
                if write.transaction.is_active:
                    write.transaction.commit()
            return
        write = _Write(active, active.begin_nested(), joined=True)
        try:
            yield write
        except BaseException:
            if write.transaction.is_active:
                write.transaction.rollback()
            raise
        if write.transaction.is_active:
            write.transaction.commit()

    def _after_commit(self, write: _Write, kind: str, cached: _Cached) -> None:
        """Cache what a write left, once it is committed (at the end of `transaction()`)."""
        if write.joined:
            self._local.cache_updates.append((kind, cached))
        else:
            self._store_cache(kind, cached, previous=cached.version - 1)

    def _fresh(self, kind: str) -> _Cached:
        """The cached records of `kind`, reloaded when its version moved."""
        row = _row_class(kind)
        with self._lock:
            with self.engine.connect() as connection:
                version = self._version(connection, kind)
                cached = self._cache.get(kind)
                if cached is not None and cached.version == version:
                    return cached
                # Read after the version: a write in between only causes one more reload.
                model = MODELS[kind]
                data = connection.scalars(select(row.data).order_by(row.id))
                records = {}
                for item in data:
                    record = model.model_validate(item, context=STORED)
                    records[record.id] = record
            cached = _Cached(version, records)
            self._cache[kind] = cached
            return cached

    def _store_cache(self, kind: str, cached: _Cached, *, previous: int) -> None:
        """Replace the cache of `kind` unless another write moved it past `previous`."""
        with self._lock:
            current = self._cache.get(kind)
            if current is not None and current.version == previous:
                self._cache[kind] = cached

    def _fetch(self, connection: Connection, kind: str, batch: list[Record]) -> dict[str, Record]:
        """The stored records with the ids in `batch`."""
        row = RECORD_ROWS[kind]
        model = MODELS[kind]
        ids = list(dict.fromkeys(record.id for record in batch))
        current: dict[str, Record] = {}
        for chunk in _chunks(ids):
            for data in connection.scalars(select(row.data).where(row.id.in_(chunk))):
                record = model.model_validate(data, context=STORED)
                current[record.id] = record
        return current

    @staticmethod
    def _check_versions(connection: Connection, kind: str, expected: Mapping[str, int]) -> None:
        """Compare the rows' versions (locked until the transaction ends) with `expected`."""
        row = RECORD_ROWS[kind]
        current: dict[str, int] = {}
        for chunk in _chunks(sorted(expected)):
            query = select(row.id, row.version).where(row.id.in_(chunk)).with_for_update()
            current.update((found.id, found.version) for found in connection.execute(query))
        check_versions(kind, expected, current)

    @staticmethod
    def _version(connection: Connection, kind: str) -> int:
        query = select(KindVersion.version).where(KindVersion.kind == kind)
        return connection.scalar(query) or 0

    def _bump(self, connection: Connection, kind: str) -> int:
        """Increment the version of `kind` (row-locking it) and return the new value."""
        insert = self._dialect_insert()
        statement = (
            insert(KindVersion)
            .values(kind=kind, version=1)
            .on_conflict_do_update(
                index_elements=[KindVersion.kind], set_={"version": KindVersion.version + 1}
            )
            .returning(KindVersion.version)
        )
        return connection.execute(statement).scalar_one()

    def _upsert_statement(self, row: type[RecordRow]) -> Any:
        statement = self._dialect_insert()(row)
        columns = [c.name for c in row.__table__.columns if c.name not in ("id", "version")]
        replaced: dict[str, Any] = {name: statement.excluded[name] for name in columns}
        return statement.on_conflict_do_update(
            index_elements=[row.id], set_={**replaced, "version": row.version + 1}
        )

    def _dialect_insert(self) -> Any:
        return postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
