"""Atomic file writes (write to a temporary file in the same folder, then rename), one writer
at a time per folder, and the removal of temporary files a killed writer left behind.

A temporary file is named `.<target>.<random>.<host>-<pid>.tmp`: its owner is known, so at
start (`remove_stale_temp`) the files of writers that no longer run on this machine are
removed at once; a file of a live process, or of another machine, only once it has not been
written for `STALE_SECONDS`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from matcher.crash import crash_point

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory lock
    fcntl = None  # type: ignore[assignment]

STALE_SECONDS = 3600.0  # a temporary file untouched this long has no writer left
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
_TEMP_NAME = re.compile(r"^\..+\.(?P<host>[0-9a-f]{8})-(?P<pid>\d+)\.tmp$")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces `target` in one rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = f".{_HOST}-{os.getpid()}.tmp"
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.chmod(0o644)  # mkstemp makes 0600; exports and data files are meant to be shared
    try:
        yield tmp
        crash_point("atomic.replace")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(target: Path, text: str) -> None:
    """Replace `target` with `text` (UTF-8) atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """One writer at a time in `folder`, across threads and processes (an advisory lock on
    `folder/.lock` where the OS has one)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def remove_stale_temp(root: Path, stale_seconds: float = STALE_SECONDS) -> int:
    """Remove the temporary files (`.*.tmp`) under `root` that no running writer can own:
    those of a process of this machine that is gone, and any not written for
    `stale_seconds`. Returns how many were removed."""
    removed = 0
    now = time.time()
    for path in Path(root).rglob(".*.tmp"):
        try:
            if path.is_file() and _abandoned(path, now - path.stat().st_mtime, stale_seconds):
                path.unlink()
                removed += 1
        except FileNotFoundError:  # its writer renamed or removed it meanwhile
            continue
    return removed


def _abandoned(path: Path, age: float, stale_seconds: float) -> bool:
    if age > stale_seconds:
        return True
    owner = _TEMP_NAME.match(path.name)
    if owner is None or owner["host"] != _HOST:
        return False
    return not _alive(int(owner["pid"]))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True
