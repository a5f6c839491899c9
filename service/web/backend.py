"""Every call the web UI makes into the service: the same state, store and recommender the
API routers use (no HTTP round trip). Pages call these functions only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import Request

from matcher.leads import leads_for_offer, leads_for_product, leads_for_tech_result
from matcher.types import Need, Recommendation, Record
from service.routers.imports import start_import as start_import_job
from service.web.session import service_state
from storage.jobs import Job
from storage.keys import ApiKey

LEAD_FUNCTIONS = {
    "tech_result": leads_for_tech_result,
    "finance_product": leads_for_product,
    "offer": leads_for_offer,
}


def get_record(request: Request, kind: str, record_id: str) -> Record:
    """One record; `NotFoundError` (a 404 page) when absent."""
    return service_state(request).store.get(kind, record_id)


def get_versioned(request: Request, kind: str, record_id: str) -> tuple[Record, int]:
    """One record and its version (what an edit form sends back)."""
    return service_state(request).store.get_versioned(kind, record_id)


def page(
    request: Request,
    kind: str,
    *,
    offset: int = 0,
    limit: int = 20,
    filters: dict[str, str] | None = None,
    query: str | None = None,
) -> tuple[list[Record], int]:
    """One page of records of `kind` and the total that match."""
    store = service_state(request).store
    return store.page(kind, offset=offset, limit=limit, filters=filters, query=query)


def count(request: Request, kind: str) -> int:
    return service_state(request).store.count(kind)


def enterprise_names(request: Request) -> dict[str, str]:
    """Enterprise id → name (the store caches the loaded records)."""
    return {e.id: e.name for e in service_state(request).store.load("enterprise").values()}


def today(request: Request) -> date:
    """The reference date of policy validity and enterprise age."""
    return service_state(request).recommender.today


def recommendations(request: Request, need_id: str, k: int) -> list[Recommendation]:
    return service_state(request).recommend(lambda r: r.for_need(need_id, k=k))


def policies(
    request: Request, enterprise_id: str, include_ineligible: bool
) -> list[Recommendation]:
    return service_state(request).recommend(
        lambda r: r.policies(enterprise_id, k=20, include_ineligible=include_ineligible)
    )


def leads(request: Request, kind: str, record_id: str, k: int) -> list[Recommendation]:
    """The enterprises that fit a tech result, product or offer."""
    leads_of = LEAD_FUNCTIONS[kind]
    return service_state(request).recommend(lambda r: leads_of(r, record_id, k=k))


def save_need(
    request: Request, need: Need, user: ApiKey, action: str, expected: int | None
) -> None:
    """Store the need (`create` or `update`), update its index and audit it, as the API does,
    if it is still at version `expected` (0: a new need; None: not checked); `VersionConflict`
    otherwise."""
    versions = None if expected is None else {need.id: expected}
    service_state(request).write("need", [need], actor=user.id, action=action, expected=versions)


def start_import(
    request: Request, path: Path, user: ApiKey, kind: str | None, skip_bad_rows: bool, hint: str
) -> Job:
    """Import an uploaded file saved alone in its folder as a background job (all-or-nothing
    unless `skip_bad_rows`, then indexed); the folder is removed when the job ends."""
    return start_import_job(service_state(request), path, user.id, kind, skip_bad_rows, hint)
