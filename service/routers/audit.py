"""审计: the audit log, newest first (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import AdminKey, State
from service.schemas.audit import AuditEntryPublic
from service.schemas.common import ERROR_RESPONSES

router = APIRouter(tags=["审计"], responses=ERROR_RESPONSES)


@router.get("/audit", response_model=list[AuditEntryPublic], summary="审计日志")
def audit_log(
    state: State,
    key: AdminKey,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="从第几条开始")] = 0,
    limit: Annotated[int, Query(ge=1, le=200, description="条数（最多 200）")] = 50,
) -> list[AuditEntryPublic]:
    """谁（哪个密钥）在何时新建、修改、删除、导入、导出、重建了什么，以及密钥的新建和吊销。"""
    entries = state.audit.list(offset=offset, limit=limit)
    return [AuditEntryPublic.model_validate(e, from_attributes=True) for e in entries]
