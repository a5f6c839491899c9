"""The "my" pages of enterprise, bank and university keys."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from service.web import backend
from service.web.listing import LISTING_BY_KIND, SLUGS
from service.web.pages.records import OWN_LIMIT, ShowAll, enterprise_context
from service.web.render import render
from service.web.routing import WebRoute
from service.web.session import WebUser, forbidden
from storage.keys import ApiKey

router = APIRouter(route_class=WebRoute)


def _require_role(user: ApiKey, role: str) -> None:
    if user.role != role:
        raise forbidden("此页面仅供本单位账号使用。")


@router.get("/my/enterprise", response_class=HTMLResponse)
def my_enterprise(request: Request, user: WebUser, show_all: ShowAll = 0) -> HTMLResponse:
    """我的企业: own profile, own needs with their recommendations, eligible policies."""
    _require_role(user, "enterprise")
    enterprise = backend.get_record(request, "enterprise", user.scope_id)
    context = {**enterprise_context(request, enterprise, bool(show_all)), "mine": True}
    return render(request, "enterprise.html", context)


def _my_items(
    request: Request, user: ApiKey, role: str, kind: str, scope_filter: str
) -> HTMLResponse:
    _require_role(user, role)
    listing = LISTING_BY_KIND[kind]
    own = {scope_filter: user.scope_id}
    records, total = backend.page(request, kind, limit=OWN_LIMIT, filters=own)
    items = [(r, [(c.label, c.value(r, {})) for c in listing.columns]) for r in records]
    context = {"kind": kind, "slug": SLUGS[kind], "items": items, "total": total}
    return render(request, "my_items.html", context)


@router.get("/my/products", response_class=HTMLResponse)
def my_products(request: Request, user: WebUser) -> HTMLResponse:
    """我的产品: the bank's products, each with the enterprises that fit it."""
    return _my_items(request, user, "bank", "finance_product", "bank")


@router.get("/my/tech-results", response_class=HTMLResponse)
def my_tech_results(request: Request, user: WebUser) -> HTMLResponse:
    """我的成果: the university's tech results, each with the enterprises that fit it."""
    return _my_items(request, user, "university", "tech_result", "university")
