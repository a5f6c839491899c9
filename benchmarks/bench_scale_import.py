"""Import a generated data set with the streaming import; print rows/s and peak memory.

Usage: python benchmarks/bench_scale_import.py DATA (--database URL | --workspace DIR)
       [--chunk-rows 5000] [--progress]

DATA is a folder written by `matcher generate --scale S`. The store is a SQL database
(SQLite file or PostgreSQL URL, migrated first) or a workspace's JSONL store. Rerunning after
a crash continues from the checkpoints (`<workspace>/imports`, or `DATA/.imports-<hash of the
URL>` for a database). Prints one JSON object: rows, seconds, rows per second, the peak
resident memory of this process (MiB) and the per-file reports.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import time
from pathlib import Path

from matcher.ingest import import_path
from matcher.ingest.stream import CHUNK_ROWS
from matcher.store import JsonlRecordStore, RecordStore
from storage.db import make_engine, upgrade
from storage.records import SqlRecordStore


def _store(args: argparse.Namespace) -> tuple[RecordStore, Path]:
    if args.workspace is not None:
        return JsonlRecordStore(args.workspace), args.workspace / "imports"
    engine = make_engine(args.database)
    upgrade(engine)
    digest = hashlib.sha256(args.database.encode("utf-8")).hexdigest()[:12]
    return SqlRecordStore(engine), args.data / f".imports-{digest}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--database")
    target.add_argument("--workspace", type=Path)
    parser.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS)
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args()
    store, checkpoints = _store(args)
    start = time.perf_counter()
    reports = import_path(
        store, args.data, progress=args.progress, stream=True, checkpoints=checkpoints,
        chunk_rows=args.chunk_rows,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    rows = sum(r.rows - r.resumed_from for r in reports)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {
        "rows": rows, "seconds": round(seconds, 1), "rows_per_s": round(rows / seconds),
        "peak_rss_mib": round(peak), "reports": [r.to_dict() for r in reports],
    }  # fmt: skip
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
