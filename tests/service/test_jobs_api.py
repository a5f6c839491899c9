"""Long operations through the API as background jobs: 202 with the job's URL, the result or
a Chinese error, who may see a job, progress another worker can read, and queries answered
while a job runs."""

from __future__ import annotations

import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from matcher.errors import MatcherError
from service import event_jobs
from service.main import create_app
from storage.jobs import INTERRUPTED, JobRepository
from storage.models import JobRow, utc_now
from tests.service.job_helpers import finished
from tests.service.test_events_api import INDUSTRY, create

WAITING = "测试：等待放行"


def post(service, path: str, who: str = "organiser", **kwargs):
    return service.request(who, "POST", path, **kwargs)


def accepted(response) -> str:
    """The job id of a 202 answer (its body and `Location` name the status URL)."""
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued"
    assert response.headers["location"] == body["status_url"] == f"/api/jobs/{body['job_id']}"
    return body["job_id"]


def job(service, job_id: str, who: str = "organiser") -> dict:
    response = service.request(who, "GET", f"/api/jobs/{job_id}")
    assert response.status_code == 200, response.text
    return response.json()


def done(service, job_id: str) -> dict:
    finished(service.state, job_id)
    return job(service, job_id)


def test_an_index_rebuild_runs_as_a_job_kind_by_kind(service):
    body = {"kinds": ["need", "offer"], "full": True}
    result = done(service, accepted(post(service, "/api/indexes/rebuild", json=body)))
    assert (result["status"], result["status_label"], result["kind_label"]) == (
        "done", "已完成", "重建索引",
    )  # fmt: skip
    assert result["percent"] == 100.0 and result["error"] is None
    assert [(s["kind"], s["mode"]) for s in result["result"]["summaries"]] == [
        ("need", "full"), ("offer", "full"),
    ]  # fmt: skip
    assert result["created_at"] <= result["started_at"] <= result["finished_at"]


def test_an_import_runs_as_a_job_with_its_report_or_every_bad_row(service):
    good = "id,enterprise_id,text\nO60,E4,承接五轴数控精密零件加工\n".encode()
    result = done(
        service, accepted(post(service, "/api/import", files={"file": ("offers.csv", good)}))
    )
    assert result["status"] == "done" and result["target"] == "offers.csv"
    report = result["result"]
    assert (report["file"], report["kind"], report["added"]) == ("offers.csv", "offer", 1)
    assert service.request("organiser", "GET", "/api/offers/O60").status_code == 200

    bad = "id,enterprise_id,text\nO61,E404,不存在的企业的供给\n".encode()
    upload = {"files": {"file": ("坏数据.csv", bad)}, "data": {"kind": "offer"}}
    failed = done(service, accepted(post(service, "/api/import", **upload)))
    assert failed["status"] == "failed" and failed["status_label"] == "失败"
    assert "坏数据.csv" in failed["error"] and "matcher-upload" not in failed["error"]
    assert "skip_bad_rows=true" in failed["error"] and "--skip-bad-rows" not in failed["error"]
    problem = failed["result"]["problems"][0]
    assert (problem["file"], problem["row"], problem["field"]) == ("坏数据.csv", 2, "enterprise_id")
    assert "E404" in problem["reason"]
    assert service.request("organiser", "GET", "/api/offers/O61").status_code == 404
    assert not list(Path(tempfile.gettempdir()).glob("matcher-upload-*/坏数据.csv"))  # cleaned


def test_pairing_and_scheduling_run_as_jobs(service):
    create(service, "EV-job", INDUSTRY)
    result = done(service, accepted(post(service, "/api/events/EV-job/regenerate")))
    assert result["status"] == "done", result["error"]
    assert (result["target"], result["result_url"]) == ("EV-job", "/api/events/EV-job")
    detail = service.request("organiser", "GET", "/api/events/EV-job").json()
    assert result["result"]["meetings"] == len(detail["meetings"]) >= 2
    assert result["result"]["placed"] == len(detail["meetings"])
    assert all(m["slot"] is not None for m in detail["meetings"])
    assert detail["schedule_method"] in ("edge-colouring", "greedy", "cp-sat (optimal)")
    assert detail["schedule_note"] is None and detail["pairing_note"] is None

    scheduled = done(service, accepted(post(service, "/api/events/EV-job/schedule")))
    assert scheduled["kind_label"] == "排程" and scheduled["result"]["unplaced"] == 0
    entries = service.request("admin", "GET", "/api/audit?limit=20").json()
    assert any(e["record_id"] == "EV-job" and e["detail"].startswith("排程") for e in entries)
    # what can be refused at once still is, without a job
    create(service, "EV-empty")
    refused = post(service, "/api/events/EV-empty/regenerate")
    assert refused.status_code == 409 and "还没有参会方" in refused.json()["message"]


