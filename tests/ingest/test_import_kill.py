"""`kill -9` of a folder import at several points, on the JSONL workspace (`matcher import
DIR`), SQLite and PostgreSQL: after every kill the stored records are exactly the old ones
or exactly the new ones (every kind compared record by record, and on SQL the audit rows
that commit with them), no temporary file survives the next start, and a rerun completes.

Each backend runs one chain of real processes that kill themselves with SIGKILL at a crash
point (`MATCHER_CRASH_AT`, see `matcher.crash`), each run starting where the killed one
left off (streamed runs resume from their checkpoints), and ends with a run that is not
killed. On JSONL the kill after the first kind was written goes through the real CLI; the
other runs call the same library function in a lighter process (the CLI loads every
command's dependencies, five times the start-up cost).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.atomic import remove_stale_temp
from matcher.crash import CRASH_VARIABLE
from matcher.ingest import import_path
from matcher.store import JsonlRecordStore
from matcher.synth.generate import generate, province_scale
from matcher.types import RECORD_KINDS
from matcher.workspace import init_workspace, open_workspace
from storage.audit import AuditRepository
from storage.db import make_engine, upgrade
from storage.records import SqlRecordStore
from tests.storage.backends import backend_url

REPO = Path(__file__).resolve().parents[2]
SIZES = province_scale(0.0003)  # 936 rows of the six kinds
CHUNK = "50"
# The folder import as `matcher import` runs it on a workspace (JSONL), or as the service
# seeds a SQL store: stale temp files removed at start, one audit entry per file in the
# import's transaction.
IMPORT = """
import json, sys
from pathlib import Path
from matcher.atomic import remove_stale_temp
from matcher.ingest import import_path
root, url, schema, data, mode, chunk = sys.argv[1:7]
within = None
if url:
    from storage.audit import AuditRepository
    from storage.db import make_engine
    from storage.records import SqlRecordStore
    remove_stale_temp(Path(root))
    engine = make_engine(url, schema or None)
    store, audit = SqlRecordStore(engine), AuditRepository(engine)
    def within(reports):
        for report in reports:
            audit.record(None, "import", report.kind, None, Path(report.file).name,
                         connection=store.joined_connection())
else:
    from matcher.workspace import open_workspace
    store = open_workspace(Path(root)).store
reports = import_path(store, Path(data), progress=False, stream=mode == "stream",
                      checkpoints=Path(root) / "imports", chunk_rows=int(chunk), within=within)
print(json.dumps([report.to_dict() for report in reports]))
"""
# (mode, crash point or None for the run that completes, the state it must leave). JSONL:
# a publish killed midway is finished by the next open. SQL: nothing before the commit. The
# run that completes resumes from staged chunks (JSONL, PostgreSQL) or, after a committed
# import whose checkpoints were left, starts over (SQLite).
CHAINS = {
    "jsonl": [
        ("stream", "atomic.replace:2", "old"),  # two chunks staged, a checkpoint not renamed
        ("cli", "store.publish", "new"),  # `matcher import DIR`: enterprises appended, no more
        ("stream", None, "new"),
    ],
    "sqlite": [
        ("stream", "atomic.replace:2", "old"),
        ("stream", "store.publish", "old"),  # enterprises upserted in the open transaction
        ("stream", "import.published", "new"),  # committed, checkpoints not yet removed
        ("stream", None, "new"),
    ],
    "postgresql": [
        ("whole", "import.read", "old"),  # the first files validated, nothing written yet
        ("whole", "store.commit", "old"),  # everything and its audit written, not committed
        ("stream", "store.publish", "old"),
        ("stream", None, "new"),
    ],
}
RESUMES = {"jsonl": True, "sqlite": False, "postgresql": True}
FILES = len(RECORD_KINDS)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The old data and a new folder updating most of it and adding to it."""
    root = tmp_path_factory.mktemp("kill-data")
    generate(root / "old", seed=1, progress=False, sizes=SIZES)
    generate(root / "new", seed=2, progress=False, sizes=SIZES)
    return root / "old", root / "new"


