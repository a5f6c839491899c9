"""FastAPI dependencies: the service state, the calling API key, role and scope checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, APIKeyHeader

from service.auth import ROLE_LABELS, STAFF
from service.errors import forbidden, unauthorized
from service.state import ServiceState
from storage.keys import ApiKey

KEY_HEADER = "X-API-Key"
KEY_COOKIE = "matcher_key"

_header = APIKeyHeader(name=KEY_HEADER, auto_error=False, description="API 密钥（mk_ 开头）")
_cookie = APIKeyCookie(name=KEY_COOKIE, auto_error=False, description="网页登录后设置的密钥")


def get_state(request: Request) -> ServiceState:
    """The running service (`app.state.service`)."""
    return request.app.state.service


State = Annotated[ServiceState, Depends(get_state)]


def optional_key(
    state: State,
    header: Annotated[str | None, Security(_header)] = None,
    cookie: Annotated[str | None, Security(_cookie)] = None,
) -> ApiKey | None:
    """The valid key of the request (header first, then cookie), or None."""
    plaintext = header or cookie
    return state.keys.verify(plaintext) if plaintext else None


def current_key(
    state: State,
    header: Annotated[str | None, Security(_header)] = None,
    cookie: Annotated[str | None, Security(_cookie)] = None,
) -> ApiKey:
    """The calling key; 401 when missing, unknown or revoked."""
    plaintext = header or cookie
    if not plaintext:
        raise unauthorized(f"缺少 API 密钥：请在请求头 {KEY_HEADER} 中提供密钥，或先登录")
    key = state.keys.verify(plaintext)
    if key is None:
        raise unauthorized("API 密钥无效或已被吊销")
    return key


OptionalKey = Annotated[ApiKey | None, Depends(optional_key)]
CurrentKey = Annotated[ApiKey, Depends(current_key)]


def require_roles(*roles: str) -> Callable[[ApiKey], ApiKey]:
    """A dependency: the calling key when its role is one of `roles`, else 403."""
    allowed = "、".join(ROLE_LABELS[role] for role in roles)

    def check(key: CurrentKey) -> ApiKey:
        if key.role not in roles:
            raise forbidden(f"{ROLE_LABELS[key.role]}账号无权执行此操作（需要：{allowed}）")
        return key

    return check


StaffKey = Annotated[ApiKey, Depends(require_roles(*STAFF))]
AdminKey = Annotated[ApiKey, Depends(require_roles("admin"))]


def ensure(allowed: bool, message: str) -> None:
    """403 with `message` unless `allowed`."""
    if not allowed:
        raise forbidden(message)
