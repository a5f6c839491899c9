"""The shipped sample data imports cleanly: one record per line, nothing skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.ingest import import_path, scan_folder
from matcher.store import JsonlRecordStore as RecordStore

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_sample_data_imports_cleanly(tmp_path: Path) -> None:
    if not SAMPLE_DIR.is_dir() or not scan_folder(SAMPLE_DIR).targets:
        pytest.skip("data/sample has no data files yet")
    store = RecordStore(tmp_path / "ws")
    reports = import_path(store, SAMPLE_DIR, progress=False)
    for report in reports:
        lines = Path(report.file).read_text(encoding="utf-8").splitlines()
        expected = sum(1 for line in lines if line.strip())
        assert (report.rows, report.added, report.skipped) == (expected, expected, 0), report.file
    for kind in {r.kind for r in reports}:
        assert len(store.load(kind)) == sum(r.added for r in reports if r.kind == kind)
