"""登录 / 退出: an API key typed once starts a server-side session; the browser keeps only the
session's random id, in an HttpOnly, SameSite=Strict cookie."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from service.csrf import check_origin
from service.deps import client_ip
from service.throttle import wait_message
from service.web.render import render
from service.web.routing import WebRoute
from service.web.session import (
    COOKIE_NAME,
    HOME_BY_ROLE,
    WebUser,
    clear_session_cookie,
    service_state,
    set_session_cookie,
)

router = APIRouter(route_class=WebRoute)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", {"error": None})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, key: Annotated[str, Form()] = "") -> Response:
    """Check the key (sent from this site's page); on success start a session, set its cookie
    and go to the role's home page. Too many failures from one address or key prefix: 429."""
    state = service_state(request)
    check_origin(request, state.settings.trusted_origins)
    plaintext = key.strip()
    if not plaintext:
        return render(request, "login.html", {"error": "请输入 API 密钥"}, status_code=401)
    found = state.keys.verify(plaintext)
    if found is None:
        wait = state.throttle.failed("login", client_ip(request), plaintext)
        if wait:
            page = render(request, "login.html", {"error": wait_message(wait)}, status_code=429)
            page.headers["Retry-After"] = str(wait)
            return page
        error = "API 密钥无效或已被吊销，请检查后重试"
        return render(request, "login.html", {"error": error}, status_code=401)
    settings = state.settings
    lifetime = timedelta(hours=settings.session_max_hours)
    idle = timedelta(minutes=settings.session_idle_minutes)
    _, token = state.sessions.create(found, lifetime, idle)
    response = RedirectResponse(HOME_BY_ROLE[found.role], status_code=303)
    set_session_cookie(request, response, token)
    return response


@router.post("/logout")
def logout(request: Request, user: WebUser) -> Response:
    """退出: end the session in the database (its cookie no longer works anywhere) and forget
    the cookie."""
    token = request.cookies.get(COOKIE_NAME)
    if token:
        service_state(request).sessions.revoke(token)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response
