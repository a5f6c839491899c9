"""后台任务 page: a job's progress bar and message, kept current by a small script that polls
`/api/jobs/{id}`; once finished, its result (an import's summary or bad rows, the rebuilt
indexes) or its error. A finished event job forwards to the event page, which then shows the
job's summary as its notice (`job_notice`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from matcher.errors import NotFoundError
from service.routers.jobs import can_see
from service.schemas.jobs import EVENT_JOB_KINDS, JobPublic
from service.web.render import is_fragment_request, render
from service.web.routing import WebRoute
from service.web.session import WebUser, forbidden, service_state
from storage.jobs import Job
from storage.keys import ApiKey

router = APIRouter(route_class=WebRoute)


def go_to_job(request: Request, job: Job) -> Response:
    """To the job's page: htmx gets `HX-Redirect`, a plain form post a 303."""
    url = f"/jobs/{job.id}"
    if is_fragment_request(request):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def job_notice(job: Job) -> str:
    """What a finished event job did, in one Chinese sentence (with its solver notes)."""
    result = job.result or {}
    locked = f"（保留锁定 {result['locked']} 场）" if result.get("locked") else ""
    if job.kind == "schedule":
        text = f"已排程：排入时段 {result['placed']} 场，未排入 {result['unplaced']} 场"
    else:
        text = f"已生成 {result['meetings']} 场会谈{locked}，排入时段 {result['placed']} 场，"
        text += f"总分 {result['objective']:.2f}"
    notes = [result[name] for name in ("pairing_note", "schedule_note") if result.get(name)]
    return "；".join([text, *notes])


def finished_job(request: Request, user: ApiKey, job_id: str, event_id: str) -> Job | None:
    """The done event job `job_id` of `event_id` if `user` may see it, else None."""
    try:
        job = service_state(request).jobs.get(job_id)
    except NotFoundError:
        return None
    usable = job.status == "done" and job.kind in EVENT_JOB_KINDS and job.target == event_id
    return job if usable and can_see(user, job) else None


def _forward(job: Job) -> str | None:
    return f"/events/{job.target}?job={job.id}" if job.kind in EVENT_JOB_KINDS else None


def _import_result(job: Job) -> dict[str, Any] | None:
    """The context of `partials/import_result.html` for a finished import job."""
    if job.kind != "import" or job.status not in ("done", "failed"):
        return None
    result = job.result or {}
    problems = [(p["file"], p["row"], p["field"], p["reason"]) for p in result.get("problems", [])]
    if job.status == "failed":
        return {"report": None, "error": job.error, "problems": problems}
    return {"report": result, "name": result["file"], "problems": problems}


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, user: WebUser) -> HTMLResponse:
    """后台任务: progress while it runs, then its result or error (its creator or an admin)."""
    job = service_state(request).jobs.get(job_id)
    if not can_see(user, job):
        raise forbidden("只有任务的发起者或管理员可以查看此任务。")
    done = job.status == "done"
    context = {
        "job": JobPublic.of(job),
        "forward": _forward(job),
        "notice": job_notice(job) if done and job.kind in EVENT_JOB_KINDS else None,
        "import_result": _import_result(job),
        "summaries": (job.result or {}).get("summaries", []) if done else [],
    }
    return render(request, "job.html", context)
