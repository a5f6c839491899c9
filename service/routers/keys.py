"""密钥: the caller's own key, and key management for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from sqlalchemy import Connection

from matcher.errors import MatcherError, NotFoundError
from service.deps import AdminKey, CurrentKey, State
from service.errors import ApiError
from service.routers.crud import invalid_field
from service.schemas.common import ERROR_RESPONSES
from service.schemas.keys import KeyCreate, KeyCreated, KeyPublic
from storage.keys import ApiKey

router = APIRouter(tags=["密钥"], responses=ERROR_RESPONSES)


@router.get("/me", response_model=KeyPublic, summary="当前密钥")
def me(key: CurrentKey) -> KeyPublic:
    """当前请求所用密钥的角色和权限范围。"""
    return KeyPublic.model_validate(key, from_attributes=True)


@router.get("/keys", response_model=list[KeyPublic], summary="密钥列表")
def list_keys(state: State, key: AdminKey) -> list[KeyPublic]:
    """全部密钥（含已吊销的），不含明文。"""
    return [KeyPublic.model_validate(k, from_attributes=True) for k in state.keys.list()]


@router.post("/keys", response_model=KeyCreated, status_code=201, summary="新建密钥")
def create_key(body: KeyCreate, state: State, key: AdminKey) -> KeyCreated:
    """新建密钥；明文只在本次响应中返回。企业账号的范围须为已存在的企业编号。"""
    if body.role == "enterprise" and body.scope_id:
        try:
            state.store.get("enterprise", body.scope_id)
        except NotFoundError:
            raise invalid_field("scope_id", f"企业「{body.scope_id}」不存在") from None

    def audit(connection: Connection, created: ApiKey) -> None:
        detail = f"{created.role} {created.scope_id or ''} {created.name}".replace("  ", " ")
        state.audit.record(
            key.id, "key_create", "api_key", str(created.id), detail, connection=connection
        )

    try:
        created, plaintext = state.keys.create(body.role, body.scope_id, body.name, within=audit)
    except MatcherError as error:
        raise invalid_field("scope_id", str(error)) from None
    return KeyCreated(**KeyPublic.model_validate(created, from_attributes=True).model_dump(),
                      key=plaintext)  # fmt: skip


@router.delete("/keys/{key_id}", status_code=204, summary="吊销密钥")
def revoke_key(
    key_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="密钥编号")],  # an INTEGER column
    state: State,
    key: AdminKey,
) -> Response:
    """吊销后该密钥立即失效。"""

    def audit(connection: Connection) -> None:
        state.audit.record(key.id, "key_revoke", "api_key", str(key_id), connection=connection)

    if not state.keys.revoke(key_id, within=audit):
        raise ApiError(404, f"找不到有效的密钥「{key_id}」（不存在或已吊销）")
    return Response(status_code=204)
