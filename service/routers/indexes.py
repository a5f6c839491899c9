"""索引: status of every kind's indexes and rebuilds."""

from __future__ import annotations

from fastapi import APIRouter

from service.deps import StaffKey, State
from service.schemas.common import ERROR_RESPONSES
from service.schemas.indexes import BuildSummaryPublic, IndexStatusPublic, RebuildRequest

router = APIRouter(prefix="/indexes", tags=["索引"], responses=ERROR_RESPONSES)


@router.get("", response_model=list[IndexStatusPublic], summary="索引状态")
def index_status(state: State, key: StaffKey) -> list[IndexStatusPublic]:
    """每类记录：数据库中的条数、索引中的条数、索引类型、编码器，以及是否最新。"""
    return [IndexStatusPublic.model_validate(row) for row in state.index_status()]


@router.post("/rebuild", response_model=list[BuildSummaryPublic], summary="重建索引")
def rebuild(body: RebuildRequest, state: State, key: StaffKey) -> list[BuildSummaryPublic]:
    """默认只更新与数据库不一致的部分（未变化的文本不会重新编码）；full=true 时从头重建。"""
    summaries = state.rebuild(body.kinds, body.full, key.id)
    return [BuildSummaryPublic.model_validate(s.to_dict()) for s in summaries.values()]
