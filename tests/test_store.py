"""The JSONL backend passes the store contract, and writes atomically."""

from __future__ import annotations

import pytest

from matcher.store import JsonlRecordStore
from tests.conftest import make_enterprise
from tests.store_contract import *  # noqa: F403  (the shared contract tests)


@pytest.fixture
def store_factory(tmp_path):
    return lambda: JsonlRecordStore(tmp_path)


def _fail(*_args):
    raise OSError("disk full")


def test_a_failed_append_keeps_the_previous_file(tmp_path, monkeypatch):
    store = JsonlRecordStore(tmp_path)
    store.upsert("enterprise", [make_enterprise("E1")])
    before = store.path("enterprise").read_bytes()
    monkeypatch.setattr("matcher.store.os.fsync", _fail)
    with pytest.raises(OSError):
        JsonlRecordStore(tmp_path).upsert("enterprise", [make_enterprise("E2")])
    assert store.path("enterprise").read_bytes() == before
    assert list(JsonlRecordStore(tmp_path).load("enterprise")) == ["E1"]


def test_a_failed_rewrite_keeps_the_previous_file(tmp_path, monkeypatch):
    store = JsonlRecordStore(tmp_path)
    store.upsert("enterprise", [make_enterprise("E1"), make_enterprise("E2")])
    before = store.path("enterprise").read_bytes()
    monkeypatch.setattr("matcher.atomic.os.replace", _fail)
    with pytest.raises(OSError):
        JsonlRecordStore(tmp_path).delete("enterprise", ["E1"])
    assert store.path("enterprise").read_bytes() == before
    assert not [p for p in store.path("enterprise").parent.iterdir() if p.name.endswith(".tmp")]


def test_upserts_append_only_the_changed_records(tmp_path):
    store = JsonlRecordStore(tmp_path)
    store.upsert("enterprise", [make_enterprise(f"E{i}") for i in range(1, 4)])
    before = store.path("enterprise").read_bytes()
    changed = make_enterprise("E2").model_copy(update={"name": "青岛新名称科技有限公司"})
    store.upsert("enterprise", [make_enterprise("E1"), changed, make_enterprise("E4")])
    after = store.path("enterprise").read_bytes()
    assert after.startswith(before) and after.count(b"\n") == 5  # E2 again and E4 appended
    reopened = JsonlRecordStore(tmp_path)
    assert list(reopened.load("enterprise")) == ["E1", "E2", "E3", "E4"]  # E2 keeps its place
    assert reopened.get_versioned("enterprise", "E2") == (changed, 2)
    assert reopened.count("enterprise") == 4


def test_a_torn_last_line_is_ignored_and_cut_by_the_next_write(tmp_path):
    store = JsonlRecordStore(tmp_path)
    store.upsert("enterprise", [make_enterprise("E1")])
    with store.path("enterprise").open("ab") as handle:
        handle.write(b'{"id": "E2", "name": "\xe9\x9d')  # a killed append
    reopened = JsonlRecordStore(tmp_path)
    assert list(reopened.load("enterprise")) == ["E1"]
    reopened.upsert("enterprise", [make_enterprise("E3")])
    assert list(JsonlRecordStore(tmp_path).load("enterprise")) == ["E1", "E3"]
    assert b"E2" not in store.path("enterprise").read_bytes()


def test_superseded_lines_are_compacted(tmp_path, monkeypatch):
    monkeypatch.setattr("matcher.store.COMPACT_MIN_DEAD", 3)
    store = JsonlRecordStore(tmp_path)
    store.upsert("enterprise", [make_enterprise("E1"), make_enterprise("E2")])
    for round_ in range(1, 5):
        renamed = make_enterprise("E1").model_copy(update={"name": f"青岛第{round_}名称有限公司"})
        store.upsert("enterprise", [renamed])
    lines = store.path("enterprise").read_bytes().splitlines()
    assert len(lines) <= 4  # compacted once the superseded lines outnumbered the live ones
    reopened = JsonlRecordStore(tmp_path)
    assert list(reopened.load("enterprise")) == ["E1", "E2"]
    assert reopened.get_versioned("enterprise", "E1") == (renamed, 5)
    assert reopened.get_versioned("enterprise", "E2")[1] == 1
