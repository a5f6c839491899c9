"""Record stores: the protocol every backend implements, and the JSONL file backend.

Upserts replace records by id, so importing the same ids again updates them. Every record
has a version: 1 when first stored, one more on every change. A write may state the versions
it read (`expected`, id → version): when any of them moved on, it raises `VersionConflict`
and writes nothing (compare-and-set); without them the last writer wins. The SQL backend
(SQLite / PostgreSQL) lives in the `storage` package and follows the same protocol.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from matcher.atomic import folder_lock, write_text_atomic
from matcher.errors import NotFoundError, VersionConflict
from matcher.types import KIND_LABELS, MODELS, RECORD_KINDS, Record


@dataclass(frozen=True)
class UpsertSummary:
    """How many records an upsert added, changed and left as they were."""

    added: int
    updated: int
    unchanged: int


def content_hash(text: str) -> str:
    """Stable hash of a text, used to key embeddings and detect changes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class RecordStore(Protocol):
    """What the library needs from a store of records (JSONL files, SQL database...)."""

    def load(self, kind: str) -> dict[str, Record]:
        """All records of `kind`, by id."""
        ...

    def get(self, kind: str, record_id: str) -> Record:
        """One record; `NotFoundError` (Chinese message) when absent."""
        ...

    def get_versioned(self, kind: str, record_id: str) -> tuple[Record, int]:
        """One record and its version; `NotFoundError` when absent."""
        ...

    def upsert(
        self, kind: str, records: Iterable[Record], expected: Mapping[str, int] | None = None
    ) -> UpsertSummary:
        """Insert or replace by id, atomically; a changed record's version goes up by one.
        `VersionConflict` (nothing written) when a record of `expected` has another version."""
        ...

    def delete(
        self, kind: str, ids: Iterable[str], expected: Mapping[str, int] | None = None
    ) -> int:
        """Delete by id; how many existed. `VersionConflict` (nothing deleted) when a record of
        `expected` has another version or is gone."""
        ...

    def get_many(self, kind: str, ids: Iterable[str]) -> dict[str, Record]:
        """The records with these ids that exist, by id (missing ids are left out)."""
        ...

    def of_enterprise(self, kind: str, enterprise_id: str) -> list[Record]:
        """The needs or offers (`kind`) of one enterprise, in id order."""
        ...

    def count(self, kind: str) -> int:
        """How many records of `kind` are stored."""
        ...

    def kind_version(self, kind: str) -> str:
        """A cheap token that changes whenever records of `kind` change (it may also change
        when only fields that are not embedded did)."""
        ...

    def content_hashes(self, kind: str) -> dict[str, str]:
        """Record id → `content_hash` of its embedded text, for every record of `kind`."""
        ...


def records_fingerprint(records: dict[str, Record]) -> str:
    """A hash over (id, hash of embedded text) of every record, in id order."""
    digest = hashlib.sha256()
    for record_id in sorted(records):
        digest.update(f"{record_id}\t{content_hash(records[record_id].embed_text())}\n".encode())
    return digest.hexdigest()


def check_versions(kind: str, expected: Mapping[str, int], current: Mapping[str, int]) -> None:
    """`VersionConflict` for the first id (in id order) whose `current` version (absent: the
    record is gone) is not the `expected` one."""
    for record_id in sorted(expected):
        if current.get(record_id) != expected[record_id]:
            what = f"{KIND_LABELS[kind]}「{record_id}」"
            raise VersionConflict(what, current.get(record_id), expected[record_id])


def count_changes(
    current: dict[str, Record], records: Iterable[Record]
) -> tuple[UpsertSummary, list[Record]]:
    """Classify `records` against `current` (added / updated / unchanged); also the changed ones."""
    added = updated = unchanged = 0
    changed: list[Record] = []
    for record in records:
        old = current.get(record.id)
        if old is None:
            added += 1
        elif old == record:
            unchanged += 1
            continue
        else:
            updated += 1
        changed.append(record)
    return UpsertSummary(added, updated, unchanged), changed


@dataclass(frozen=True)
class _Loaded:
    stamp: tuple[int, int, int]  # the records file's inode, size and mtime when read
    records: dict[str, Record]
    versions: dict[str, int]


