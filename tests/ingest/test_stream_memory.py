"""Peak memory of the streaming import stays flat as the data grows tenfold; the all-at-once
import's grows with the data (which shows the measurement can tell them apart)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from matcher.synth.generate import generate, province_scale

# Import DATA into the SQLite file TARGET (streamed or not); print the peak RSS in KiB. The
# peak is VmHWM of this program's own address space: ru_maxrss would include the forking
# parent's (the test worker's) memory, which Linux carries across exec.
IMPORT = """
import re, sys
from pathlib import Path
from matcher.ingest import import_path
from storage.db import make_engine, upgrade
from storage.records import SqlRecordStore
engine = make_engine(f"sqlite:///{sys.argv[2]}")
upgrade(engine)
import_path(SqlRecordStore(engine), Path(sys.argv[1]), progress=False,
            stream=sys.argv[3] == "stream", chunk_rows=1000)
status = Path("/proc/self/status").read_text()
print(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
"""


def _peak_mib(data: Path, target: Path, mode: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT, str(data), str(target), mode],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.strip()) / 1024


@pytest.mark.slow
def test_streaming_import_memory_does_not_grow_with_the_file(tmp_path):
    small, big = tmp_path / "small", tmp_path / "big"
    generate(small, seed=1, progress=False, sizes=province_scale(0.001))  # 3,120 rows
    generate(big, seed=1, progress=False, sizes=province_scale(0.01))  # 31,200 rows
    streamed_small = _peak_mib(small, tmp_path / "a.db", "stream")
    streamed_big = _peak_mib(big, tmp_path / "b.db", "stream")
    whole_big = _peak_mib(big, tmp_path / "c.db", "whole")
    streamed_growth = streamed_big - streamed_small
    whole_growth = whole_big - streamed_small
    assert streamed_growth < 20, (streamed_small, streamed_big)
    assert streamed_growth < whole_growth / 3, (streamed_small, streamed_big, whole_big)
