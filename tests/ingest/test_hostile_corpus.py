"""The hostile-file corpus through `matcher import` on a real workspace: every file refused
with exit code 1 and a Chinese message naming it, no traceback, nothing stored changed.

Each file goes through the CLI in-process (typer's runner, one file at a time), then the whole
corpus once more as a folder through a real `matcher import` process. The counts (tried /
crashed / changed / unnamed) are printed; `-s` shows them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from matcher.cli import app
from matcher.types import RECORD_KINDS, Need
from matcher.workspace import init_workspace, open_workspace
from tests.conftest import make_enterprise
from tests.ingest.hostile_corpus import Hostile, corpus

runner = CliRunner()


@pytest.fixture(scope="module")
def files() -> list[Hostile]:
    return corpus()


@pytest.fixture
def fast_runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI runner, building the command once (typer rebuilds it on every call: 0.16 s)."""
    command = typer.main.get_command(app)
    monkeypatch.setattr(typer.testing, "_get_command", lambda _: command)
    return runner


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace holding enterprise E1 and need N1, which the corpus' good rows update."""
    ws = init_workspace(tmp_path / "ws")
    ws.store.upsert("enterprise", [make_enterprise("E1")])
    ws.store.upsert("need", [Need(id="N1", enterprise_id="E1", kind="tech", text="原来的需求")])
    return ws.root


def stored(workspace: Path) -> dict[str, dict]:
    store = open_workspace(workspace).store
    return {kind: {k: r.model_dump() for k, r in store.load(kind).items()} for kind in RECORD_KINDS}


def test_the_corpus_is_large_and_varied(files: list[Hostile]) -> None:
    assert len(files) >= 100
    suffixes = {file.suffix for file in files}
    assert {".csv", ".jsonl", ".xlsx"} <= suffixes
    assert len({file.name for file in files}) == len(files)
    assert sum(len(file.data) for file in files) < 40 << 20  # bounded: a few MB in all


def test_every_hostile_file_is_refused_by_the_cli_and_changes_nothing(
    files: list[Hostile], workspace: Path, tmp_path: Path, fast_runner: CliRunner
) -> None:
    before = stored(workspace)
    crashed, changed, unnamed, slow = [], [], [], []
    for index, file in enumerate(files):
        path = tmp_path / "in" / file.disk_name(index)
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(file.data)
        started = time.monotonic()
        args = ["import", str(path), "--kind", file.kind, "-w", str(workspace)]
        result = fast_runner.invoke(app, args)
        took = time.monotonic() - started
        if (
            result.exit_code != 1
            or not isinstance(result.exception, SystemExit)
            or "Traceback" in result.output
        ):
            crashed.append((file.name, file.why, result.exit_code, repr(result.exception)))
        elif f"「{path.name}」" not in result.stderr:
            unnamed.append((file.name, result.stderr[:200]))
        if took > 5:
            slow.append((file.name, round(took, 1)))
        if stored(workspace) != before:
            changed.append(file.name)
            before = stored(workspace)
    print(f"\nCLI corpus: tried {len(files)}, crashed {len(crashed)}, changed {len(changed)}, "
          f"unnamed {len(unnamed)}, slow {len(slow)}")  # fmt: skip
    assert crashed == []
    assert changed == []
    assert unnamed == []
    assert slow == []


def test_a_real_import_of_the_whole_corpus_folder_names_every_file(
    files: list[Hostile], workspace: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for index, file in enumerate(files):
        (folder / file.disk_name(index)).write_bytes(file.data)
    (folder / "needs-link-to-passwd.csv").symlink_to("/etc/passwd")
    (folder / "needs-link-to-zero.csv").symlink_to("/dev/zero")
    (folder / "needs-link-loop.csv").symlink_to(folder / "needs-link-loop.csv")
    before = stored(workspace)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-m", "matcher", "import", str(folder), "-w", str(workspace), "--json"],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr
    refused = json.loads(done.stdout)
    named = {Path(problem["file"]).name for problem in refused["problems"]}
    importable = {path.name for path in folder.iterdir() if path.suffix in (".csv", ".tsv",
                  ".jsonl", ".xlsx")}  # fmt: skip
    assert importable - named == set()
    assert stored(workspace) == before
    assert "导入失败，未写入任何数据" in refused["error"]
