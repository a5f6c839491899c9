"""Interactive API docs (Swagger UI) served from vendored files, so they work offline.

FastAPI's page starts Swagger UI with one inline script; the page's own CSP is the site's,
also allowing exactly that script (by its SHA-256)."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from service.headers import CSP

router = APIRouter()
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def docs_csp(page: str) -> str:
    """The site's CSP, also allowing the page's inline scripts (by their hashes)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(page)
    )
    return CSP.replace("script-src 'self'", f"script-src 'self' {hashes}")


@router.get("/docs", include_in_schema=False)
def swagger_ui() -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="产业对接智能匹配服务 · 接口文档",
        swagger_js_url="/static/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger-ui.css",
        swagger_favicon_url="data:,",
    )
    page.headers["Content-Security-Policy"] = docs_csp(page.body.decode())
    return page
