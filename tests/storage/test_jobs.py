"""Background jobs in the database: lifecycle, progress seen by a second worker's engine,
interrupted jobs marked failed, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matcher.errors import NotFoundError
from storage.db import make_engine, upgrade
from storage.jobs import INTERRUPTED, JobRepository
from storage.models import utc_now
from tests.storage.backends import backend_url


def test_lifecycle_queued_running_done(engine):
    jobs = JobRepository(engine)
    job = jobs.create("rebuild", "indexes", actor_key_id=7)
    assert (job.status, job.done, job.total, job.percent, job.finished) == (
        "queued", 0, None, 0.0, False,
    )  # fmt: skip
    jobs.start(job.id, "host:1")
    running = jobs.get(job.id)
    assert running.status == "running" and running.worker == "host:1"
    assert running.started_at is not None and running.percent is None
    jobs.progress(job.id, 3, 4, "正在重建索引：需求")
    halfway = jobs.get(job.id)
    assert (halfway.done, halfway.total, halfway.percent) == (3, 4, 75.0)
    assert halfway.message == "正在重建索引：需求" and halfway.heartbeat_at >= running.heartbeat_at
    jobs.finish(job.id, {"kinds": ["need"], "中文": "结果"})
    done = jobs.get(job.id)
    assert done.status == "done" and done.finished and done.percent == 100.0
    assert done.result == {"kinds": ["need"], "中文": "结果"} and done.error is None
    assert done.finished_at >= done.started_at >= done.created_at


def test_failure_keeps_the_error_and_details(engine):
    jobs = JobRepository(engine)
    job = jobs.create("import", "needs.csv", None)
    jobs.start(job.id, "w")
    jobs.fail(job.id, "第 3 行：金额应为数字", {"problems": [{"row": 3}]})
    failed = jobs.get(job.id)
    assert failed.status == "failed" and failed.error == "第 3 行：金额应为数字"
    assert failed.result == {"problems": [{"row": 3}]} and failed.finished
    jobs.progress(job.id, 1, 1, "迟到的进度")  # a finished job takes no more progress
    assert jobs.get(job.id).message == "失败"


def test_unknown_job_is_not_found(engine):
    with pytest.raises(NotFoundError, match="找不到任务「nope」"):
        JobRepository(engine).get("nope")


def test_recent_newest_first_and_by_key(engine):
    jobs = JobRepository(engine)
    first = jobs.create("rebuild", "indexes", 1)
    second = jobs.create("pair", "EV1", 2)
    third = jobs.create("schedule", "EV1", 1)
    assert [j.id for j in jobs.recent()] == [third.id, second.id, first.id]
    assert [j.id for j in jobs.recent(actor_key_id=1)] == [third.id, first.id]
    assert [j.id for j in jobs.recent(limit=1)] == [third.id]


def test_active_job_of_a_target(engine):
    jobs = JobRepository(engine)
    event_kinds = ("pair", "schedule")
    assert jobs.active(event_kinds, "EV1") is None
    job = jobs.create("schedule", "EV1", None)
    jobs.create("pair", "EV2", None)
    jobs.create("rebuild", "EV1", None)
    assert jobs.active(event_kinds, "EV1").id == job.id
    jobs.start(job.id, "w")
    assert jobs.active(event_kinds, "EV1").id == job.id
    jobs.finish(job.id, {})
    assert jobs.active(event_kinds, "EV1") is None


def test_stale_heartbeat_marks_the_job_interrupted(engine):
    jobs = JobRepository(engine)
    stale = jobs.create("rebuild", "indexes", None)
    jobs.start(stale.id, "gone:1")
    fresh = jobs.create("pair", "EV1", None)
    jobs.start(fresh.id, "alive:2")
    finished = jobs.create("schedule", "EV1", None)
    jobs.start(finished.id, "alive:2")
    jobs.finish(finished.id, {})
    cutoff = jobs.get(fresh.id).heartbeat_at
    jobs.heartbeat(fresh.id)  # heard of again after the cut-off
    assert jobs.fail_stale(cutoff) == 1
    interrupted = jobs.get(stale.id)
    assert interrupted.status == "failed" and interrupted.error == INTERRUPTED
    assert jobs.get(fresh.id).status == "running" and jobs.get(finished.id).status == "done"
    jobs.heartbeat(stale.id)  # a heartbeat does not bring it back
    assert jobs.get(stale.id).status == "failed"
    assert jobs.fail_stale(utc_now() + timedelta(seconds=1)) == 1  # the queued-never-run too
    assert jobs.get(fresh.id).error == INTERRUPTED


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_second_worker_sees_progress_on_the_same_database(backend, tmp_path):
    with backend_url(backend, tmp_path) as (url, schema):
        running_worker, other_worker = make_engine(url, schema), make_engine(url, schema)
        try:
            upgrade(running_worker)
            here, there = JobRepository(running_worker), JobRepository(other_worker)
            job = here.create("pair", "EV1", 3)
            here.start(job.id, "worker-a")
            here.progress(job.id, 1, 3, "正在求解配对")
            seen = there.get(job.id)
            assert (seen.status, seen.done, seen.total, seen.message, seen.worker) == (
                "running", 1, 3, "正在求解配对", "worker-a",
            )  # fmt: skip
            here.finish(job.id, {"meetings": 12})
            assert there.get(job.id).result == {"meetings": 12}
            assert [j.id for j in there.recent(actor_key_id=3)] == [job.id]
        finally:
            running_worker.dispose()
            other_worker.dispose()
