"""FastAPI dependencies: the service state, the calling API key (header or web session, with
the CSRF checks of cookie-authenticated writes), role and scope checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, APIKeyHeader

from service.auth import ROLE_LABELS, STAFF
from service.csrf import CSRF_HEADER, SAFE_METHODS, check_origin, check_token, submitted_token
from service.errors import ApiError, forbidden, unauthorized
from service.state import ServiceState
from service.throttle import wait_message
from storage.keys import ApiKey
from storage.sessions import WebSession

KEY_HEADER = "X-API-Key"
SESSION_COOKIE = "matcher_session"

_header = APIKeyHeader(name=KEY_HEADER, auto_error=False, description="API 密钥（mk_ 开头）")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description=f"网页登录后的会话（不是密钥本身）；凭它发起的写操作还须带 {CSRF_HEADER} 请求头",
)


def get_state(request: Request) -> ServiceState:
    """The running service (`app.state.service`)."""
    return request.app.state.service


State = Annotated[ServiceState, Depends(get_state)]


def client_ip(request: Request) -> str:
    """The caller's address (as the server sees it, after any trusted proxy headers)."""
    return request.client.host if request.client else "unknown"


def too_many(seconds: int) -> ApiError:
    """429 with `Retry-After`."""
    return ApiError(429, wait_message(seconds), headers={"Retry-After": str(seconds)})


def web_session(state: ServiceState, token: str) -> WebSession | None:
    """The live session of a cookie value, or None."""
    idle = timedelta(minutes=state.settings.session_idle_minutes)
    return state.sessions.resolve(token, idle)


async def csrf_submitted(
    request: Request,
    header: Annotated[str | None, Security(_header)] = None,
    cookie: Annotated[str | None, Security(_cookie)] = None,
) -> str | None:
    """The CSRF token of a write authenticated by the session cookie (else None)."""
    if header or not cookie or request.method in SAFE_METHODS:
        return None
    return await submitted_token(request)


def current_key(
    request: Request,
    state: State,
    header: Annotated[str | None, Security(_header)] = None,
    cookie: Annotated[str | None, Security(_cookie)] = None,
    submitted: Annotated[str | None, Depends(csrf_submitted)] = None,
) -> ApiKey:
    """The calling key: the `X-API-Key` header, else the web session's key. 401 when missing,
    unknown, revoked or expired; 429 after too many bad keys; a cookie-authenticated write
    from another site or without the session's CSRF token is a 403 (see `service.csrf`)."""
    if header:
        key = state.keys.verify(header)
        if key is not None:
            return key
        wait = state.throttle.failed("key", client_ip(request), header)
        raise too_many(wait) if wait else unauthorized("API 密钥无效或已被吊销")
    if not cookie:
        raise unauthorized(f"缺少 API 密钥：请在请求头 {KEY_HEADER} 中提供密钥，或先登录")
    write = request.method not in SAFE_METHODS
    if write:
        check_origin(request, state.settings.trusted_origins)
    session = web_session(state, cookie)
    if session is None:
        raise unauthorized("登录已过期或已退出，请重新登录")
    if write:
        check_token(session.csrf_token, submitted)
    request.state.csrf_token = session.csrf_token
    return session.key


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
