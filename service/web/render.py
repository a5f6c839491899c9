"""Template rendering: one Jinja2 environment (autoescape on) with the UI's labels and filters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from matcher.types import KIND_LABELS, NEED_KIND_LABELS, RULE_FIELDS
from service.auth import ROLE_LABELS

WEB_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

PART_LABELS: dict[str, str] = {
    "relevance": "匹配置信度",
    "semantic": "语义相似度",
    "lexical": "关键词匹配",
    "chain": "产业链一致",
    "district": "同一区市",
    "rules": "已满足条件占比",
}


def _number(value: float | int | None) -> str:
    """`120.0` → `120`, `3.6` → `3.6`, None → `—`."""
    if value is None:
        return "—"
    return f"{value:g}"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = _number
    env.globals.update(
        KIND_LABELS=KIND_LABELS,
        NEED_KIND_LABELS=NEED_KIND_LABELS,
        RULE_FIELDS=RULE_FIELDS,
        ROLE_LABELS=ROLE_LABELS,
        PART_LABELS=PART_LABELS,
    )
    return env


templates = Jinja2Templates(env=_environment())


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page or fragment; `user` (None on the login page) and `csrf_token` (the
    session's, for every form and htmx request; "" without a session) are always defined."""
    values = {
        "user": getattr(request.state, "web_user", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, values, status_code=status_code)


def is_fragment_request(request: Request) -> bool:
    """An htmx request that wants a fragment (not a history restore, which needs the page)."""
    headers = request.headers
    return headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in headers
