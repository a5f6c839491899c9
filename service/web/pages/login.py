"""登录 / 退出: an API key typed once, kept in an HttpOnly, SameSite=Strict cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from service.web.render import render
from service.web.routing import WebRoute
from service.web.session import COOKIE_NAME, HOME_BY_ROLE, service_state

router = APIRouter(route_class=WebRoute)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", {"error": None})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, key: Annotated[str, Form()] = "") -> Response:
    """Check the key; on success set the cookie and go to the role's home page."""
    plaintext = key.strip()
    found = service_state(request).keys.verify(plaintext) if plaintext else None
    if found is None:
        error = "请输入 API 密钥" if not plaintext else "API 密钥无效或已被吊销，请检查后重试"
        return render(request, "login.html", {"error": error}, status_code=401)
    response = RedirectResponse(HOME_BY_ROLE[found.role], status_code=303)
    response.set_cookie(COOKIE_NAME, plaintext, httponly=True, samesite="strict", path="/")
    return response


@router.post("/logout")
def logout() -> Response:
    """退出: forget the cookie."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response
