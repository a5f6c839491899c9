"""A running service per test module: the small world in SQLite or PostgreSQL, one key per role.

`service` is module-scoped and parametrised over both backends, so each module starts (and
indexes) its app once per backend; `sqlite_service` is the SQLite one only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from matcher.config import Settings
from service.deps import SESSION_COOKIE
from service.main import create_app
from service.settings import ServiceSettings
from service.state import ServiceState
from storage.db import make_engine, upgrade
from storage.records import SqlRecordStore
from tests.small_world import (
    ENTERPRISES,
    NEEDS,
    OFFERS,
    POLICIES,
    PRODUCTS,
    TECH_RESULTS,
    TODAY,
)
from tests.storage.backends import BACKENDS, backend_url

WORLD = {
    "enterprise": ENTERPRISES,
    "need": NEEDS,
    "tech_result": TECH_RESULTS,
    "finance_product": PRODUCTS,
    "policy": POLICIES,
    "offer": OFFERS,
}
# Who holds a key in every running service: name → (role, scope).
PEOPLE: dict[str, tuple[str, str | None]] = {
    "admin": ("admin", None),
    "organiser": ("organiser", None),
    "e1": ("enterprise", "E1"),  # 海鑫新能源: needs N1, N2; no offers
    "e2": ("enterprise", "E2"),  # 蓝湾食品: need N3, offer O3
    "bank": ("bank", "青岛银行"),  # product F1
    "university": ("university", "青岛大学"),  # tech result T2
}


_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def web_login(app: FastAPI, key: str) -> dict[str, str]:
    """Log in through the login form (a throw-away client, so no shared cookie jar holds the
    session) and return the headers of that browser: its session `Cookie` and the session's
    `X-CSRF-Token` (read from the hidden form field of the page the login leads to)."""
    client = TestClient(app)
    login = client.post("/login", data={"key": key}, follow_redirects=False)
    assert login.status_code == 303, login.text
    cookie = {"Cookie": f"{SESSION_COOKIE}={login.cookies[SESSION_COOKIE]}"}
    client.cookies.clear()
    home = client.get(login.headers["location"], headers=cookie, follow_redirects=False)
    assert home.status_code == 200, home.text
    token = _CSRF_FIELD.search(home.text)
    assert token, "no CSRF token on the page after login"
    return {**cookie, "X-CSRF-Token": token[1]}


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF_FIELD.search(page)
    assert found, "no csrf_token field on the page"
    return found[1]


@dataclass
class Service:
    """A started app, its client and a plaintext key per person."""

    app: FastAPI
    client: TestClient
    keys: dict[str, str]
    backend: str
    sessions: dict[str, dict[str, str]] = field(default_factory=dict)

    def browser(self, who: str) -> dict[str, str]:
        """Headers of a browser logged in as `who` through the login form: the session cookie
        and the session's CSRF token (`X-CSRF-Token`, accepted on every form and htmx post).
        One session per person and module; a test that logs out uses `web_login` instead."""
        if who not in self.sessions:
            self.sessions[who] = web_login(self.app, self.keys[who])
        return dict(self.sessions[who])

    @property
    def state(self) -> ServiceState:
        return self.app.state.service

    def headers(self, who: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[who]}

    def request(self, who: str | None, method: str, url: str, **kwargs):
        headers = {**(self.headers(who) if who else {}), **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)


def load_world(url: str, schema: str | None) -> None:
    """Put the small world into a fresh database (before the app starts)."""
    engine = make_engine(url, schema)
    try:
        upgrade(engine)
        store = SqlRecordStore(engine)
        for kind, records in WORLD.items():
            store.upsert(kind, records)
    finally:
        engine.dispose()


def settings_for(url: str, schema: str | None, data_dir: Path, **extra) -> ServiceSettings:
    """Service settings on `url`; an `extra` naming a library setting (`today`, `ranker`,
    `match_threshold`, …) goes into the nested `matcher` settings, the rest to the service."""
    library = {"today": TODAY} | {k: v for k, v in extra.items() if k in Settings.model_fields}
    service = {k: v for k, v in extra.items() if k not in Settings.model_fields}
    return ServiceSettings(
        data_dir=data_dir, database_url=url, database_schema=schema, matcher=library, **service
    )


@contextmanager
def running_service(backend: str, root: Path, world: bool = True, **extra) -> Iterator[Service]:
    """A service on a fresh database of `backend` (with the small world), keys for everyone;
    `extra` settings as in `settings_for`."""
    with backend_url(backend, root) as (url, schema):
        if world:
            load_world(url, schema)
        app = create_app(settings_for(url, schema, root / "data", **extra), progress=False)
        keys = {
            name: app.state.service.keys.create(role, scope, name)[1]
            for name, (role, scope) in PEOPLE.items()
        }
        with TestClient(app) as client:
            yield Service(app, client, keys, backend)


@pytest.fixture(scope="module", params=BACKENDS)
def service(request, tmp_path_factory) -> Iterator[Service]:
    with running_service(request.param, tmp_path_factory.mktemp("service")) as started:
        yield started


@pytest.fixture(scope="module")
def sqlite_service(tmp_path_factory) -> Iterator[Service]:
    with running_service("sqlite", tmp_path_factory.mktemp("service")) as started:
        yield started
