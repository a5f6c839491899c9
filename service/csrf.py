"""CSRF protection of cookie-authenticated writes: the same origin, and the session's token.

A browser sends the session cookie with every request to the service, also with one that
another site makes it send; so a write authenticated by the cookie must (1) come from this
site: its `Origin` (or, without one, its `Referer`) names the service's own host or one of
`trusted_origins`; and (2) carry the session's CSRF token, in the `X-CSRF-Token` header
(htmx requests, scripts) or the `csrf_token` form field (plain forms). A request with
neither `Origin` nor `Referer` does not come from a browser page and is judged by its token.
Requests authenticated by the `X-API-Key` header need neither check: another site cannot
make a browser send that header.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit

from fastapi import Request

from service.errors import forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _origin_of(request: Request) -> str | None:
    """The page origin a browser reports for the request (`Origin`, else `Referer`'s)."""
    origin = request.headers.get("origin")
    if origin:
        return origin.strip()
    referer = request.headers.get("referer")
    if not referer:
        return None
    parts = urlsplit(referer.strip())
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "null"


def cross_site_origin(request: Request, trusted: Iterable[str] = ()) -> str | None:
    """The origin of a request sent from another site's page; None when it is this site's
    own (its host), a trusted origin, or no browser page at all."""
    origin = _origin_of(request)
    if origin is None:
        return None
    normalized = origin.rstrip("/").lower()
    if normalized in {t.strip().rstrip("/").lower() for t in trusted}:
        return None
    parts = urlsplit(normalized)
    host = request.headers.get("host", "").strip().lower()
    if parts.scheme in ("http", "https") and host and parts.netloc == host:
        return None
    return origin


def check_origin(request: Request, trusted: Iterable[str] = ()) -> None:
    """403 (Chinese) for a request sent from another site's page."""
    origin = cross_site_origin(request, trusted)
    if origin is not None:
        raise forbidden(f"已拒绝来自其他网站（{origin[:100]}）的请求：请在本站页面上操作")


async def submitted_token(request: Request) -> str | None:
    """The CSRF token a write carries: the header, else the form field (the form is parsed
    here and cached on the request for the route)."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "").lower()
    if not content_type.startswith(_FORM_TYPES):
        return None
    value = (await request.form()).get(CSRF_FIELD)
    return value if isinstance(value, str) else None


def check_token(expected: str, submitted: str | None) -> None:
    """403 (Chinese) unless `submitted` is the session's token."""
    if not submitted or not hmac.compare_digest(expected.encode(), submitted.encode()):
        raise forbidden("安全令牌（CSRF）缺失或已失效：请刷新页面后重试")
