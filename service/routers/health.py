"""健康检查: liveness and readiness probes (no key needed)."""

from __future__ import annotations

import os

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from matcher.types import KIND_LABELS
from service.deps import State
from service.schemas.health import Health, Readiness

router = APIRouter(tags=["健康检查"])
STATUS_LABELS = {"fresh": "最新", "stale": "已过期", "missing": "缺失"}


@router.get("/healthz", response_model=Health, summary="进程存活")
def healthz() -> Health:
    """进程在运行即返回 200，并给出答复的工作进程号。"""
    return Health(status="ok", worker=os.getpid())


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="可以服务",
    responses={503: {"model": Readiness, "description": "未就绪，reasons 给出原因"}},
)
def readyz(state: State) -> Readiness | JSONResponse:
    """数据库可连接且每类记录的索引都与数据一致时返回 200，否则 503 并说明原因。"""
    reasons = []
    problem = state.database_ok()
    if problem:
        reasons.append(problem)
    else:
        for row in state.index_status():
            if row["status"] != "fresh":
                state_text = STATUS_LABELS[row["status"]]
                reasons.append(f"{KIND_LABELS[row['kind']]}索引{state_text}：{row['detail']}")
    if reasons:
        body = Readiness(status="not_ready", reasons=reasons)
        return JSONResponse(body.model_dump(), status_code=503)
    return Readiness(status="ready", reasons=[])
