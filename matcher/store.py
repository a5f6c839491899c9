"""Record stores: the protocol every backend implements, and the JSONL file backend.

Upserts replace records by id, so importing the same ids again updates them. The SQL
backend (SQLite / PostgreSQL) lives in the `storage` package and follows the same protocol.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from matcher.atomic import write_text_atomic
from matcher.errors import NotFoundError
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

    def upsert(self, kind: str, records: Iterable[Record]) -> UpsertSummary:
        """Insert or replace by id, atomically."""
        ...

    def delete(self, kind: str, ids: Iterable[str]) -> int:
        """Delete by id; how many existed."""
        ...

    def fingerprint(self, kind: str) -> str:
        """Changes whenever the embedded content of `kind` changes."""
        ...


def records_fingerprint(records: dict[str, Record]) -> str:
    """A hash over (id, hash of embedded text) of every record, in id order."""
    digest = hashlib.sha256()
    for record_id in sorted(records):
        digest.update(f"{record_id}\t{content_hash(records[record_id].embed_text())}\n".encode())
    return digest.hexdigest()


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


class JsonlRecordStore:
    """Records of every kind under `root/records/`, loaded lazily and cached."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._cache: dict[str, dict[str, Record]] = {}

    def path(self, kind: str) -> Path:
        return self.root / "records" / f"{kind}.jsonl"

    def load(self, kind: str) -> dict[str, Record]:
        """All records of `kind`, by id, in insertion order."""
        if kind not in RECORD_KINDS:
            raise NotFoundError(f"未知的记录类型：{kind}")
        if kind not in self._cache:
            model = MODELS[kind]
            records: dict[str, Record] = {}
            path = self.path(kind)
            if path.exists():
                with path.open(encoding="utf-8") as handle:
                    for line in handle:
                        if line.strip():
                            record = model.model_validate_json(line)
                            records[record.id] = record
            self._cache[kind] = records
        return self._cache[kind]

    def get(self, kind: str, record_id: str) -> Record:
        record = self.load(kind).get(record_id)
        if record is None:
            raise NotFoundError(f"找不到{KIND_LABELS[kind]}「{record_id}」")
        return record

    def upsert(self, kind: str, records: Iterable[Record]) -> UpsertSummary:
        """Insert or replace records by id; the file is rewritten atomically."""
        current = dict(self.load(kind))
        summary, changed = count_changes(current, records)
        if changed:
            current.update((record.id, record) for record in changed)
            self._write(kind, current)
        return summary

    def delete(self, kind: str, ids: Iterable[str]) -> int:
        """Delete records by id; returns how many existed."""
        current = dict(self.load(kind))
        removed = sum(current.pop(i, None) is not None for i in ids)
        if removed:
            self._write(kind, current)
        return removed

    def fingerprint(self, kind: str) -> str:
        """A hash over (id, embedded text) of every record: changes when indexed content does."""
        return records_fingerprint(self.load(kind))

    def _write(self, kind: str, records: dict[str, Record]) -> None:
        lines = (
            json.dumps(r.model_dump(mode="json"), ensure_ascii=False) for r in records.values()
        )
        write_text_atomic(self.path(kind), "".join(line + "\n" for line in lines))
        self._cache[kind] = records
