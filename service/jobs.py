"""Background jobs: a long operation runs in a thread of the worker that received the request.

`JobRunner.submit` records a queued job (`storage.jobs`) and starts a daemon thread that runs
the job function with a progress callback. Progress is written at most every `throttle_s`
seconds; a heartbeat thread writes the latest progress (or just a heartbeat) every
`heartbeat_s` seconds, so a worker that exits leaves a job whose heartbeat goes stale, which
any worker then reports as interrupted. The runner holds no lock while a job runs: the job
function takes whatever locks its own writes need, briefly. An exception fails the job with
a Chinese error: library errors keep their message, an import's bad rows go with it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import timedelta
from functools import partial
from typing import Any

from matcher.errors import IngestError, MatcherError
from service.errors import ApiError
from storage.jobs import Job, JobRepository
from storage.models import utc_now

log = logging.getLogger("service")

Progress = Callable[[int, int | None, str], None]  # (done, total or None, message in Chinese)
Work = Callable[[Progress], dict[str, Any]]  # returns the job's result (JSON)
INTERNAL = "任务失败：服务器内部错误（{name}），请稍后重试或联系管理员"


def quiet(done: int, total: int | None, message: str) -> None:
    """The progress callback of work run in the request itself: report nothing."""


def failure(error: Exception) -> tuple[str, dict[str, Any] | None]:
    """A failed job's Chinese error and details (an import's bad rows, field problems)."""
    if isinstance(error, IngestError):
        return str(error), {"problems": [asdict(problem) for problem in error.problems]}
    if isinstance(error, MatcherError):
        return str(error), None
    if isinstance(error, ApiError):
        return error.message, {"details": error.details} if error.details else None
    log.error("background job failed", exc_info=error)
    return INTERNAL.format(name=type(error).__name__), None


class _Reporter:
    """The progress callback of one job: throttled writes, flushed by the heartbeat."""

    def __init__(self, jobs: JobRepository, job_id: str, throttle_s: float) -> None:
        self.jobs, self.job_id, self.throttle_s = jobs, job_id, throttle_s
        self.lock = threading.Lock()  # this job's own: only its two threads take it
        self.pending: tuple[int, int | None, str] | None = None
        self.written = 0.0

    def __call__(self, done: int, total: int | None, message: str) -> None:
        with self.lock:
            self.pending = (done, total, message)
            if time.monotonic() - self.written >= self.throttle_s:
                self._write()

    def flush(self) -> None:
        """Write the latest progress, or else a heartbeat."""
        with self.lock:
            if self.pending is None:
                JobRunner.report(lambda: self.jobs.heartbeat(self.job_id))
            else:
                self._write()

    def _write(self) -> None:
        assert self.pending is not None
        JobRunner.report(lambda: self.jobs.progress(self.job_id, *self.pending))
        self.pending, self.written = None, time.monotonic()


class JobRunner:
    """Submit job functions to background threads; read jobs with stale ones marked failed."""

    def __init__(
        self,
        jobs: JobRepository,
        throttle_s: float = 0.5,
        heartbeat_s: float = 2.0,
        stale_s: float = 60.0,
    ) -> None:
        self.jobs = jobs
        self.throttle_s, self.heartbeat_s, self.stale_s = throttle_s, heartbeat_s, stale_s
        self.worker = f"{socket.gethostname()}:{os.getpid()}"

    def submit(self, kind: str, target: str | None, actor: int | None, work: Work) -> Job:
        """Record a queued job and run `work` in a new thread of this worker."""
        job = self.jobs.create(kind, target, actor)
        thread = threading.Thread(
            target=self._run, args=(job.id, work), name=f"job-{kind}-{job.id[:8]}", daemon=True
        )
        thread.start()
        return job

    def get(self, job_id: str) -> Job:
        """One job (`NotFoundError` when unknown), interrupted ones reported as failed."""
        self._fail_stale()
        return self.jobs.get(job_id)

    def recent(self, limit: int = 50, actor: int | None = None) -> list[Job]:
        self._fail_stale()
        return self.jobs.recent(limit, actor)

    def active(self, kinds: Sequence[str], target: str | None) -> Job | None:
        """A queued or running job of one of `kinds` on `target`, in any worker."""
        self._fail_stale()
        return self.jobs.active(kinds, target)

    def _fail_stale(self) -> None:
        self.jobs.fail_stale(utc_now() - timedelta(seconds=self.stale_s))

    def _run(self, job_id: str, work: Work) -> None:
        reporter = _Reporter(self.jobs, job_id, self.throttle_s)
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(reporter, stop), daemon=True)
        try:
            self.jobs.start(job_id, self.worker)
            beat.start()
            outcome = partial(self.jobs.finish, job_id, work(reporter))
        except Exception as error:  # every failure becomes the job's Chinese error
            outcome = partial(self.jobs.fail, job_id, *failure(error))
        stop.set()
        if beat.is_alive():
            beat.join()
        self.report(outcome)

    def _beat(self, reporter: _Reporter, stop: threading.Event) -> None:
        while not stop.wait(self.heartbeat_s):
            reporter.flush()

    @staticmethod
    def report(write: Callable[[], None]) -> None:
        """Write to the jobs table; a database hiccup is logged, never raised in a thread."""
        try:
            write()
        except Exception:
            log.exception("could not record a background job's state")
