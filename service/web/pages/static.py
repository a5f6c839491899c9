"""The UI's own static files (stylesheet, vendored htmx and Swagger UI); nothing from a CDN."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from matcher.fonts import WEB_FONT_URL, web_font
from service.web.render import STATIC_DIR
from service.web.routing import WebRoute
from service.web.session import PageError

router = APIRouter(route_class=WebRoute)

FILES: dict[str, str] = {
    "style.css": "text/css",
    "events.css": "text/css",  # the 对接活动 pages
    "htmx.min.js": "text/javascript",  # htmx 2.0.11, 0BSD
    "job.js": "text/javascript",  # a job page's progress (no inline script: CSP)
    "swagger-ui-bundle.js": "text/javascript",  # swagger-ui-dist 5.35.0, Apache-2.0
    "swagger-ui.css": "text/css",
}


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> FileResponse:
    if name not in FILES:
        raise PageError(404, "页面不存在", "您要找的文件不存在。")
    headers = {"Cache-Control": "public, max-age=3600"}
    return FileResponse(STATIC_DIR / name, media_type=FILES[name], headers=headers)


@router.get(WEB_FONT_URL, include_in_schema=False)
def cjk_font() -> Response:
    """Noto Sans CJK SC (OFL-1.1, from the installed package) for the printed pages."""
    headers = {"Cache-Control": "public, max-age=604800"}
    return Response(web_font(), media_type="font/otf", headers=headers)
