"""Two real worker processes (`matcher-service run --workers 2`) over one database.

Both workers answer; a write through either one is in the very next recommendation from
every worker (the writer publishes the new index snapshot before it answers, and each query
starts by reading the store versions); a record written behind the service's back is
picked up by both without any query waiting for it; concurrent conflicting writes through
the two workers lose nothing (partial PUTs both land; of two PUTs stating the same version,
one lands and the other gets 409 and changes nothing); a web session started through one
worker works on the other, and a logout through either ends it on both.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from matcher.types import TechResult
from storage.db import make_engine
from storage.keys import ApiKeyRepository
from storage.records import SqlRecordStore
from tests.service.conftest import load_world
from tests.small_world import DESALINATION, TODAY
from tests.small_world import DESALINATION_QUERY as QUERY
from tests.storage.backends import BACKENDS, backend_url

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def two_workers(url: str, schema: str | None, data_dir: Path) -> Iterator[str]:
    """`matcher-service run --workers 2` on the database; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": url,
        "MATCHER_SERVICE_DATA_DIR": str(data_dir),
        "MATCHER_SERVICE_MATCHER__TODAY": TODAY.isoformat(),
    }
    if schema:
        env["MATCHER_SERVICE_DATABASE_SCHEMA"] = schema
    command = [sys.executable, "-c", "from service.cli import app; app()", "run",
               "--port", str(port), "--workers", "2"]  # fmt: skip
    log = data_dir.parent / "service.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while len(workers_seen(base, 10)) < 2:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"two workers did not start:\n{log.read_text()}")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def workers_seen(base: str, tries: int) -> set[int]:
    """Worker pids answering `tries` fresh connections (empty while not listening)."""
    seen = set()
    for _ in range(tries):
        try:
            seen.add(httpx.get(f"{base}/healthz", timeout=5).json()["worker"])
        except httpx.TransportError:
            return set()
    return seen


def pinned_clients(base: str, key: str | None) -> tuple[httpx.Client, httpx.Client]:
    """Two keep-alive clients whose connections landed on different workers (sending `key`
    in the `X-API-Key` header, or no key)."""
    by_worker: dict[int, httpx.Client] = {}
    headers = {"X-API-Key": key} if key else {}
    for _ in range(40):
        client = httpx.Client(base_url=base, headers=headers, timeout=60)
        worker = client.get("/healthz").json()["worker"]
        if worker in by_worker:
            client.close()
        else:
            by_worker[worker] = client
        if len(by_worker) == 2:
            first, second = by_worker.values()
            return first, second
    pytest.fail("could not reach both workers")


def race(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Run the calls at the same moment in threads; their responses in order."""
    barrier = threading.Barrier(len(calls))
    results: list[httpx.Response | None] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results  # type: ignore[return-value]


def no_lost_update(first: httpx.Client, second: httpx.Client, number: int) -> None:
    """One need raced on twice: merged partial PUTs, then two PUTs stating one version."""
    body = {"enterprise_id": "E1", "kind": "finance", "text": f"需要流动资金贷款 第{number}笔"}
    created = first.post("/api/needs", json=body)
    assert created.status_code == 201, created.text
    url = f"/api/needs/{created.json()['id']}"
    results = race(lambda: first.put(url, json={"amount": number + 100}),
                   lambda: second.put(url, json={"deadline": "2027-06-30"}))  # fmt: skip
    assert [r.status_code for r in results] == [200, 200], [r.text for r in results]
    stated = {"If-Match": first.get(url).headers["ETag"]}
    results = race(lambda: first.put(url, json={"term_months": 6}, headers=stated),
                   lambda: second.put(url, json={"collateral": "抵押"}, headers=stated))  # fmt: skip
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    refused = next(r for r in results if r.status_code == 409)
    assert "数据已被他人修改，请刷新后重试" in refused.json()["message"]
    now = second.get(url).json()
    assert (now["amount"], now["deadline"]) == (number + 100, "2027-06-30")
    assert (now["term_months"] == 6) != (now["collateral"] == "抵押")  # exactly the winner
    assert now["version"] == 4


def one_session_on_both_workers(base: str, key: str) -> None:
    """A login through one worker is a session on the other; a logout through that other one
    ends it on both (sessions live in the database)."""
    first, second = pinned_clients(base, None)
    try:
        login = first.post("/login", data={"key": key}, follow_redirects=False)
        assert login.status_code == 303, login.text
        cookie = {"Cookie": f"matcher_session={login.cookies['matcher_session']}"}
        first.cookies.clear()
        page = second.get("/", headers=cookie, follow_redirects=False)
        assert page.status_code == 200, page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        out = second.post("/logout", headers={**cookie, "X-CSRF-Token": token},
                          follow_redirects=False)  # fmt: skip
        assert out.status_code == 303
        again = first.get("/", headers=cookie, follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"] == "/login"
    finally:
        first.close()
        second.close()


def ask(base: str, key: str, times: int) -> list[tuple[int, list[str]]]:
    """(worker pid, result ids) of recommendation queries, each on a new connection: at
    least `times`, and more until each of the two workers answered at least twice."""
    answers: list[tuple[int, list[str]]] = []
    for _ in range(200):
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
            worker = client.get("/healthz").json()["worker"]  # same connection, same worker
            response = client.post("/api/recommendations", json=QUERY)
            assert response.status_code == 200, response.text
            answers.append((worker, [r["id"] for r in response.json()]))
        workers = [w for w, _ in answers]
        both_twice = len(set(workers)) == 2 and min(map(workers.count, set(workers))) >= 2
        if len(answers) >= times and both_twice:
            break
    return answers


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_workers_see_every_write_at_once(backend, tmp_path):
    with backend_url(backend, tmp_path) as (url, schema):
        load_world(url, schema)
        engine = make_engine(url, schema)
        with two_workers(url, schema, tmp_path / "data") as base:
            _, key = ApiKeyRepository(engine).create("admin", None, "测试")
            before = ask(base, key, 6)
            assert len({worker for worker, _ in before}) == 2
            assert all("T-new" not in ids for _, ids in before)

            headers = {"X-API-Key": key}
            created = httpx.post(f"{base}/api/tech-results", headers=headers, timeout=60,
                                 json={"id": "T-new", **DESALINATION})  # fmt: skip
            assert created.status_code == 201, created.text
            after = ask(base, key, 8)  # every worker, from its first query after the write
            assert len({worker for worker, _ in after}) == 2
            assert all(ids[0] == "T-new" for _, ids in after)

            deleted = httpx.delete(f"{base}/api/tech-results/T-new", headers=headers, timeout=60)
            assert deleted.status_code == 204
            assert all("T-new" not in ids for _, ids in ask(base, key, 6))

            # Written behind the service's back: picked up in the background by both.
            SqlRecordStore(engine).upsert("tech_result", [TechResult(id="T-back", **DESALINATION)])
            deadline = time.monotonic() + 60
            seen: set[int] = set()
            while len(seen) < 2 and time.monotonic() < deadline:
                seen |= {worker for worker, ids in ask(base, key, 4) if ids[0] == "T-back"}
                time.sleep(0.2)
            assert len(seen) == 2

            one_session_on_both_workers(base, key)
            first, second = pinned_clients(base, key)
            try:
                for number in range(20):
                    no_lost_update(first, second, number)
            finally:
                first.close()
                second.close()
        engine.dispose()
