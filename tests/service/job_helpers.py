"""Waiting for background jobs in tests: poll the jobs table until a job finishes."""

from __future__ import annotations

import time

from service.state import ServiceState
from storage.jobs import Job


def finished(state: ServiceState, job_id: str, timeout: float = 120.0) -> Job:
    """The job once it is done or failed (fails the test after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        job = state.jobs.get(job_id)
        if job.finished:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job.status}: {job.message}"
        time.sleep(0.05)
