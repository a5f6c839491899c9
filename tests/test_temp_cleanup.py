"""Temporary files a killed writer left are removed at start; a live writer's are kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from matcher.atomic import atomic_path, remove_stale_temp
from matcher.crash import CRASH_VARIABLE
from matcher.workspace import init_workspace, open_workspace

WRITE = (
    "import sys; from pathlib import Path; from matcher.atomic import write_text_atomic; "
    "write_text_atomic(Path(sys.argv[1]), '新内容')"
)


def _killed_write(target: Path) -> None:
    """A real process killed with SIGKILL between writing its temporary file and the rename."""
    env = {**os.environ, CRASH_VARIABLE: "atomic.replace"}
    done = subprocess.run([sys.executable, "-c", WRITE, str(target)], env=env, check=False)
    assert done.returncode == -signal.SIGKILL


def test_a_killed_writers_temp_file_goes_and_a_live_ones_stays(tmp_path):
    target = tmp_path / "sub" / "settings.json"
    target.parent.mkdir()
    target.write_text("旧内容", encoding="utf-8")
    _killed_write(target)
    (left,) = target.parent.glob(".*.tmp")
    assert target.read_text(encoding="utf-8") == "旧内容"  # the rename never happened
    unowned = tmp_path / ".old-style.abc.tmp"  # no owner in the name: only its age counts
    unowned.write_text("x")
    with atomic_path(tmp_path / "live.json") as live:  # this process is writing it right now
        live.write_text("x")
        assert remove_stale_temp(tmp_path) == 1
        assert not left.exists() and live.exists() and unowned.exists()
    hour_ago = time.time() - 7200
    os.utime(unowned, (hour_ago, hour_ago))
    assert remove_stale_temp(tmp_path) == 1 and not unowned.exists()


def test_opening_a_workspace_removes_what_a_killed_write_left(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    _killed_write(workspace.root / "indexes" / "need" / "CURRENT")
    assert list(workspace.root.rglob(".*.tmp"))
    open_workspace(workspace.root)
    assert list(workspace.root.rglob(".*.tmp")) == []
