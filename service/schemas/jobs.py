"""Background job models: the 202 answer of a long operation and a job's status."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from storage.jobs import Job

JOB_KIND_LABELS: dict[str, str] = {
    "rebuild": "重建索引",
    "import": "导入数据",
    "pair": "生成配对",
    "schedule": "排程",
    "regenerate": "生成配对与日程",
}
JOB_STATUS_LABELS: dict[str, str] = {
    "queued": "排队中",
    "running": "进行中",
    "done": "已完成",
    "failed": "失败",
}
EVENT_JOB_KINDS: tuple[str, ...] = ("pair", "schedule", "regenerate")


def status_url(job_id: str) -> str:
    return f"/api/jobs/{job_id}"


class JobAccepted(BaseModel):
    """已受理的后台任务：用 status_url 查询进度与结果"""

    job_id: str = Field(description="任务编号", examples=["3f2b9c0e8d7a4c1b9e6f5a4d3c2b1a09"])
    status: Literal["queued", "running", "done", "failed"] = Field(
        description="受理时的状态", examples=["queued"]
    )
    status_url: str = Field(
        description="查询任务进度的地址（GET）",
        examples=["/api/jobs/3f2b9c0e8d7a4c1b9e6f5a4d3c2b1a09"],
    )

    @classmethod
    def of(cls, job: Job) -> JobAccepted:
        return cls(job_id=job.id, status=job.status, status_url=status_url(job.id))  # type: ignore[arg-type]


class JobPublic(BaseModel):
    """后台任务的状态、进度与结果"""

    id: str = Field(description="任务编号", examples=["3f2b9c0e8d7a4c1b9e6f5a4d3c2b1a09"])
    kind: str = Field(
        description="任务类型：rebuild 重建索引、import 导入数据、pair 生成配对、schedule 排程、"
        "regenerate 生成配对与日程",
        examples=["regenerate"],
    )
    kind_label: str = Field(description="任务类型（中文）", examples=["生成配对与日程"])
    target: str | None = Field(description="任务对象：活动编号、文件名等", examples=["EV-ai"])
    status: Literal["queued", "running", "done", "failed"] = Field(
        description="queued 排队中、running 进行中、done 已完成、failed 失败", examples=["running"]
    )
    status_label: str = Field(description="状态（中文）", examples=["进行中"])
    done: int = Field(description="已完成的步骤数", examples=[1])
    total: int | None = Field(description="总步骤数；为空表示未知", examples=[4])
    percent: float | None = Field(description="完成百分比（0–100）；为空表示未知", examples=[25.0])
    message: str = Field(description="当前进展（中文）", examples=["正在从 812 个候选中求解配对"])
    result: dict[str, Any] | None = Field(
        description="完成后的结果；失败的导入在此列出问题行（problems）", examples=[None]
    )
    error: str | None = Field(description="失败原因（中文）", examples=[None])
    result_url: str | None = Field(
        description="结果所在的地址（活动类任务为活动详情）", examples=["/api/events/EV-ai"]
    )
    created_at: datetime = Field(description="创建时间")
    started_at: datetime | None = Field(description="开始时间")
    finished_at: datetime | None = Field(description="结束时间")
    heartbeat_at: datetime | None = Field(description="执行进程最近一次报告的时间")

    @classmethod
    def of(cls, job: Job) -> JobPublic:
        event = job.kind in EVENT_JOB_KINDS and job.target
        return cls(
            id=job.id,
            kind=job.kind,
            kind_label=JOB_KIND_LABELS.get(job.kind, job.kind),
            target=job.target,
            status=job.status,  # type: ignore[arg-type]
            status_label=JOB_STATUS_LABELS[job.status],
            done=job.done,
            total=job.total,
            percent=job.percent,
            message=job.message,
            result=job.result,
            error=job.error,
            result_url=f"/api/events/{job.target}" if event else None,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            heartbeat_at=job.heartbeat_at,
        )
