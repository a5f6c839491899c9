"""`kill -9` during a streaming import, then a rerun: the rerun continues where the killed run
stopped, and the stored records equal those of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matcher.ingest import import_path
from matcher.store import JsonlRecordStore
from matcher.synth.generate import generate, province_scale
from matcher.types import RECORD_KINDS
from matcher.workspace import init_workspace
from storage.db import make_engine, upgrade
from storage.records import SqlRecordStore

SIZES = province_scale(0.002)  # 6,240 rows in all
CHUNK = "40"
# The same streaming import into a SQLite file, for the SQL backend.
SQLITE_IMPORT = """
import json, sys
from pathlib import Path
from matcher.ingest import import_path
from storage.db import make_engine, upgrade
from storage.records import SqlRecordStore
engine = make_engine(f"sqlite:///{sys.argv[1]}")
upgrade(engine)
reports = import_path(SqlRecordStore(engine), Path(sys.argv[2]), progress=False, stream=True,
                      checkpoints=Path(sys.argv[3]), chunk_rows=int(sys.argv[4]))
print(json.dumps([r.to_dict() for r in reports]))
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    generate(folder, seed=5, progress=False, sizes=SIZES)
    return folder


def _command(backend: str, target: Path, data: Path) -> tuple[list[str], Path]:
    """The import command line and the folder its checkpoints go to."""
    if backend == "jsonl":
        command = [sys.executable, "-m", "matcher", "import", str(data), "-w", str(target),
                   "--stream", "--chunk-rows", CHUNK, "--json"]  # fmt: skip
        return command, target / "imports"
    checkpoints = target.with_suffix(".imports")
    command = [sys.executable, "-c", SQLITE_IMPORT, str(target), str(data), str(checkpoints), CHUNK]
    return command, checkpoints


def _store(backend: str, target: Path):
    if backend == "jsonl":
        return JsonlRecordStore(target)
    engine = make_engine(f"sqlite:///{target}")
    upgrade(engine)
    return SqlRecordStore(engine)


def _run(command: list[str]) -> list[dict]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _kill_after_progress(command: list[str], checkpoints: Path) -> None:
    """Start the import and SIGKILL it as soon as a checkpoint shows a committed chunk."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if checkpoints.is_dir() and any(checkpoints.glob("*.json")):
                break
            time.sleep(0.005)
        assert process.poll() is None, "the import finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


@pytest.mark.parametrize("backend", ["jsonl", "sqlite"])
def test_a_killed_import_resumes_and_ends_as_an_uninterrupted_one(data, tmp_path, backend):
    suffix = "" if backend == "jsonl" else ".db"
    killed, clean = tmp_path / f"killed{suffix}", tmp_path / f"clean{suffix}"
    if backend == "jsonl":
        init_workspace(killed)
    command, checkpoints = _command(backend, killed, data)
    _kill_after_progress(command, checkpoints)
    resumed = _run(command)
    assert any(report["resumed_from"] > 0 for report in resumed)  # it did not start from zero
    assert sum(report["rows"] for report in resumed) == sum(SIZES.values())
    assert not list(checkpoints.glob("*.json"))
    after, expected = _store(backend, killed), _store(backend, clean)
    import_path(expected, data, progress=False, stream=False)  # uninterrupted, all at once
    for kind in RECORD_KINDS:
        assert after.load(kind) == expected.load(kind), kind
        assert after.count(kind) == SIZES[kind]
