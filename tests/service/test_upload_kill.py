"""A real `matcher-service run` process killed with SIGKILL during `POST /api/import`: before
the commit (nothing stored, no audit entry), and during the upload's embedding step after the
commit (the records and their audit entry both stored). The next start removes the
temporary file the kill left, catches the index up, and the upload run again completes.

The process kills itself at a crash point (`MATCHER_CRASH_AT`, see `matcher.crash`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from matcher.crash import CRASH_VARIABLE
from matcher.types import Need
from storage.audit import AuditRepository
from storage.db import make_engine
from storage.keys import ApiKeyRepository
from storage.records import SqlRecordStore
from tests.service.conftest import load_world
from tests.service.test_workers import free_port
from tests.small_world import TODAY

REPO = Path(__file__).resolve().parents[2]
UPLOADED = [
    Need(id=f"NK{i:03d}", enterprise_id=f"E{1 + i % 4}", kind="tech",
         text=f"第{i}条需求：产线需要机器视觉缺陷检测与工业机器人上下料改造")
    for i in range(1, 41)
] + [Need(id="N1", enterprise_id="E1", kind="tech", text="改为需要储能电池包液冷散热方案")]  # fmt: skip
# (crash point, the state the kill must leave): before the commit, then during the index
# update's first file write (its embedding cache), after the commit.
KILLS = [("store.commit", "old"), ("atomic.replace", "new")]


@contextmanager
def service(url: str, data_dir: Path, crash: str | None) -> Iterator[tuple[str, subprocess.Popen]]:
    """`matcher-service run` on the database, ready to answer; yields its URL and process."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "DATABASE_URL": url,
           "MATCHER_SERVICE_DATA_DIR": str(data_dir),
           "MATCHER_SERVICE_MATCHER__TODAY": TODAY.isoformat()}  # fmt: skip
    env.pop(CRASH_VARIABLE, None)
    if crash:
        env[CRASH_VARIABLE] = crash
    command = [sys.executable, "-c", "from service.cli import app; app()", "run",
               "--port", str(port)]  # fmt: skip
    log = data_dir.parent / "service.log"
    with log.open("a") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _ready(base):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the service did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(30)


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _upload(base: str, key: str, body: bytes) -> httpx.Response | None:
    """POST the needs file and wait for the answer; None when the service died meanwhile."""
    files = {"file": ("needs.jsonl", body, "application/json")}
    try:
        return httpx.post(f"{base}/api/import", params={"wait": "true"}, files=files,
                          headers={"X-API-Key": key}, timeout=120)  # fmt: skip
    except httpx.TransportError:
        return None


@pytest.mark.slow  # three service starts, each loading the real encoder: about 25 s
def test_a_killed_upload_leaves_the_old_or_the_new_records_with_their_audit(tmp_path):
    url = f"sqlite:///{tmp_path / 'db' / 'matcher.db'}"
    load_world(url, None)
    engine = make_engine(url)
    key = ApiKeyRepository(engine).create("admin", None, "测试管理员")[1]
    old = SqlRecordStore(engine).load("need")
    new = {**old, **{need.id: need for need in UPLOADED}}
    body = "".join(json.dumps(n.model_dump(mode="json"), ensure_ascii=False) + "\n"
                   for n in UPLOADED).encode()  # fmt: skip
    data_dir = tmp_path / "data"

    def imports_audited() -> int:
        return sum(entry.action == "import" for entry in AuditRepository(engine).list(0, 1000))

    half = committed = 0
    for crash, expected in KILLS:
        with service(url, data_dir, crash) as (base, process):
            assert _upload(base, key, body) is None
            assert process.wait(30) == -signal.SIGKILL
        stored = SqlRecordStore(engine).load("need")
        half += stored not in (old, new)
        assert stored == (old if expected == "old" else new), crash
        committed += expected == "new"
        assert imports_audited() == committed, crash  # records and audit entry: both or none
    assert list(data_dir.rglob(".*.tmp"))  # the kill during embedding left its temp file

    with service(url, data_dir, None) as (base, _):
        assert list(data_dir.rglob(".*.tmp")) == []  # removed at start
        statuses = httpx.get(f"{base}/api/indexes", headers={"X-API-Key": key}).json()
        assert {row["kind"]: row["status"] for row in statuses}["need"] == "fresh"
        again = _upload(base, key, body)
        assert again is not None and again.status_code == 200, again and again.text
        report = again.json()
        assert (report["rows"], report["added"], report["unchanged"]) == (41, 0, 41)
    assert SqlRecordStore(engine).load("need") == new
    assert imports_audited() == committed + 1 and half == 0
    engine.dispose()
