"""`matcher index` killed with SIGKILL mid-embedding: nothing half-built is published, and a
rerun continues from the embedding cache's last checkpoint to the same indexes as an
uninterrupted build. Killed while writing a new snapshot's files: the snapshot published
before stays in use, and the temporary file the kill left is gone at the next run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from matcher.config import Settings
from matcher.crash import CRASH_VARIABLE
from matcher.index.builder import build_indexes, load_indexes
from matcher.index.snapshots import read_pointer, snapshot_dir
from matcher.types import Offer
from matcher.workspace import Workspace, init_workspace

REPO = Path(__file__).resolve().parents[2]
COUNT = 800
CHECKPOINT = 50


def offers(sentences: list[str]) -> list[Offer]:
    """COUNT distinct offer texts built from the fixture sentences."""
    texts = [f"{s}（第{i // len(sentences) + 1}批）" for i, s in enumerate(sentences * 2)][:COUNT]
    return [Offer(id=f"O{i:05d}", enterprise_id="E1", text=t) for i, t in enumerate(texts)]


def workspace_with(root: Path, records: list[Offer]) -> Workspace:
    workspace = init_workspace(root, Settings(embed_checkpoint=CHECKPOINT, batch_size=50))
    workspace.store.upsert("offer", records)
    return workspace


def index_command(root: Path) -> list[str]:
    return [sys.executable, "-c", "from matcher.cli import app; app()", "index", "-w", str(root),
            "--kind", "offer", "--json"]  # fmt: skip


def cached_vectors(workspace: Workspace) -> int:
    return sum(1 for _ in workspace.cache_dir.rglob("*.keys.npy")) * CHECKPOINT


@pytest.mark.slow
def test_killed_index_build_resumes_to_the_same_indexes(tmp_path: Path, sentences) -> None:
    records = offers(sentences)
    killed = workspace_with(tmp_path / "killed", records)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(index_command(killed.root), env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 300
    while cached_vectors(killed) < 3 * CHECKPOINT and time.monotonic() < deadline:
        assert process.poll() is None, "the build finished before it could be killed"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert read_pointer(killed, "offer") is None  # nothing half-built was published
    done_before = cached_vectors(killed)
    assert 0 < done_before < COUNT

    rerun = subprocess.run(index_command(killed.root), env=env, capture_output=True, text=True,
                           check=True)  # fmt: skip
    (summary,) = json.loads(rerun.stdout)
    assert summary["count"] == COUNT and summary["mode"] == "full"
    assert summary["cached"] >= done_before  # it continued, it did not start from zero
    assert summary["embedded"] == COUNT - summary["cached"]

    whole = workspace_with(tmp_path / "whole", records)
    subprocess.run(index_command(whole.root), env=env, capture_output=True, check=True)
    dense, lexical = load_indexes(killed, "offer")
    dense_whole, lexical_whole = load_indexes(whole, "offer")
    assert sorted(dense.ids) == sorted(dense_whole.ids)
    probe = dense_whole.reconstruct(dense_whole.ids[:20])
    np.testing.assert_allclose(dense.reconstruct(dense_whole.ids[:20]), probe, atol=1e-5)
    assert dense.search(probe, 5)[1] == dense_whole.search(probe, 5)[1]
    queries = ["五轴数控机床寻求合作开发", "海水淡化反渗透膜需要融资支持"]
    assert lexical.search_texts(queries, 5)[1] == lexical_whole.search_texts(queries, 5)[1]


@pytest.mark.slow  # two `matcher index` processes with the real encoder: about 15 s
def test_a_build_killed_while_writing_its_files_keeps_the_published_snapshot(
    tmp_path: Path, sentences
) -> None:
    records = offers(sentences)[:60]
    workspace = workspace_with(tmp_path / "ws", records[:30])
    build_indexes(workspace, ["offer"], progress=False)
    before = read_pointer(workspace, "offer")
    workspace.store.upsert("offer", records[30:])
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    killed = subprocess.run(index_command(workspace.root), env={**env, CRASH_VARIABLE:
                            "atomic.replace:4"}, capture_output=True, check=False)  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert read_pointer(workspace, "offer") == before  # the old snapshot is still the one
    published = snapshot_dir(workspace, "offer") / "dense" / "vectors.ids.json"
    assert len(json.loads(published.read_text(encoding="utf-8"))["ids"]) == 30  # intact
    assert list(workspace.root.rglob(".*.tmp"))  # the kill left a temporary file

    env.pop(CRASH_VARIABLE, None)
    subprocess.run(index_command(workspace.root), env=env, capture_output=True, check=True)
    assert list(workspace.root.rglob(".*.tmp")) == []
    assert read_pointer(workspace, "offer") != before
    assert sorted(load_indexes(workspace, "offer")[0].ids) == [r.id for r in records]
