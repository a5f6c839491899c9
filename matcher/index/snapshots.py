"""Immutable index snapshots per record kind, published by one atomic pointer swap.

Layout: `<workspace>/indexes/<kind>/<snapshot>/{dense,lexical}/` holds one complete,
never-modified pair of indexes; `<workspace>/indexes/<kind>/CURRENT` (JSON, replaced by a
rename) names the published snapshot and the store version it reflects. A writer builds a
new snapshot folder, then swaps the pointer; readers keep using what they loaded until their
next query sees another pointer, so no reader ever sees a half-written index. Writers of any
process take `build_lock` first, so one builds at a time and each starts from the newest
snapshot. Old snapshots are pruned, keeping the newest few for readers still loading them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from matcher.atomic import write_text_atomic
from matcher.workspace import Workspace

POINTER_FILE = "CURRENT"
LOCK_FILE = ".build.lock"
KEEP = 3  # snapshots kept per kind (the published one and the two before it)


@dataclass(frozen=True)
class Pointer:
    """The published snapshot of a kind and the store version its indexes reflect."""

    snapshot: str
    store_version: str


def kind_dir(workspace: Workspace, kind: str) -> Path:
    return workspace.index_dir / kind


def read_pointer(workspace: Workspace, kind: str) -> Pointer | None:
    """The published pointer of `kind`, or None when nothing was ever published."""
    path = kind_dir(workspace, kind) / POINTER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Pointer(str(data["snapshot"]), str(data["store_version"]))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):  # unreadable pointer: as if never published
        return None


def snapshot_dir(workspace: Workspace, kind: str, pointer: Pointer | None = None) -> Path:
    """The folder of the published snapshot (or of `pointer`); a missing folder when none."""
    pointer = pointer or read_pointer(workspace, kind)
    return kind_dir(workspace, kind) / (pointer.snapshot if pointer else "none")


def new_snapshot_dir(workspace: Workspace, kind: str) -> Path:
    """A fresh, empty snapshot folder (not yet published)."""
    name = f"s{time.time_ns():020d}-{os.getpid()}"
    path = kind_dir(workspace, kind) / name
    path.mkdir(parents=True)
    return path


def publish(workspace: Workspace, kind: str, snapshot: Path | str, store_version: str) -> Pointer:
    """Point `kind` at `snapshot` (atomically), then prune old snapshots."""
    pointer = Pointer(Path(snapshot).name, store_version)
    text = json.dumps({"snapshot": pointer.snapshot, "store_version": store_version})
    write_text_atomic(kind_dir(workspace, kind) / POINTER_FILE, text + "\n")
    _prune(workspace, kind, pointer.snapshot)
    return pointer


def _prune(workspace: Workspace, kind: str, current: str) -> None:
    folders = sorted(p for p in kind_dir(workspace, kind).iterdir() if p.is_dir())
    stale = [p for p in folders if p.name != current][: -(KEEP - 1) or None]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def build_lock(workspace: Workspace) -> Iterator[None]:
    """Hold the workspace's index build lock (exclusive across processes) while inside."""
    workspace.index_dir.mkdir(parents=True, exist_ok=True)
    with (workspace.index_dir / LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
