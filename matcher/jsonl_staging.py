"""The JSONL store's staging area: `records/.stage/<batch>/<part>.<kind>.jsonl`, one record a
line, appended and synced chunk by chunk; a line torn by a killed append is ignored and cut
off by the next one. Publishing is the store's job (`JsonlRecordStore.publish_staged`)."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from matcher.errors import NotFoundError
from matcher.types import MODELS, RECORD_KINDS, Record

if TYPE_CHECKING:
    from matcher.store import JsonlRecordStore, UpsertSummary, Within

STAGE_DIR = ".stage"
_FAST_ID = b'{"id": "'
_TAIL = 1 << 16
T = TypeVar("T")


def record_line(record: Record) -> bytes:
    """A record as one stored line."""
    return (json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n").encode()


def line_id(line: bytes) -> str:
    """The id of one stored line, without parsing the rest of it when it starts as we write."""
    if line.startswith(_FAST_ID):
        end = line.find(b'"', len(_FAST_ID))
        raw = line[len(_FAST_ID) : end]
        if end > 0 and b"\\" not in raw:
            return raw.decode("utf-8")
    return str(json.loads(line)["id"])


def stage_folder(records_dir: Path, batch: str) -> Path:
    """Where the staged records of `batch` live."""
    return records_dir / STAGE_DIR / batch


def part_path(folder: Path, part: int, kind: str) -> Path:
    return folder / f"{part}.{kind}.jsonl"


def staged_records(folder: Path, part: int, kind: str) -> Iterator[Record]:
    """The records of one staged part in the order they were added (complete lines only)."""
    path = part_path(folder, part, kind)
    if not path.exists():
        return
    model = MODELS[kind]
    with path.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                return  # torn by a killed append
            if line.strip():
                yield model.model_validate_json(line)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _cut_torn(path: Path) -> None:
    """Cut a last line without its newline (a killed append) off `path`."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        end = size
        while end > 0:
            start = max(0, end - _TAIL)
            handle.seek(start)
            block = handle.read(end - start)
            newline = block.rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                if keep != size:
                    handle.truncate(keep)
                return
            end = start
        handle.truncate(0)


class JsonlStaging:
    """The `Staging` of one batch of a `JsonlRecordStore`."""

    def __init__(self, store: JsonlRecordStore, batch: str) -> None:
        self.store = store
        self.batch = batch
        self.folder = stage_folder(store.records_dir, batch)
        self._ids: dict[str, set[str]] = {}  # kind → ids staged, read once
        self._counts: dict[int, int] = {}

    def add(self, part: int, kind: str, records: Sequence[Record]) -> None:
        if kind not in RECORD_KINDS:
            raise NotFoundError(f"未知的记录类型：{kind}")
        ids = self._kind_ids(kind)
        count = self.count(part, kind)
        path = part_path(self.folder, part, kind)
        self.folder.mkdir(parents=True, exist_ok=True)
        if path.exists():
            _cut_torn(path)
        with path.open("ab") as handle:
            handle.write(b"".join(record_line(record) for record in records))
            handle.flush()
            os.fsync(handle.fileno())
        ids.update(record.id for record in records)
        self._counts[part] = count + len(records)

    def count(self, part: int, kind: str) -> int:
        if part not in self._counts:
            lines = 0
            path = part_path(self.folder, part, kind)
            if path.exists():
                with path.open("rb") as handle:
                    lines = sum(1 for line in handle if line.endswith(b"\n") and line.strip())
            self._counts[part] = lines
        return self._counts[part]

    def existing_ids(self, kind: str, ids: Iterable[str]) -> set[str]:
        wanted = set(ids)
        return self.store.existing_ids(kind, wanted) | (wanted & self._kind_ids(kind))

    def drop(self, part: int | None = None) -> None:
        if part is None:
            shutil.rmtree(self.folder, ignore_errors=True)
        else:
            for path in self.folder.glob(f"{part}.*.jsonl"):
                path.unlink()
        self._ids.clear()
        self._counts.clear()

    def publish(
        self, parts: Sequence[tuple[int, str]], within: Within | None = None
    ) -> list[UpsertSummary]:
        summaries = self.store.publish_staged(self.batch, parts, within)
        self._ids.clear()
        self._counts.clear()
        return summaries

    def _kind_ids(self, kind: str) -> set[str]:
        if kind not in self._ids:
            found: set[str] = set()
            for path in self.folder.glob(f"*.{kind}.jsonl"):
                with path.open("rb") as handle:
                    found.update(
                        line_id(line) for line in handle if line.endswith(b"\n") and line.strip()
                    )
            self._ids[kind] = found
        return self._ids[kind]
