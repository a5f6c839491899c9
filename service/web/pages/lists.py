"""Staff pages: the home page with counts and the searchable, filterable record lists."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from matcher.types import KIND_LABELS, RECORD_KINDS
from service.auth import is_staff
from service.web import backend
from service.web.listing import (
    FILTERS,
    LISTINGS,
    PAGE_SIZE,
    SLUGS,
    Listing,
    page_links,
    record_url,
)
from service.web.render import is_fragment_request, render
from service.web.routing import WebRoute
from service.web.session import HOME_BY_ROLE, StaffUser, WebUser

router = APIRouter(route_class=WebRoute)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: WebUser) -> Response:
    """首页: how many records of each kind; other roles go to their own page."""
    if not is_staff(user):
        return RedirectResponse(HOME_BY_ROLE[user.role], status_code=303)
    counts = [(kind, SLUGS[kind], backend.count(request, kind)) for kind in RECORD_KINDS]
    return render(request, "home.html", {"counts": counts})


def _list_page(listing: Listing) -> Callable[..., HTMLResponse]:
    """The list page of one kind (a closure, so every list has its own fixed path)."""

    def page(request: Request, user: StaffUser, q: str = "", offset: int = 0) -> HTMLResponse:
        return _render_list(request, listing, q, offset)

    page.__name__ = f"list_{listing.kind}"
    page.__doc__ = f"{KIND_LABELS[listing.kind]}列表。"
    return page


def _render_list(request: Request, listing: Listing, q: str, offset: int) -> HTMLResponse:
    """Search, filters, paging; an htmx request (live search, filter change, paging) gets
    only the results fragment."""
    offset = max(0, offset)
    query = q.strip()
    chosen = {
        name: request.query_params.get(name, "").strip()
        for name in listing.filters
        if request.query_params.get(name, "").strip() in dict(FILTERS[name][1])
    }
    records, total = backend.page(
        request, listing.kind, offset=offset, limit=PAGE_SIZE, filters=chosen, query=query or None
    )
    names = backend.enterprise_names(request) if listing.cites_enterprise else {}
    rows = [
        (record_url(listing.kind, r.id), [column.value(r, names) for column in listing.columns])
        for r in records
    ]
    params = {"q": query, **chosen} if query else dict(chosen)
    context = {
        "listing": listing,
        "filters": [(name, *FILTERS[name]) for name in listing.filters],
        "chosen": chosen,
        "query": query,
        "rows": rows,
        "total": total,
        "offset": offset,
        "shown_to": offset + len(rows),
        "pages": page_links(listing, params, offset, total),
    }
    template = "partials/list_results.html" if is_fragment_request(request) else "list.html"
    return render(request, template, context)


for _listing in LISTINGS.values():
    router.add_api_route(
        f"/{_listing.slug}", _list_page(_listing), methods=["GET"], response_class=HTMLResponse
    )
