"""The workspace record store: one JSONL file per record kind, rewritten atomically.

Upserts replace records by id, so importing the same ids again updates them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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


class RecordStore:
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
        added = updated = unchanged = 0
        for record in records:
            old = current.get(record.id)
            if old is None:
                added += 1
            elif old == record:
                unchanged += 1
            else:
                updated += 1
            current[record.id] = record
        if added or updated:
            self._write(kind, current)
        return UpsertSummary(added, updated, unchanged)

    def delete(self, kind: str, ids: Iterable[str]) -> int:
        """Delete records by id; returns how many existed."""
        current = dict(self.load(kind))
        removed = sum(current.pop(i, None) is not None for i in ids)
        if removed:
            self._write(kind, current)
        return removed

    def fingerprint(self, kind: str) -> str:
        """A hash over (id, embedded text) of every record: changes when indexed content does."""
        digest = hashlib.sha256()
        for record_id in sorted(self.load(kind)):
            record = self.load(kind)[record_id]
            digest.update(f"{record_id}\t{content_hash(record.embed_text())}\n".encode())
        return digest.hexdigest()

    def _write(self, kind: str, records: dict[str, Record]) -> None:
        lines = (
            json.dumps(r.model_dump(mode="json"), ensure_ascii=False) for r in records.values()
        )
        write_text_atomic(self.path(kind), "".join(line + "\n" for line in lines))
        self._cache[kind] = records
