"""`JobRepository`: background jobs (index rebuilds, imports, pairing, scheduling) in `jobs`.

Several service workers share one database, so a job's state lives only here: the worker
that runs a job writes its progress and heartbeat, any worker answers a status query. A job
whose worker stopped beating (the process exited) is marked failed by `fail_stale`.
Progress and heartbeats only touch running jobs, so a job marked interrupted stays so
unless its worker was alive after all and reports the real outcome (`finish`, `fail`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from matcher.errors import NotFoundError
from storage.models import JobRow, utc_now

JOB_STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed")
ACTIVE: tuple[str, ...] = ("queued", "running")
QUEUED_MESSAGE = "排队中"
DONE_MESSAGE = "已完成"
INTERRUPTED = "任务中断（服务进程已退出）"


@dataclass(frozen=True)
class Job:
    """One job as stored."""

    id: str
    kind: str
    target: str | None
    status: str
    done: int
    total: int | None
    message: str
    result: dict[str, Any] | None
    error: str | None
    actor_key_id: int | None
    worker: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None

    @classmethod
    def of(cls, row: JobRow) -> Job:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})

    @property
    def finished(self) -> bool:
        return self.status not in ACTIVE

    @property
    def percent(self) -> float | None:
        """0–100; None while the total is unknown."""
        if self.status == "done":
            return 100.0
        if not self.total:
            return 0.0 if self.status == "queued" else None
        return round(100 * min(self.done, self.total) / self.total, 1)


class JobRepository:
    """Create jobs, report their progress and outcome, read them back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, kind: str, target: str | None, actor_key_id: int | None) -> Job:
        """A queued job, stamped now."""
        row = JobRow(
            id=uuid.uuid4().hex,
            kind=kind,
            target=target,
            status="queued",
            done=0,
            total=None,
            message=QUEUED_MESSAGE,
            actor_key_id=actor_key_id,
            created_at=utc_now(),
        )
        with Session(self.engine) as session, session.begin():
            session.add(row)
            session.flush()
            return Job.of(row)

    def start(self, job_id: str, worker: str, message: str = "正在进行") -> None:
        now = utc_now()
        self._update(
            job_id, status="running", worker=worker, message=message, started_at=now,
            heartbeat_at=now,
        )  # fmt: skip

    def progress(self, job_id: str, done: int, total: int | None, message: str) -> None:
        """Steps done of `total` (None: unknown) and what is happening; a heartbeat too."""
        values = {"done": done, "total": total, "message": message, "heartbeat_at": utc_now()}
        self._update(job_id, only_running=True, **values)

    def heartbeat(self, job_id: str) -> None:
        self._update(job_id, only_running=True, heartbeat_at=utc_now())

    def finish(self, job_id: str, result: dict[str, Any], message: str = DONE_MESSAGE) -> None:
        now = utc_now()
        self._update(
            job_id, status="done", result=result, message=message, error=None, finished_at=now,
            heartbeat_at=now,
        )  # fmt: skip

    def fail(self, job_id: str, error: str, result: dict[str, Any] | None = None) -> None:
        """Failed with `error` (Chinese); `result` may hold details (e.g. an import's bad rows)."""
        now = utc_now()
        self._update(
            job_id, status="failed", error=error, result=result, message="失败",
            finished_at=now, heartbeat_at=now,
        )  # fmt: skip

    def get(self, job_id: str) -> Job:
        """One job; `NotFoundError` (Chinese) when there is none."""
        with Session(self.engine) as session:
            row = session.get(JobRow, job_id)
            if row is None:
                raise NotFoundError(f"找不到任务「{job_id}」")
            return Job.of(row)

    def recent(self, limit: int = 50, actor_key_id: int | None = None) -> list[Job]:
        """The latest jobs (of one key, when given), newest first."""
        query = select(JobRow).order_by(JobRow.created_at.desc(), JobRow.id).limit(limit)
        if actor_key_id is not None:
            query = query.where(JobRow.actor_key_id == actor_key_id)
        with Session(self.engine) as session:
            return [Job.of(row) for row in session.scalars(query)]

    def active(self, kinds: Sequence[str], target: str | None) -> Job | None:
        """The oldest queued or running job of one of `kinds` on `target`, if any."""
        query = (
            select(JobRow)
            .where(JobRow.kind.in_(kinds), JobRow.status.in_(ACTIVE))
            .where(JobRow.target.is_(None) if target is None else JobRow.target == target)
            .order_by(JobRow.created_at)
            .limit(1)
        )
        with Session(self.engine) as session:
            row = session.scalars(query).first()
            return None if row is None else Job.of(row)

    def fail_stale(self, before: datetime) -> int:
        """Mark failed (「任务中断」) every running job last heard of before `before`, and every
        queued one created before it; how many."""
        stale = or_(
            (JobRow.status == "running") & (JobRow.heartbeat_at < before),
            (JobRow.status == "queued") & (JobRow.created_at < before),
        )
        query = update(JobRow).where(stale).values(
            status="failed", error=INTERRUPTED, message="失败", finished_at=utc_now()
        )  # fmt: skip
        with self.engine.begin() as connection:
            return connection.execute(query).rowcount

    def _update(self, job_id: str, only_running: bool = False, **values: Any) -> None:
        query = update(JobRow).where(JobRow.id == job_id)
        if only_running:
            query = query.where(JobRow.status == "running")
        with self.engine.begin() as connection:
            connection.execute(query.values(**values))
