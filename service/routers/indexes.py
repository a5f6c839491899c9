"""索引: status of every kind's indexes and rebuilds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from matcher.types import KIND_LABELS, RECORD_KINDS
from service.deps import StaffKey, State
from service.errors import conflict
from service.jobs import Progress, quiet
from service.routers.jobs import Wait, accepted, finished
from service.schemas.common import ERROR_RESPONSES
from service.schemas.indexes import BuildSummaryPublic, IndexStatusPublic, RebuildRequest
from service.schemas.jobs import JobAccepted
from service.state import ServiceState

router = APIRouter(prefix="/indexes", tags=["索引"], responses=ERROR_RESPONSES)
INDEXES = "indexes"  # the target of rebuild jobs


@router.get("", response_model=list[IndexStatusPublic], summary="索引状态")
def index_status(state: State, key: StaffKey) -> list[IndexStatusPublic]:
    """每类记录：数据库中的条数、索引中的条数、索引类型、编码器，以及是否最新。"""
    return [IndexStatusPublic.model_validate(row) for row in state.index_status()]


def rebuild_kinds(
    state: ServiceState, kinds: Sequence[str], full: bool, actor: int | None,
    progress: Progress = quiet,
) -> list[BuildSummaryPublic]:  # fmt: skip
    """Rebuild one kind after the other (the state's lock is let go between kinds)."""
    summaries: list[BuildSummaryPublic] = []
    for done, kind in enumerate(kinds):
        progress(done, len(kinds), f"正在重建索引：{KIND_LABELS[kind]}")
        for summary in state.rebuild([kind], full, actor).values():
            summaries.append(BuildSummaryPublic.model_validate(summary.to_dict()))
    return summaries


@router.post(
    "/rebuild", response_model=JobAccepted, status_code=202, summary="重建索引",
    responses={200: {"model": list[BuildSummaryPublic], "description": "wait=true：构建结果"}},
)  # fmt: skip
def rebuild(
    body: RebuildRequest, state: State, key: StaffKey, response: Response, wait: Wait = False
) -> JobAccepted | JSONResponse:
    """默认只更新与数据库不一致的部分（未变化的文本不会重新编码）；full=true 时从头重建。
    在后台逐类重建：返回 202 与任务地址，任务结果 summaries 为各类索引的构建结果。"""
    kinds = list(body.kinds or RECORD_KINDS)
    if wait:
        return finished(rebuild_kinds(state, kinds, body.full, key.id))
    running = state.jobs.active(("rebuild",), INDEXES)
    if running is not None:
        raise conflict(f"索引正在重建（任务 {running.id}），请等待其完成")

    def work(progress: Progress) -> dict[str, Any]:
        summaries = rebuild_kinds(state, kinds, body.full, key.id, progress)
        return {"summaries": [summary.model_dump(mode="json") for summary in summaries]}

    return accepted(state.jobs.submit("rebuild", INDEXES, key.id, work), response)