class JsonlRecordStore:
    """Records of every kind under `root/records/`: `<kind>.jsonl` (one record a line) and
    `<kind>.versions.json` (id → version; a record it does not list is at version 1).

    Reads are cached until the file changes on disk; writes take the folder's lock and
    re-read, so several stores (processes) over one folder lose no update."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._cache: dict[str, _Loaded] = {}

    def path(self, kind: str) -> Path:
        return self.root / "records" / f"{kind}.jsonl"

    def versions_path(self, kind: str) -> Path:
        return self.root / "records" / f"{kind}.versions.json"

    def load(self, kind: str) -> dict[str, Record]:
        """All records of `kind`, by id, in insertion order."""
        return self._fresh(kind).records

    def get(self, kind: str, record_id: str) -> Record:
        return self.get_versioned(kind, record_id)[0]

    def get_versioned(self, kind: str, record_id: str) -> tuple[Record, int]:
        """One record and its version; `NotFoundError` when absent."""
        loaded = self._fresh(kind)
        record = loaded.records.get(record_id)
        if record is None:
            raise NotFoundError(f"找不到{KIND_LABELS[kind]}「{record_id}」")
        return record, loaded.versions[record_id]

    def upsert(
        self, kind: str, records: Iterable[Record], expected: Mapping[str, int] | None = None
    ) -> UpsertSummary:
        """Insert or replace records by id; the files are rewritten atomically."""
        with folder_lock(self.path(kind).parent):
            loaded = self._fresh(kind)
            check_versions(kind, expected or {}, loaded.versions)
            current = dict(loaded.records)
            summary, changed = count_changes(current, records)
            if changed:
                latest = {record.id: record for record in changed}
                current.update(latest)
                versions = dict(loaded.versions)
                versions.update((i, versions.get(i, 0) + 1) for i in latest)
                self._write(kind, current, versions)
        return summary

    def delete(
        self, kind: str, ids: Iterable[str], expected: Mapping[str, int] | None = None
    ) -> int:
        """Delete records by id; returns how many existed."""
        with folder_lock(self.path(kind).parent):
            loaded = self._fresh(kind)
            check_versions(kind, expected or {}, loaded.versions)
            current = dict(loaded.records)
            removed = sum(current.pop(i, None) is not None for i in ids)
            if removed:
                versions = {i: v for i, v in loaded.versions.items() if i in current}
                self._write(kind, current, versions)
        return removed

    def get_many(self, kind: str, ids: Iterable[str]) -> dict[str, Record]:
        records = self.load(kind)
        return {i: records[i] for i in dict.fromkeys(ids) if i in records}

    def of_enterprise(self, kind: str, enterprise_id: str) -> list[Record]:
        records = self.load(kind).values()
        mine = [r for r in records if getattr(r, "enterprise_id", None) == enterprise_id]
        return sorted(mine, key=lambda record: record.id)

    def count(self, kind: str) -> int:
        return len(self.load(kind))

    def kind_version(self, kind: str) -> str:
        """A hash over (id, embedded text) of every record: changes when indexed content does."""
        return records_fingerprint(self.load(kind))[:16]

    def content_hashes(self, kind: str) -> dict[str, str]:
        return {i: content_hash(r.embed_text()) for i, r in self.load(kind).items()}

    def _stamp(self, kind: str) -> tuple[int, int, int]:
        try:
            stat = os.stat(self.path(kind))
        except FileNotFoundError:
            return (0, 0, 0)
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def _fresh(self, kind: str) -> _Loaded:
        """The records and versions of `kind`, read again when the file changed on disk."""
        if kind not in RECORD_KINDS:
            raise NotFoundError(f"未知的记录类型：{kind}")
        stamp = self._stamp(kind)
        cached = self._cache.get(kind)
        if cached is not None and cached.stamp == stamp:
            return cached
        model = MODELS[kind]
        records: dict[str, Record] = {}
        path = self.path(kind)
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        record = model.model_validate_json(line)
                        records[record.id] = record
        versions_path = self.versions_path(kind)
        stored = json.loads(versions_path.read_text("utf-8")) if versions_path.exists() else {}
        loaded = _Loaded(stamp, records, {i: stored.get(i, 1) for i in records})
        self._cache[kind] = loaded
        return loaded

    def _write(self, kind: str, records: dict[str, Record], versions: dict[str, int]) -> None:
        """Versions first: a crash in between leaves a version ahead of its record (a spurious
        conflict at worst), never a changed record at its old version."""
        write_text_atomic(self.versions_path(kind), json.dumps(versions, ensure_ascii=False))
        lines = (
            json.dumps(r.model_dump(mode="json"), ensure_ascii=False) for r in records.values()
        )
        write_text_atomic(self.path(kind), "".join(line + "\n" for line in lines))
        self._cache[kind] = _Loaded(self._stamp(kind), records, versions)
