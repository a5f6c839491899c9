"""Record pages: need (with recommendations and its form), enterprise (with policies), and the
tech result / product / offer pages with their enterprise leads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from matcher.errors import VersionConflict
from matcher.types import Enterprise, Need, Recommendation
from service.auth import is_staff
from service.routers.crud import new_id
from service.web import backend
from service.web.access import LEAD_KINDS, ensure_can_open
from service.web.listing import LISTING_BY_KIND, SLUGS, record_url
from service.web.needform import NeedForm
from service.web.render import render
from service.web.routing import WebRoute
from service.web.session import WebUser
from storage.keys import ApiKey

router = APIRouter(route_class=WebRoute)
OWN_LIMIT = 200  # needs / offers shown on one enterprise's page
ShowAll = Annotated[int, Query(alias="all", description="1: also the policies it fails")]


def _links(user: ApiKey, results: list[Recommendation]) -> list[tuple[Recommendation, str | None]]:
    """Each result with the page it links to; only staff follow links to others' records."""
    staff = is_staff(user)
    return [(r, record_url(r.kind, r.id) if staff else None) for r in results]


def _open(request: Request, user: ApiKey, kind: str, record_id: str) -> Any:
    record = backend.get_record(request, kind, record_id)
    ensure_can_open(user, kind, record)
    return record


# needs ---------------------------------------------------------------------------------------
@router.get("/needs/{need_id}", response_class=HTMLResponse)
def need_page(request: Request, need_id: str, user: WebUser) -> HTMLResponse:
    """需求详情 with its recommendations (score, parts, reasons, rule checks)."""
    need: Need = _open(request, user, "need", need_id)
    enterprise = backend.get_record(request, "enterprise", need.enterprise_id)
    results = backend.recommendations(request, need.id, k=10)
    context = {"need": need, "enterprise": enterprise, "results": _links(user, results)}
    return render(request, "need.html", context)


@router.get("/needs/{need_id}/recommendations", response_class=HTMLResponse)
def need_recommendations(request: Request, need_id: str, user: WebUser, k: int = 3) -> Response:
    """The recommendations fragment of one need (loaded by htmx on the enterprise page)."""
    need: Need = _open(request, user, "need", need_id)
    results = backend.recommendations(request, need.id, k=max(1, min(k, 20)))
    return render(request, "partials/recommendations.html", {"results": _links(user, results)})


def _need_form_page(
    request: Request, enterprise: Enterprise, form: NeedForm, need: Need | None, status: int = 200
) -> HTMLResponse:
    context = {"enterprise": enterprise, "form": form, "need": need}
    return render(request, "need_form.html", context, status_code=status)


def _save(
    request: Request,
    user: ApiKey,
    form: NeedForm,
    need_id: str,
    enterprise: Enterprise,
    old: Need | None,
) -> Response:
    need = form.to_need(need_id, enterprise.id)
    if need is None:
        return _need_form_page(request, enterprise, form, old, status=422)
    try:
        expected = form.read_version() if old else 0  # a new need is only ever created
        backend.save_need(request, need, user, "update" if old else "create", expected)
    except VersionConflict as conflict:
        form.errors = {"version": str(conflict)}
        return _need_form_page(request, enterprise, form, old, status=409)
    return RedirectResponse(f"/needs/{need.id}", status_code=303)


@router.get("/enterprises/{enterprise_id}/needs/new", response_class=HTMLResponse)
def new_need_form(request: Request, enterprise_id: str, user: WebUser) -> HTMLResponse:
    enterprise = _open(request, user, "enterprise", enterprise_id)
    return _need_form_page(request, enterprise, NeedForm(), None)


@router.post("/enterprises/{enterprise_id}/needs/new", response_class=HTMLResponse)
def create_need(
    request: Request,
    enterprise_id: str,
    user: WebUser,
    kind: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    term_months: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
) -> Response:
    """添加需求, then straight to its recommendations."""
    enterprise = _open(request, user, "enterprise", enterprise_id)
    form = NeedForm(kind, text, amount, term_months, deadline)
    return _save(request, user, form, new_id("N"), enterprise, None)


