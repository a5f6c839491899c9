"""A route class that turns the UI's failures into pages: login redirects and Chinese errors."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from matcher.errors import MatcherError, NotFoundError
from service.errors import ApiError, status_of
from service.web.render import is_fragment_request, render
from service.web.session import PageError

_HTTP_PAGES: dict[int, tuple[str, str]] = {
    400: ("请求有误", "请求的内容不正确，请检查后重试。"),
    403: ("无权访问", "您的账号无权访问此页面。"),
    404: ("页面不存在", "您要找的页面或记录不存在。"),
    405: ("请求有误", "不支持此操作。"),
    409: ("数据冲突", "数据已被修改，请刷新后重试。"),
    413: ("文件过大", "上传的文件过大。"),
    422: ("请求有误", "提交的内容不完整或格式不正确。"),
}
_OTHER = ("出错了", "请求未能完成，请稍后重试。")


def login_redirect(request: Request) -> Response:
    """To /login: an htmx fragment request gets `HX-Redirect`, a page a 303."""
    if is_fragment_request(request):
        return Response(status_code=200, headers={"HX-Redirect": "/login"})
    return RedirectResponse("/login", status_code=303)


def error_page(request: Request, error: PageError) -> Response:
    context = {"title": error.title, "message": error.message}
    template = "partials/error.html" if is_fragment_request(request) else "error.html"
    return render(request, template, context, status_code=error.status_code)


def page_for(request: Request, exc: Exception) -> Response:
    """The response a page failure turns into (re-raises what is not a page failure)."""
    if isinstance(exc, PageError):
        return error_page(request, exc)
    if isinstance(exc, NotFoundError):
        return error_page(request, PageError(404, "记录不存在", str(exc)))
    if isinstance(exc, MatcherError):  # the status the API would answer (service.errors)
        status = status_of(exc)
        title = "数据冲突" if status == 409 else "操作失败"
        return error_page(request, PageError(status, title, str(exc)))
    if isinstance(exc, ApiError):
        status, message = exc.status, exc.message
    elif isinstance(exc, RequestValidationError):
        status, message = 422, ""
    elif isinstance(exc, HTTPException):
        status, message = exc.status_code, ""
    else:
        raise exc
    if status == 401:
        return login_redirect(request)
    title, default = _HTTP_PAGES.get(status, _OTHER)
    return error_page(request, PageError(status, title, message or default))


class WebRoute(APIRoute):
    """An APIRoute whose failures become HTML pages instead of JSON errors."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:
                return page_for(request, exc)

        return handle