@pytest.fixture(scope="module")
def states(folders, tmp_path_factory) -> dict[str, dict]:
    """Every kind's records after the old import, and after the new one on top of it."""
    store = JsonlRecordStore(tmp_path_factory.mktemp("reference"))
    import_path(store, folders[0], progress=False)
    old = _contents(store)
    import_path(store, folders[1], progress=False)
    return {"old": old, "new": _contents(store)}


def _contents(store) -> dict[str, dict]:
    return {kind: dict(store.load(kind)) for kind in RECORD_KINDS}


class _Target:
    """Where one backend's chain imports to, how to run an import, and what is stored."""

    def __init__(self, backend: str, root: Path, url: str | None, schema: str | None) -> None:
        self.backend, self.root, self.url, self.schema = backend, root, url, schema
        self.engine = make_engine(url, schema) if url else None

    def command(self, data: Path, mode: str) -> list[str]:
        """`mode`: stream, whole, or cli (`matcher import DIR`, all at once)."""
        if mode == "cli":
            return [sys.executable, "-m", "matcher", "import", str(data), "-w", str(self.root),
                    "--no-stream", "--json"]  # fmt: skip
        return [sys.executable, "-c", IMPORT, str(self.root), self.url or "", self.schema or "",
                str(data), mode, CHUNK]  # fmt: skip

    def restarted(self) -> dict[str, dict]:
        """What a fresh start finds: the JSONL workspace opened as the CLI opens it; on SQL
        the folder's stale temp files removed as the service's start does."""
        if self.backend == "jsonl":
            return _contents(open_workspace(self.root).store)
        remove_stale_temp(self.root)
        return _contents(SqlRecordStore(self.engine))

    def import_old(self, data: Path) -> None:
        """The old state, imported in this process."""
        store = JsonlRecordStore(self.root) if self.engine is None else SqlRecordStore(self.engine)
        import_path(store, data, progress=False)

    def audit_rows(self) -> int | None:
        return None if self.engine is None else len(AuditRepository(self.engine).list(0, 1000))


@pytest.fixture(params=list(CHAINS))
def target(request, tmp_path) -> Iterator[_Target]:
    backend = request.param
    if backend == "jsonl":
        init_workspace(tmp_path / "ws")
        yield _Target(backend, tmp_path / "ws", None, None)
        return
    with backend_url(backend, tmp_path) as (url, schema):
        engine = make_engine(url, schema)
        upgrade(engine)
        engine.dispose()
        target = _Target(backend, tmp_path, url, schema)
        yield target
        target.engine.dispose()


def _run(command: list[str], crash: str | None) -> list[dict] | None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop(CRASH_VARIABLE, None)
    if crash:
        env[CRASH_VARIABLE] = crash
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    if crash:
        assert done.returncode == -signal.SIGKILL, (crash, done.returncode, done.stderr[-2000:])
        return None
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_killed_folder_import_leaves_the_old_or_the_new_records(target, folders, states):
    old, new = folders
    target.import_old(old)
    assert target.restarted() == states["old"]
    audited_old = target.audit_rows()
    half = committed = 0
    for mode, crash, expected in CHAINS[target.backend]:
        reports = _run(target.command(new, mode), crash)
        committed += expected == "new"
        found = target.restarted()
        half += found not in (states["old"], states["new"])
        assert found == states[expected], (mode, crash)
        assert list(target.root.rglob(".*.tmp")) == [], crash
        if target.engine is not None:  # the audit commits with the records, or neither does
            audited = target.audit_rows() - audited_old
            assert audited == FILES * committed, crash
        if reports is not None:  # the run that was not killed
            assert sum(report["rows"] for report in reports) == sum(SIZES.values())
            resumed = any(report["resumed_from"] for report in reports)
            assert resumed == RESUMES[target.backend]
    assert half == 0
    assert not list((target.root / "imports").glob("*.json"))  # finished: no checkpoint left
