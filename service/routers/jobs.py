"""后台任务: a job's status, progress and result (its creator or an admin), recent jobs (staff)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from service.auth import ROLE_LABELS
from service.deps import CurrentKey, StaffKey, State
from service.errors import forbidden
from service.schemas.common import ERROR_RESPONSES
from service.schemas.jobs import JobAccepted, JobPublic, status_url
from storage.jobs import Job
from storage.keys import ApiKey

router = APIRouter(prefix="/jobs", tags=["后台任务"], responses=ERROR_RESPONSES)

JobId = Annotated[str, Path(min_length=1, max_length=32, description="任务编号")]
Wait = Annotated[
    bool,
    Query(description="true：在本次请求中执行完并直接返回结果（200），适合小任务和脚本；"
                      "默认在后台执行，立即返回 202 与任务地址"),
]  # fmt: skip


def accepted(job: Job, response: Response) -> JobAccepted:
    """The 202 body of a queued job; its status URL goes into `Location` too."""
    response.status_code = 202
    response.headers["Location"] = status_url(job.id)
    return JobAccepted.of(job)


def finished(body: BaseModel | list[BaseModel]) -> JSONResponse:
    """The 200 answer of a long operation run in the request (`wait=true`)."""
    return JSONResponse(jsonable_encoder(body))


def can_see(key: ApiKey, job: Job) -> bool:
    """Only the job's creator and admins see a job."""
    return key.role == "admin" or job.actor_key_id == key.id


def ensure_can_see(key: ApiKey, job: Job) -> None:
    """The job's creator or an admin; anyone else gets a 403."""
    if not can_see(key, job):
        who = f"{ROLE_LABELS[key.role]}账号"
        raise forbidden(f"{who}无权查看任务「{job.id}」：只有任务的发起者或管理员可以查看")


@router.get("", response_model=list[JobPublic], summary="最近的后台任务")
def list_jobs(
    state: State,
    key: StaffKey,
    limit: Annotated[int, Query(ge=1, le=200, description="最多返回条数")] = 50,
) -> list[JobPublic]:
    """最新的在前；管理员看到全部任务，组织方只看到自己发起的。进程退出而中断的任务显示为失败。"""
    actor = None if key.role == "admin" else key.id
    return [JobPublic.of(job) for job in state.jobs.recent(limit, actor)]


@router.get("/{job_id}", response_model=JobPublic, summary="查询后台任务")
def get_job(job_id: JobId, state: State, key: CurrentKey) -> JobPublic:
    """状态、已完成步骤与总步骤、百分比、当前进展；完成后附结果，失败时附原因。
    任一服务进程都可以回答（任务状态保存在数据库中）。"""
    job = state.jobs.get(job_id)
    ensure_can_see(key, job)
    return JobPublic.of(job)
