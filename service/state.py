"""What the running service holds (`app.state.service`), the write path and the read path.

Writes go through `ServiceState`: the store write and its audit entries in one transaction
(an import of several files or kinds too: all of it, with its audit, or nothing), then the
index update, which publishes a new immutable snapshot under the workspace's build lock (one
builder at a time across every worker process); a service killed before the index caught up
leaves the data and audit committed, and the index is caught up from the store versions at
the next start or query. Temporary files a killed process left in the data folder are
removed at start. Reads take no lock:
each query first reads the store version of every kind (one small query), picks up any
snapshot another worker published, and answers from the snapshots it holds; a kind whose
published snapshot is behind the store (records written by a process that does not index,
or a writer that died) is caught up by a background thread, never on the query's time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, text

from matcher.atomic import remove_stale_temp
from matcher.crash import crash_point
from matcher.embed.base import Encoder
from matcher.embed.registry import make_encoder
from matcher.errors import IndexMismatchError, MatcherError
from matcher.events.model import EventPlan
from matcher.index.builder import BuildSummary, build_indexes, index_status, update_indexes
from matcher.index.vector_index import single_threaded_queries
from matcher.ingest import ImportReport, import_file, import_path
from matcher.learn.features import Example, examples
from matcher.learn.persist import load_ranker
from matcher.recommend import Recommender
from matcher.retrieve import Retriever
from matcher.store import UpsertSummary
from matcher.types import KIND_LABELS, RECORD_KINDS, Record
from matcher.workspace import Workspace
from service.jobs import JobRunner
from service.outbox import Dispatcher
from service.settings import ServiceSettings
from service.throttle import FailureThrottle
from storage.audit import AuditRepository
from storage.db import make_engine, upgrade
from storage.events import EventRepository
from storage.jobs import JobRepository
from storage.keys import ApiKeyRepository
from storage.outcomes import SqlOutcomeStore
from storage.records import SqlRecordStore
from storage.sessions import SessionRepository

log = logging.getLogger("service")
T = TypeVar("T")


@cache
def shared_encoder(name: str, batch_size: int) -> Encoder:
    """One encoder (one loaded model) per name in a process, whichever app asks for it."""
    return make_encoder(name, batch_size=batch_size)


@dataclass
class ServiceState:
    """Engine, repositories, workspace and recommender of one running service."""

    settings: ServiceSettings
    engine: Engine
    store: SqlRecordStore
    keys: ApiKeyRepository
    audit: AuditRepository
    workspace: Workspace
    recommender: Recommender
    _catching_up: set[str] = field(default_factory=set)  # kinds a background sync is on
    _catch_up_guard: threading.Lock = field(default_factory=threading.Lock)
    events: EventRepository = field(init=False)  # docking event plans
    outcomes: SqlOutcomeStore = field(init=False)  # meeting / financing outcomes (跟踪问效)
    jobs: JobRunner = field(init=False)  # background jobs (rebuild, import, pair, schedule)
    sessions: SessionRepository = field(init=False)  # web sessions (cookie → key)
    throttle: FailureThrottle = field(init=False)  # failed logins and bad keys, this process
    dispatcher: Dispatcher | None = field(init=False, default=None)  # sends notifications

    def __post_init__(self) -> None:
        self.events = EventRepository(self.engine)
        self.outcomes = SqlOutcomeStore(self.engine, self.events.load, self.store)
        self.jobs = JobRunner(JobRepository(self.engine))
        self.sessions = SessionRepository(self.engine)
        limit, window = self.settings.auth_failure_limit, self.settings.auth_failure_window_seconds
        self.throttle = FailureThrottle(limit, window)

    @classmethod
    def start(cls, settings: ServiceSettings, progress: bool = False) -> ServiceState:
        """Migrate the database, seed it if asked and empty, and bring every index up to date.

        FAISS runs one thread in a serving process: queries scale with worker processes."""
        single_threaded_queries()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        remove_stale_temp(settings.data_dir)
        engine = make_engine(settings.resolved_database_url(), settings.database_schema)
        upgrade(engine)
        store = SqlRecordStore(engine)
        workspace = Workspace(settings.data_dir, settings.library_settings(), store=store)
        recommender = Recommender(workspace, load_ranker(workspace))
        encoder = shared_encoder(workspace.settings.encoder, workspace.settings.batch_size)
        recommender.retriever = Retriever(workspace, encoder, strict=False)
        state = cls(
            settings=settings,
            engine=engine,
            store=store,
            keys=ApiKeyRepository(engine),
            audit=AuditRepository(engine),
            workspace=workspace,
            recommender=recommender,
        )
        unfinished = state.seed_marker.exists()  # a seeding process died midway
        if settings.seed_sample and (state.is_empty() or unfinished):
            state.seed(settings.sample_dir, progress)
        state.sync_indexes(progress=progress)
        recommender.retriever.query_encoder.encode(["预热"])  # load the model before traffic
        state.dispatcher = Dispatcher.started(state)
        return state

    @property
    def encoder(self) -> Encoder:
        """The dense encoder, shared by the recommender and every index build."""
        return self.recommender.retriever.encoder

    def close(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.stop()
        self.engine.dispose()

    # records -----------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return all(self.store.count(kind) == 0 for kind in RECORD_KINDS)

    @property
    def seed_marker(self) -> Path:
        """Present while a seeding runs: a start that finds it seeds again (upserts)."""
        return self.settings.data_dir / "seeding"

    def seed(self, folder: Path, progress: bool = False) -> list[ImportReport]:
        """Import a sample folder (enterprises first; a large one streams, resuming from its
        checkpoints after a crash); the indexes are built afterwards."""
        log.info("数据库为空，正在导入示例数据：%s", folder)
        self.seed_marker.touch()
        checkpoints = self.settings.data_dir / "imports"
        reports = import_path(
            self.store, folder, progress=progress, checkpoints=checkpoints,
            within=lambda done: self._audit_imports(None, done),
        )  # fmt: skip
        self.seed_marker.unlink()
        return reports

    def write(
        self,
        kind: str,
        records: Sequence[Record],
        actor: int | None,
        action: str,
        expected: Mapping[str, int] | None = None,
    ) -> UpsertSummary:
        """Upsert records and audit each one (`action`) in one transaction, then update the
        index of `kind`; `expected` (id → version read) makes a stale write a
        `VersionConflict`."""
        with self.store.transaction() as connection:
            summary = self.store.upsert(kind, records, expected)
            for record in records:
                self.audit.record(actor, action, kind, record.id, connection=connection)
        self._update_index(kind, upserted=[r.id for r in records])
        return summary

    def remove(
        self,
        kind: str,
        ids: Sequence[str],
        actor: int | None,
        expected: Mapping[str, int] | None = None,
    ) -> int:
        """Delete records and audit the deletion in one transaction, then drop them from the
        index of `kind`; `expected` (id → version read) makes a stale delete a
        `VersionConflict`."""
        with self.store.transaction() as connection:
            removed = self.store.delete(kind, ids, expected)
            for record_id in ids:
                self.audit.record(actor, "delete", kind, record_id, connection=connection)
        self._update_index(kind, deleted=list(ids))
        return removed

    def import_upload(
        self, path: Path, actor: int | None, kind: str | None = None, skip_bad_rows: bool = False
    ) -> ImportReport:
        """Import one uploaded file (all-or-nothing unless `skip_bad_rows`) with its audit
        entry in the same transaction, then index it."""
        report = import_file(
            self.store, path, kind=kind, skip_bad_rows=skip_bad_rows,
            within=lambda done: self._audit_imports(actor, done),
        )  # fmt: skip
        crash_point("service.indexing")
        self._update_index(report.kind)
        return report

    def _audit_imports(self, actor: int | None, reports: list[ImportReport]) -> None:
        """One audit entry per imported file, in the import's open transaction."""
        connection = self.store.joined_connection()
        for report in reports:
            detail = _import_detail(report)
            self.audit.record(actor, "import", report.kind, None, detail, connection=connection)

    # docking events ----------------------------------------------------------------------
    def event_plan_write(
        self, plan: EventPlan, actor: int | None, action: str, detail: str = ""
    ) -> EventPlan:
        """Save an event plan and audit it (`action` on kind `event`) in one transaction."""
        self.events.save(
            plan,
            within=lambda c: self.audit.record(
                actor, action, "event", plan.event.id, detail, connection=c
            ),
        )
        return plan

    def event_change(
        self,
        event_id: str,
        change: Callable[[EventPlan], str],
        actor: int | None,
        expected: int | None = None,
    ) -> EventPlan:
        """Apply `change` (it returns the audit detail) to the current plan and save it under
        the plan's row lock, so changes from other workers land too, and audit it in the same
        transaction. A change (or audit) that raises, or a plan no longer at version
        `expected` (`VersionConflict`), leaves the stored plan as it was."""

        def audit(connection: Connection, detail: str) -> None:
            self.audit.record(actor, "update", "event", event_id, detail, connection=connection)

        plan, _ = self.events.change(event_id, change, expected, within=audit)
        return plan

    # indexes -----------------------------------------------------------------------------
    def index_status(self) -> list[dict]:
        return index_status(self.workspace, self.encoder)

    def sync_indexes(
        self, actor: int | None = None, progress: bool = False
    ) -> dict[str, BuildSummary]:
        """Check every index against the database; rebuild what diverged (incrementally where
        the published snapshot is sound)."""
        rows = index_status(self.workspace, self.encoder)
        kinds = [row["kind"] for row in rows if row["status"] != "fresh"]
        if not kinds:
            return {}
        names = "、".join(KIND_LABELS[kind] for kind in kinds)
        log.info("索引与数据库不一致，正在更新：%s", names)
        return self._build(kinds, False, actor, progress)

    def rebuild(
        self, kinds: Sequence[str] | None, full: bool, actor: int | None
    ) -> dict[str, BuildSummary]:
        """Build the indexes of `kinds` (all by default): only what changed, or all with `full`."""
        return self._build(list(kinds or RECORD_KINDS), full, actor, False)

    def recommend(self, query: Callable[[Recommender], T]) -> T:
        """Run a query on the recommender without waiting for any write or build.

        Snapshots published by another worker are picked up first; kinds whose snapshot is
        behind the database are synced in the background. An index found corrupt while
        loading is rebuilt, then the query is retried.
        """
        retriever = self.recommender.retriever
        behind = retriever.refresh(self.store.kind_versions())
        if behind:
            self._catch_up(behind)
        try:
            return query(self.recommender)
        except IndexMismatchError:  # corrupt, or pruned while it was loading
            self.sync_indexes()
            for kind in RECORD_KINDS:
                retriever.invalidate(kind)
            return query(self.recommender)

    def _catch_up(self, kinds: list[str]) -> None:
        """Sync `kinds` in a background thread (at most one per kind at a time)."""
        with self._catch_up_guard:
            todo = [kind for kind in kinds if kind not in self._catching_up]
            self._catching_up.update(todo)
        if not todo:
            return

        def run() -> None:
            try:
                self._build(todo, False, None, False)
            except Exception:  # logged; the next query that finds it behind tries again
                log.exception("后台更新索引失败：%s", "、".join(todo))
            finally:
                with self._catch_up_guard:
                    self._catching_up.difference_update(todo)

        threading.Thread(target=run, name="index-catch-up", daemon=True).start()

    def _build(
        self, kinds: list[str], full: bool, actor: int | None, progress: bool
    ) -> dict[str, BuildSummary]:
        summaries = build_indexes(
            self.workspace, kinds, rebuild=full, progress=progress, encoder=self.encoder
        )
        for kind, summary in summaries.items():
            self.recommender.invalidate(kind)
            if summary.mode != "unchanged":
                detail = f"{summary.mode}：{summary.count} 条，编码 {summary.embedded} 条"
                self.audit.record(actor, "rebuild", kind, None, detail)
        return summaries

    def _update_index(
        self, kind: str, upserted: Iterable[str] = (), deleted: Iterable[str] = ()
    ) -> None:
        try:
            update_indexes(self.workspace, kind, upserted, deleted, encoder=self.encoder)
        except MatcherError:  # missing or unsound index: build it again
            build_indexes(self.workspace, [kind], progress=False, encoder=self.encoder)
        self.recommender.invalidate(kind)

    def training_examples(self) -> list[Example]:
        """Every stored event's meetings with features and recorded grades (ranker training)."""
        plans = self.events.list()
        return examples(
            self.workspace, plans, self.outcomes.meeting_outcomes(), self.outcomes.history()
        )

    def database_ok(self) -> str | None:
        """None when the database answers, else the reason (Chinese)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means "not reachable"
            return f"数据库无法连接：{type(exc).__name__}"
        return None


def _import_detail(report: ImportReport) -> str:
    name = Path(report.file).name
    return (
        f"{name}：{report.rows} 行，新增 {report.added}，更新 {report.updated}，"
        f"未变 {report.unchanged}，跳过 {report.skipped}"
    )
