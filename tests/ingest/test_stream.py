"""The streaming import: same records as the all-or-nothing import, chunk by chunk, resumable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.errors import IngestError
from matcher.ingest import import_file, import_path
from matcher.ingest.readers import open_table
from matcher.ingest.stream import checkpoint_path
from matcher.store import JsonlRecordStore
from matcher.synth.generate import generate, province_scale
from matcher.types import RECORD_KINDS
from storage.db import make_engine, upgrade
from storage.records import SqlRecordStore
from tests.conftest import make_enterprise
from tests.ingest.ingest_files import (
    ENTERPRISE_HEADER,
    enterprise_row,
    need_json,
    write_csv,
    write_jsonl,
)

SIZES = province_scale(0.0003)  # 300 enterprises, needs and offers; 30 tech results; 3 + 3


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    generate(folder, seed=11, progress=False, sizes=SIZES)
    return folder


def _sqlite(path: Path) -> SqlRecordStore:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return SqlRecordStore(engine)


def _contents(store) -> dict[str, dict]:
    return {kind: dict(store.load(kind)) for kind in RECORD_KINDS}


@pytest.mark.parametrize("backend", ["jsonl", "sqlite"])
def test_streamed_import_stores_what_the_all_at_once_import_stores(data, tmp_path, backend):
    def store(name: str):
        return JsonlRecordStore(tmp_path / name) if backend == "jsonl" else _sqlite(tmp_path / name)

    whole, streamed = store("whole"), store("streamed")
    reports = import_path(whole, data, progress=False, stream=False)
    chunked = import_path(
        streamed, data, progress=False, stream=True, checkpoints=tmp_path / "cp", chunk_rows=37
    )
    assert _contents(streamed) == _contents(whole)
    assert sum(len(records) for records in _contents(whole).values()) == sum(SIZES.values())
    for a, b in zip(reports, chunked, strict=True):
        assert (a.kind, a.rows, a.added, a.updated, a.unchanged) == (
            b.kind, b.rows, b.added, b.updated, b.unchanged,
        )  # fmt: skip
    assert list((tmp_path / "cp").iterdir()) == []  # finished files leave no checkpoint
    again = import_path(streamed, data, progress=False, stream=True, chunk_rows=100)
    assert all(r.added == r.updated == 0 and r.unchanged == r.rows for r in again)


def _needs_file(tmp_path: Path, bad_at: int | None = None, count: int = 10) -> Path:
    rows = [need_json(i, enterprise=1 + i % 2) for i in range(1, count + 1)]
    if bad_at is not None:
        rows[bad_at - 1] = need_json(bad_at, amount="很多")
    return write_jsonl(tmp_path / "needs.jsonl", rows)


@pytest.fixture
def store(tmp_path: Path) -> JsonlRecordStore:
    store = JsonlRecordStore(tmp_path / "ws")
    store.upsert("enterprise", [make_enterprise("E001"), make_enterprise("E002")])
    return store


def test_a_bad_chunk_stops_with_nothing_published_and_a_skipping_rerun_resumes(store, tmp_path):
    path = _needs_file(tmp_path, bad_at=7)
    checkpoints = tmp_path / "cp"
    with pytest.raises(IngestError) as caught:
        import_file(store, path, stream=True, checkpoints=checkpoints, chunk_rows=3)
    message = str(caught.value)
    assert "未写入任何数据" in message and "第7–9行中有 1 行数据有问题" in message
    assert "此前校验通过的 6 行已暂存" in message
    assert [(p.row, p.field) for p in caught.value.problems] == [(7, "amount")]
    assert JsonlRecordStore(store.root).load("need") == {}  # staged, not visible
    saved = json.loads(checkpoint_path(checkpoints, path).read_text(encoding="utf-8"))
    assert (saved["row"], saved["staged"]) == (6, 6)

    report = import_file(
        store, path, skip_bad_rows=True, stream=True, checkpoints=checkpoints, chunk_rows=3
    )
    assert (report.resumed_from, report.rows, report.added, report.skipped) == (6, 10, 9, 1)
    assert [(p.row, p.field) for p in report.problems] == [(7, "amount")]
    assert len(JsonlRecordStore(store.root).load("need")) == 9
    assert not checkpoint_path(checkpoints, path).exists()


def test_a_changed_file_starts_over(store, tmp_path):
    path = _needs_file(tmp_path, bad_at=5)
    checkpoints = tmp_path / "cp"
    with pytest.raises(IngestError):
        import_file(store, path, stream=True, checkpoints=checkpoints, chunk_rows=2)
    assert JsonlRecordStore(store.root).load("need") == {}
    _needs_file(tmp_path)  # fixed: the checkpoint no longer matches
    report = import_file(store, path, stream=True, checkpoints=checkpoints, chunk_rows=2)
    assert (report.resumed_from, report.rows, report.added, report.unchanged) == (0, 10, 10, 0)


def test_citations_of_missing_enterprises_name_row_and_field(store, tmp_path):
    rows = [need_json(1), need_json(2, enterprise=9), need_json(3, enterprise=2)]
    path = write_jsonl(tmp_path / "needs.jsonl", rows)
    report = import_file(store, path, skip_bad_rows=True, stream=True, chunk_rows=2)
    assert [(p.row, p.field, p.reason) for p in report.problems] == [
        (2, "enterprise_id", "企业「E009」不存在")
    ]
    assert sorted(JsonlRecordStore(store.root).load("need")) == ["N001", "N003"]


def test_large_files_stream_by_default(store, tmp_path, monkeypatch):
    path = _needs_file(tmp_path, bad_at=10)
    with pytest.raises(IngestError, match="导入失败，未写入任何数据"):
        import_file(store, path, chunk_rows=4)  # small: all or nothing
    assert JsonlRecordStore(store.root).load("need") == {}
    monkeypatch.setattr("matcher.ingest.stream.STREAM_MIN_BYTES", 1)
    with pytest.raises(IngestError, match="导入中止，未写入任何数据"):
        import_file(store, path, chunk_rows=4)
    assert JsonlRecordStore(store.root).load("need") == {}
    assert not (store.root / "records" / ".stage").exists() or not any(
        (store.root / "records" / ".stage").iterdir()
    )  # without checkpoints nothing is kept for a rerun


def test_an_unreadable_file_rejects_the_streamed_import_before_any_write(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _needs_file(folder)
    (folder / "offers.csv").write_text("编号,颜色\nO1,红\n", encoding="utf-8")
    with pytest.raises(IngestError, match="未写入任何数据") as caught:
        import_path(store, folder, stream=True, progress=False)
    assert caught.value.problems[0].field == "颜色"
    assert JsonlRecordStore(store.root).load("need") == {}


def test_a_rerun_does_not_read_again_the_files_finished_before(store, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "enterprises.csv", ENTERPRISE_HEADER, [enterprise_row(i) for i in (3, 4)])
    _needs_file(folder, bad_at=9)
    checkpoints = tmp_path / "cp"
    with pytest.raises(IngestError):
        import_path(store, folder, stream=True, checkpoints=checkpoints, chunk_rows=4)
    read: list[str] = []

    def spy(path: Path, start_after: int = 0):
        read.append(f"{path.name}@{start_after}")
        return open_table(path, start_after)

    monkeypatch.setattr("matcher.ingest.stream.open_table", spy)
    enterprises, needs = import_path(
        store, folder, skip_bad_rows=True, stream=True, checkpoints=checkpoints, chunk_rows=4
    )
    assert read == ["enterprises.csv@0", "needs.jsonl@0", "needs.jsonl@8"]  # headers, then rows
    assert (enterprises.rows, enterprises.added, enterprises.resumed_from) == (2, 2, 2)
    assert (needs.rows, needs.added, needs.skipped, needs.resumed_from) == (10, 9, 1, 8)
    assert list(checkpoints.iterdir()) == []  # the whole import is done