def test_only_the_creator_and_admins_see_a_job(service):
    job_id = accepted(post(service, "/api/indexes/rebuild", json={"kinds": ["policy"]}))
    finished(service.state, job_id)
    assert job(service, job_id, "admin")["id"] == job_id
    denied = service.request("e1", "GET", f"/api/jobs/{job_id}")
    assert denied.status_code == 403 and "只有任务的发起者或管理员" in denied.json()["message"]
    _, other = service.state.keys.create("organiser", None, "另一活动组")
    elsewhere = service.client.get(f"/api/jobs/{job_id}", headers={"X-API-Key": other})
    assert elsewhere.status_code == 403
    mine = service.request("organiser", "GET", "/api/jobs?limit=200").json()
    assert job_id in [j["id"] for j in mine]
    theirs = service.client.get("/api/jobs", headers={"X-API-Key": other}).json()
    assert theirs == []
    assert job_id in [j["id"] for j in service.request("admin", "GET", "/api/jobs").json()]
    assert service.request("e1", "GET", "/api/jobs").status_code == 403
    missing = service.request("organiser", "GET", "/api/jobs/nope")
    assert missing.status_code == 404 and "找不到任务「nope」" in missing.json()["message"]


def test_a_failing_job_reports_its_error(sqlite_service):
    state = sqlite_service.state

    def library_error(progress) -> dict:
        progress(1, 2, "进行到一半")
        raise MatcherError("配对求解失败（整数规划：测试）")

    def bug(progress) -> dict:
        raise KeyError("surprise")

    failed = finished(state, state.jobs.submit("pair", "EV-x", None, library_error).id)
    assert (failed.status, failed.error) == ("failed", "配对求解失败（整数规划：测试）")
    crashed = finished(state, state.jobs.submit("pair", "EV-y", None, bug).id)
    assert crashed.error == "任务失败：服务器内部错误（KeyError），请稍后重试或联系管理员"


def test_a_job_whose_worker_exited_is_reported_interrupted(service):
    me = service.request("organiser", "GET", "/api/me").json()["id"]
    jobs = JobRepository(service.state.engine)  # as another worker would have written it
    orphan = jobs.create("rebuild", "indexes", me)
    jobs.start(orphan.id, "gone-host:4242")
    long_ago = utc_now() - timedelta(minutes=10)
    with service.state.engine.begin() as connection:
        connection.execute(
            update(JobRow).where(JobRow.id == orphan.id).values(heartbeat_at=long_ago)
        )
    body = job(service, orphan.id)
    assert (body["status"], body["error"]) == ("failed", INTERRUPTED)


@pytest.fixture
def held_pairing(monkeypatch):
    """Pairing that waits until the test releases it: (started, release) events."""
    started, release = threading.Event(), threading.Event()
    real = event_jobs.pair_event

    def held(plan, workspace, encoder, progress, **options):
        progress(0, 3, WAITING)
        started.set()
        assert release.wait(60), "the test never released the pairing"
        return real(plan, workspace, encoder, progress=progress, **options)

    monkeypatch.setattr(event_jobs, "pair_event", held)
    yield started, release
    release.set()


def test_queries_answer_and_another_worker_sees_progress_while_pairing_runs(
    sqlite_service, held_pairing
):
    service, (started, release) = sqlite_service, held_pairing
    other_worker = create_app(service.state.settings, progress=False)  # same database
    create(service, "EV-held", INDUSTRY)
    with TestClient(other_worker) as other:
        job_id = accepted(post(service, "/api/events/EV-held/pair"))
        assert started.wait(30)
        began = time.perf_counter()
        answer = service.request("e1", "GET", "/api/needs/N1/recommendations")
        assert answer.status_code == 200 and answer.json()
        assert time.perf_counter() - began < 10  # nothing waits for the pairing
        seen = other.get(f"/api/jobs/{job_id}", headers=service.headers("organiser")).json()
        assert (seen["status"], seen["done"], seen["total"], seen["message"]) == (
            "running", 0, 3, WAITING,
        )  # fmt: skip
        busy = post(service, "/api/events/EV-held/regenerate")
        assert busy.status_code == 409 and job_id in busy.json()["message"]
        assert busy.json()["details"][0]["job_id"] == job_id
        release.set()
        finished(service.state, job_id)
        result = other.get(f"/api/jobs/{job_id}", headers=service.headers("organiser")).json()
        assert result["status"] == "done" and result["result"]["meetings"] >= 2


def test_a_plan_changed_while_pairing_is_not_overwritten(sqlite_service, held_pairing):
    service, (started, release) = sqlite_service, held_pairing
    create(service, "EV-edit", INDUSTRY[:3])
    job_id = accepted(post(service, "/api/events/EV-edit/pair"))
    assert started.wait(30)
    more = {"participants": [{"kind": "university", "ref": "青岛大学"}]}
    added = post(service, "/api/events/EV-edit/participants", json=more)
    assert added.status_code == 200  # the event is not locked while it is paired
    release.set()
    failed = finished(service.state, job_id)
    assert failed.status == "failed" and "在生成配对期间被修改，结果未保存" in failed.error
    plan = service.state.events.load("EV-edit")
    assert len(plan.participants) == 4 and not plan.meetings


def test_openapi_documents_the_202_and_the_synchronous_200(sqlite_service):
    paths = sqlite_service.client.get("/openapi.json").json()["paths"]
    for path in ("/api/events/{event_id}/pair", "/api/indexes/rebuild", "/api/import"):
        responses = paths[path]["post"]["responses"]
        assert {"200", "202"} <= set(responses), path
        assert "wait" in {p["name"] for p in paths[path]["post"].get("parameters", [])}, path
    assert "/api/jobs/{job_id}" in paths and "/api/jobs" in paths
