"""Two real worker processes (`matcher-service run --workers 2`) over one database.

Both workers answer; a write through either one is in the very next recommendation from
every worker (the writer publishes the new index snapshot before it answers, and each query
starts by reading the store versions); a record written behind the service's back is
picked up by both without any query waiting for it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from matcher.types import TechResult
from storage.db import make_engine
from storage.keys import ApiKeyRepository
from storage.records import SqlRecordStore
from tests.service.conftest import load_world
from tests.small_world import TODAY
from tests.storage.backends import BACKENDS, backend_url

REPO = Path(__file__).resolve().parents[2]
DESALINATION = {
    "university": "中国海洋大学",
    "team": "海水资源利用团队",
    "title": "海水淡化反渗透膜抗污染改性技术",
    "abstract": "对反渗透膜表面进行亲水改性，海水淡化膜污染速率降低一半，清洗周期延长。",
    "field": "海洋经济",
    "trl": 6,
    "transfer_modes": ["转让"],
}
QUERY = {"text": "需要海水淡化反渗透膜的抗污染技术", "kind": "tech", "k": 5}


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


def ask(base: str, key: str, times: int) -> list[tuple[int, list[str]]]:
    """(worker pid, result ids) of `times` recommendation queries, each on a new connection."""
    answers = []
    for _ in range(times):
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
            worker = client.get("/healthz").json()["worker"]  # same connection, same worker
            response = client.post("/api/recommendations", json=QUERY)
            assert response.status_code == 200, response.text
            answers.append((worker, [r["id"] for r in response.json()]))
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
        engine.dispose()
