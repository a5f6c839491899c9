"""The JSONL backend passes the store contract, and writes atomically."""

from __future__ import annotations

import pytest

from matcher.store import JsonlRecordStore
from tests.conftest import make_enterprise
from tests.store_contract import *  # noqa: F403  (the shared contract tests)


@pytest.fixture
def store_factory(tmp_path):
    return lambda: JsonlRecordStore(tmp_path)


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    store = JsonlRecordStore(tmp_path)
    store.upsert("enterprise", [make_enterprise("E1")])
    before = store.path("enterprise").read_bytes()

    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr("matcher.atomic.os.replace", fail)
    with pytest.raises(OSError):
        JsonlRecordStore(tmp_path).upsert("enterprise", [make_enterprise("E2")])
    assert store.path("enterprise").read_bytes() == before
    assert not [p for p in store.path("enterprise").parent.iterdir() if p.name.endswith(".tmp")]