@router.get("/needs/{need_id}/edit", response_class=HTMLResponse)
def edit_need_form(request: Request, need_id: str, user: WebUser) -> HTMLResponse:
    need: Need = _open(request, user, "need", need_id)
    _, version = backend.get_versioned(request, "need", need_id)
    enterprise = backend.get_record(request, "enterprise", need.enterprise_id)
    return _need_form_page(request, enterprise, NeedForm.from_need(need, version), need)


@router.post("/needs/{need_id}/edit", response_class=HTMLResponse)
def update_need(
    request: Request,
    need_id: str,
    user: WebUser,
    kind: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    term_months: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    """修改需求 (if no one changed it since the form was opened), then straight to its
    recommendations."""
    need: Need = _open(request, user, "need", need_id)
    enterprise = backend.get_record(request, "enterprise", need.enterprise_id)
    form = NeedForm(kind, text, amount, term_months, deadline, version)
    return _save(request, user, form, need.id, enterprise, need)


# enterprises ---------------------------------------------------------------------------------
def enterprise_context(request: Request, enterprise: Enterprise, show_all: bool) -> dict[str, Any]:
    """What the enterprise page shows: profile, own needs and offers, policies."""
    own = {"enterprise_id": enterprise.id}
    needs, _ = backend.page(request, "need", limit=OWN_LIMIT, filters=own)
    offers, _ = backend.page(request, "offer", limit=OWN_LIMIT, filters=own)
    return {
        "enterprise": enterprise,
        "needs": needs,
        "offers": offers,
        "age": enterprise.age_years(backend.today(request)),
        **policy_context(request, enterprise, show_all),
    }


def policy_context(request: Request, enterprise: Enterprise, show_all: bool) -> dict[str, Any]:
    results = backend.policies(request, enterprise.id, include_ineligible=show_all)
    return {
        "policies": [(r, all(c.passed for c in r.checks)) for r in results],
        "show_all": show_all,
        "enterprise": enterprise,
    }


@router.get("/enterprises/{enterprise_id}", response_class=HTMLResponse)
def enterprise_page(
    request: Request, enterprise_id: str, user: WebUser, show_all: ShowAll = 0
) -> HTMLResponse:
    """企业详情: profile, needs (each with its top recommendations), eligible policies."""
    enterprise = _open(request, user, "enterprise", enterprise_id)
    context = enterprise_context(request, enterprise, bool(show_all))
    return render(request, "enterprise.html", context)


@router.get("/enterprises/{enterprise_id}/policies", response_class=HTMLResponse)
def enterprise_policies(
    request: Request, enterprise_id: str, user: WebUser, show_all: ShowAll = 0
) -> HTMLResponse:
    """The policies fragment (htmx toggle between eligible only and all)."""
    enterprise = _open(request, user, "enterprise", enterprise_id)
    context = policy_context(request, enterprise, bool(show_all))
    return render(request, "partials/policies.html", context)


# tech results, products, offers and their leads ----------------------------------------------
def _item_page(kind: str) -> tuple[Callable[..., HTMLResponse], Callable[..., HTMLResponse]]:
    """The page of a tech result, product or offer with its leads, and the leads fragment."""
    listing = LISTING_BY_KIND[kind]

    def page(request: Request, record_id: str, user: WebUser) -> HTMLResponse:
        record = _open(request, user, kind, record_id)
        names = backend.enterprise_names(request) if listing.cites_enterprise else {}
        facts = [(c.label, c.value(record, names)) for c in listing.columns]
        leads = backend.leads(request, kind, record.id, k=10)
        context = {"kind": kind, "record": record, "facts": facts, "results": _links(user, leads)}
        return render(request, "item.html", context)

    def leads_fragment(request: Request, record_id: str, user: WebUser, k: int = 5) -> HTMLResponse:
        record = _open(request, user, kind, record_id)
        leads = backend.leads(request, kind, record.id, k=max(1, min(k, 20)))
        return render(request, "partials/recommendations.html", {"results": _links(user, leads)})

    page.__name__, leads_fragment.__name__ = f"{kind}_page", f"{kind}_leads"
    return page, leads_fragment


for _kind in LEAD_KINDS:
    _page, _fragment = _item_page(_kind)
    router.add_api_route(f"/{SLUGS[_kind]}/{{record_id}}", _page, response_class=HTMLResponse)
    router.add_api_route(
        f"/{SLUGS[_kind]}/{{record_id}}/leads", _fragment, response_class=HTMLResponse
    )
