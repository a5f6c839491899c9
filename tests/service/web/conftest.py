"""A real uvicorn server over the small world (SQLite in tmp_path) and a real Chromium.

Each test module starts its own server (indexes built once, at app creation) on a free
127.0.0.1 port in a thread, and one browser; `login` opens a fresh browser context logged
in as one of `PEOPLE`. Screenshots go to `test-output/screenshots/` (gitignored).
Without Chromium at /usr/bin/chromium the browser tests skip (`.ci/run` installs it).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from service.main import create_app
from service.state import ServiceState
from tests.conftest import REPO_ROOT
from tests.service.conftest import PEOPLE, load_world, settings_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = REPO_ROOT / "test-output" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


@dataclass
class WebService:
    """A running server: its base URL, one plaintext key per person, and its state."""

    url: str
    keys: dict[str, str]
    state: ServiceState


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread on a free port; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def web(tmp_path_factory) -> Iterator[WebService]:
    """The small world served over HTTP, with a key per person of `PEOPLE`."""
    root = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{root / 'matcher.db'}"
    load_world(url, None)
    app = create_app(settings_for(url, None, root / "data"), progress=False)
    state: ServiceState = app.state.service
    keys = {name: state.keys.create(role, scope, name)[1] for name, (role, scope) in PEOPLE.items()}
    with serving(app) as base_url:
        yield WebService(base_url, keys, state)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per module (Debian's, never a downloaded one)."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (.ci/run installs Debian's chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)  # generous: CI machines are small and shared
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser, web: WebService) -> Iterator[Callable]:
    """`new_page(viewport=DESKTOP)`: a page in a fresh context (no cookies)."""
    contexts = []

    def make(viewport: dict[str, int] = DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=web.url, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def login(new_page, web: WebService) -> Callable:
    """`login(who, viewport=DESKTOP)`: a page logged in as `who` through the login form (a
    server-side session; the cookie holds its id, the pages its CSRF token)."""

    def log_in(who: str, viewport: dict[str, int] = DESKTOP):
        page = new_page(viewport)
        page.goto("/login")
        page.fill("#key", web.keys[who])
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(lambda url: not url.endswith("/login"))
        return page

    return log_in


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
