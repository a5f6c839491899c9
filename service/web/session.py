"""Web sessions: the session cookie (a random id, resolved by the API's own `CurrentKey`), and
the page errors a role or scope check raises."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from service.auth import ROLE_LABELS, STAFF
from service.deps import SESSION_COOKIE, CurrentKey, get_state
from service.state import ServiceState
from storage.keys import ApiKey

COOKIE_NAME = SESSION_COOKIE
HOME_BY_ROLE: dict[str, str] = {
    "admin": "/",
    "organiser": "/",
    "enterprise": "/my/enterprise",
    "bank": "/my/products",
    "university": "/my/tech-results",
}


class PageError(Exception):
    """A page that cannot be shown, rendered as a Chinese error page with `status_code`."""

    def __init__(self, status_code: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.title = title
        self.message = message


def forbidden(message: str = "您的账号无权访问此页面。") -> PageError:
    return PageError(403, "无权访问", message)


def service_state(request: Request) -> ServiceState:
    return get_state(request)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """The session cookie: HttpOnly, SameSite=Strict, Max-Age of the session's lifetime, and
    `Secure` over HTTPS (or as the `cookie_secure` setting says)."""
    settings = service_state(request).settings
    secure = settings.cookie_secure
    if secure is None:
        secure = request.url.scheme == "https"
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=settings.session_max_hours * 3600,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")


def web_user(request: Request, key: CurrentKey) -> ApiKey:
    """The logged-in key (the API's 401 becomes a redirect to /login); kept for the layout."""
    request.state.web_user = key
    return key


WebUser = Annotated[ApiKey, Depends(web_user)]


def staff_user(user: WebUser) -> ApiKey:
    """The logged-in key, which must be an admin or organiser key."""
    if user.role not in STAFF:
        staff = "、".join(ROLE_LABELS[role] for role in STAFF)
        raise forbidden(f"此页面仅供{staff}使用，{ROLE_LABELS[user.role]}账号无权访问。")
    return user


StaffUser = Annotated[ApiKey, Depends(staff_user)]
