"""Record stores: the protocol every backend implements, and the JSONL file backend.

Upserts replace records by id, so importing the same ids again updates them. Every record
has a version: 1 when first stored, one more on every change. A write may state the versions
it read (`expected`, id → version): when any of them moved on, it raises `VersionConflict`
and writes nothing (compare-and-set; expecting 0 means "create, never replace"); without
them the last writer wins. The SQL backend (SQLite / PostgreSQL) lives in the `storage`
package and follows the same protocol.

Writes to several kinds that belong together (a folder import) go through `upsert_many`
(all or nothing) or a `Staging` (records set aside chunk by chunk, invisible to reads, then
published all at once): a crash leaves the old records or the new, never half of them. On
SQL both are one transaction; the JSONL files cannot be replaced together, so a publish
first names its staged records in `records/.publishing.json`, then appends them kind by
kind; any later open, read or write of the store that finds the note finishes the publish
first (the appends are upserts, so finishing twice changes nothing).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from matcher.atomic import atomic_path, folder_lock, write_text_atomic
from matcher.crash import crash_point
from matcher.errors import NotFoundError, VersionConflict
from matcher.jsonl_staging import (
    STAGE_DIR,
    JsonlStaging,
    batched,
    line_id,
    record_line,
    stage_folder,
    staged_records,
)
from matcher.plain_text import STORED
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

    def existing_ids(self, kind: str, ids: Iterable[str]) -> set[str]:
        """The ids of `ids` that are stored (no record is parsed)."""
        ...

    def iter_records(self, kind: str, batch: int = 5000) -> Iterator[Record]:
        """Every record of `kind`, read `batch` at a time (memory bounded by the batch)."""
        ...

    def iter_texts(self, kind: str, batch: int = 5000) -> Iterator[tuple[str, str]]:
        """(id, embedded text) of every record of `kind`, in `iter_records` order."""
        ...

    def upsert_many(
        self, writes: Sequence[tuple[str, Sequence[Record]]], within: Within | None = None
    ) -> list[UpsertSummary]:
        """Upsert (kind, records) in order, all or nothing; `within(summaries)` runs before
        the writes are final (SQL: in their transaction, so what it writes commits with them)."""
        ...

    def staging(self, batch: str) -> Staging:
        """The staging area of `batch` (created on first use, kept across processes)."""
        ...


Within = Callable[[list["UpsertSummary"]], None]


class Staging(Protocol):
    """Records set aside for one import (`batch`): durable, so a killed import resumes from
    them, and invisible to every read until `publish` makes all of them visible at once."""

    def add(self, part: int, kind: str, records: Sequence[Record]) -> None:
        """Set `records` aside as part `part` (of `kind`); a later record of an id wins."""
        ...

    def count(self, part: int, kind: str) -> int:
        """How many records `add` set aside in `part` so far (an id added twice may count
        twice; never fewer than after the last `add` that returned)."""
        ...

    def existing_ids(self, kind: str, ids: Iterable[str]) -> set[str]:
        """The ids of `ids` that are stored or staged (the citations of an import)."""
        ...

    def drop(self, part: int | None = None) -> None:
        """Forget one part, or (None) the whole batch."""
        ...

    def publish(
        self, parts: Sequence[tuple[int, str]], within: Within | None = None
    ) -> list[UpsertSummary]:
        """Upsert the staged `parts` (part, kind) in order, all or nothing, and drop the batch;
        one summary per part. `within` as for `RecordStore.upsert_many`."""
        ...


def records_fingerprint(records: dict[str, Record]) -> str:
    """A hash over (id, hash of embedded text) of every record, in id order."""
    digest = hashlib.sha256()
    for record_id in sorted(records):
        digest.update(f"{record_id}\t{content_hash(records[record_id].embed_text())}\n".encode())
    return digest.hexdigest()


def check_versions(kind: str, expected: Mapping[str, int], current: Mapping[str, int]) -> None:
    """`VersionConflict` for the first id (in id order) whose `current` version is not the
    `expected` one; a record absent from `current` is at version 0 (expecting 0: create only)."""
    for record_id in sorted(expected):
        found = current.get(record_id)
        if (found or 0) != expected[record_id]:
            what = f"{KIND_LABELS[kind]}「{record_id}」"
            raise VersionConflict(what, found, expected[record_id])


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


COMPACT_MIN_DEAD = 10_000  # superseded lines tolerated before a compaction is considered
APPLY_CHUNK = 5000  # staged records upserted at a time while publishing


@dataclass
class _Index:
    """Where each live record of a kind starts in its file, and its version."""

    stamp: tuple[int, int, int]  # the records file's inode, size and mtime when read
    offsets: dict[str, int]
    versions: dict[str, int]
    end: int  # bytes of complete lines (a torn last line of a killed append is not counted)
    dead: int = 0  # lines superseded by a later line of the same id


@dataclass(frozen=True)
class _Loaded:
    stamp: tuple[int, int, int]
    records: dict[str, Record]


class JsonlRecordStore:
    """Records of every kind under `root/records/`: `<kind>.jsonl` (one record a line; a later
    line of an id replaces the earlier one) and `<kind>.versions.json` (id → version when the
    file was last rewritten; a record it does not list starts at 1, and every later line of
    an id is one version more).

    An upsert appends only the changed records, so a large import costs no more than its
    size; when superseded lines outnumber live ones the file is compacted (rewritten
    atomically). A delete rewrites it. A line torn by a killed append is ignored and cut off
    by the next write. Reads are cached until the file changes on disk; writes take the
    folder's lock and re-read, so several stores (processes) over one folder lose no update.
    `load` parses every record; `count`, `existing_ids`, `get_many` and the iterators keep
    only an id → offset index in memory. A publish of staged records that a crash cut short
    (`records/.publishing.json`) is finished by the next read or write of any kind."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._index_cache: dict[str, _Index] = {}
        self._cache: dict[str, _Loaded] = {}
        self._local = threading.local()  # .locked: this thread holds the folder's lock

    @property
    def records_dir(self) -> Path:
        return self.root / "records"

    @property
    def publishing_path(self) -> Path:
        """Present while staged records are being published (names the batch and parts)."""
        return self.records_dir / ".publishing.json"

    def path(self, kind: str) -> Path:
        return self.records_dir / f"{kind}.jsonl"

    def versions_path(self, kind: str) -> Path:
        return self.records_dir / f"{kind}.versions.json"

    def recover(self) -> None:
        """Finish a publish a crash cut short and remove the staging left by `upsert_many`
        calls that died before publishing (streamed imports' stages are kept: they resume)."""
        with self._locked():
            stages = self.records_dir / STAGE_DIR
            for folder in stages.glob("unit-*") if stages.is_dir() else ():
                shutil.rmtree(folder, ignore_errors=True)

    def staging(self, batch: str) -> JsonlStaging:
        """The staging area of `batch` under `records/.stage/`."""
        return JsonlStaging(self, batch)

    def upsert_many(
        self, writes: Sequence[tuple[str, Sequence[Record]]], within: Within | None = None
    ) -> list[UpsertSummary]:
        """Upsert (kind, records) in order, all or nothing: several kinds are staged first,
        then published (see the module's docstring); `within(summaries)` runs once the
        records are in place, before the publish is final."""
        with self._locked():
            if len(writes) == 1:
                kind, records = writes[0]
                summaries = [self._upsert_locked(kind, list(records), None)]
                if within is not None:
                    within(summaries)
                return summaries
            batch = f"unit-{uuid.uuid4().hex}"
            staging = JsonlStaging(self, batch)
            try:
                for part, (kind, records) in enumerate(writes):
                    staging.add(part, kind, list(records))
            except BaseException:
                staging.drop()
                raise
            parts = [(part, kind) for part, (kind, _) in enumerate(writes)]
            return self._publish_locked(batch, parts, within)

    def publish_staged(
        self, batch: str, parts: Sequence[tuple[int, str]], within: Within | None = None
    ) -> list[UpsertSummary]:
        """Publish the staged `parts` of `batch` (see `Staging.publish`)."""
        with self._locked():
            return self._publish_locked(batch, parts, within)

    def load(self, kind: str) -> dict[str, Record]:
        """All records of `kind`, by id, in insertion order."""
        index = self._index(kind)
        cached = self._cache.get(kind)
        if cached is not None and cached.stamp == index.stamp:
            return cached.records
        records: dict[str, Record] = {}
        if index.offsets:
            with self.path(kind).open("rb") as handle:
                for record in self._live(kind, handle, index):
                    records[record.id] = record
            records = {record_id: records[record_id] for record_id in index.offsets}
        self._cache[kind] = _Loaded(index.stamp, records)
        return records

    def get(self, kind: str, record_id: str) -> Record:
        return self.get_versioned(kind, record_id)[0]

    def get_versioned(self, kind: str, record_id: str) -> tuple[Record, int]:
        """One record and its version; `NotFoundError` when absent."""
        index = self._index(kind)
        found = self._read(kind, index, [record_id])
        if record_id not in found:
            raise NotFoundError(f"找不到{KIND_LABELS[kind]}「{record_id}」")
        return found[record_id], index.versions[record_id]

    def upsert(
        self, kind: str, records: Iterable[Record], expected: Mapping[str, int] | None = None
    ) -> UpsertSummary:
        """Insert or replace records by id; only changed records are appended."""
        with self._locked():
            return self._upsert_locked(kind, list(records), expected)

    def delete(
        self, kind: str, ids: Iterable[str], expected: Mapping[str, int] | None = None
    ) -> int:
        """Delete records by id (the file is rewritten atomically); how many existed."""
        with self._locked():
            index = self._index(kind)
            check_versions(kind, expected or {}, index.versions)
            gone = {i for i in ids if i in index.offsets}
            if gone:
                self._rewrite(kind, index, gone)
        return len(gone)

    def get_many(self, kind: str, ids: Iterable[str]) -> dict[str, Record]:
        wanted = list(dict.fromkeys(ids))
        found = self._read(kind, self._index(kind), wanted)
        return {i: found[i] for i in wanted if i in found}

    def of_enterprise(self, kind: str, enterprise_id: str) -> list[Record]:
        records = self.load(kind).values()
        mine = [r for r in records if getattr(r, "enterprise_id", None) == enterprise_id]
        return sorted(mine, key=lambda record: record.id)

    def count(self, kind: str) -> int:
        return len(self._index(kind).offsets)

    def existing_ids(self, kind: str, ids: Iterable[str]) -> set[str]:
        """The ids of `ids` that are stored."""
        offsets = self._index(kind).offsets
        return {i for i in ids if i in offsets}

    def iter_records(self, kind: str, batch: int = 5000) -> Iterator[Record]:
        """Every record of `kind`, in file order, as the file was when iteration began."""
        index = self._index(kind)
        if not index.offsets:
            return
        with self.path(kind).open("rb") as handle:
            yield from self._live(kind, handle, index)

    def iter_texts(self, kind: str, batch: int = 5000) -> Iterator[tuple[str, str]]:
        """(id, embedded text) of every record of `kind`, as `iter_records` orders them."""
        for record in self.iter_records(kind, batch):
            yield record.id, record.embed_text()

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

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The folder's lock, with any publish a crash cut short finished first."""
        with folder_lock(self.records_dir):
            self._local.locked = True
            try:
                self._finish_publish()
                yield
            finally:
                self._local.locked = False

    def _finish_publish(self) -> None:
        """Apply the publish `records/.publishing.json` names (the lock is held)."""
        try:
            note = json.loads(self.publishing_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        self._apply(note["batch"], [(part, kind) for part, kind in note["parts"]])
        shutil.rmtree(stage_folder(self.records_dir, note["batch"]), ignore_errors=True)
        self.publishing_path.unlink()

    def _publish_locked(
        self, batch: str, parts: Sequence[tuple[int, str]], within: Within | None
    ) -> list[UpsertSummary]:
        """Name the batch in the publishing note, apply it, then drop the note and the stage."""
        note = {"batch": batch, "parts": [[part, kind] for part, kind in parts]}
        write_text_atomic(self.publishing_path, json.dumps(note, ensure_ascii=False))
        summaries = self._apply(batch, parts)
        if within is not None:
            within(summaries)
        crash_point("store.commit")
        shutil.rmtree(stage_folder(self.records_dir, batch), ignore_errors=True)
        self.publishing_path.unlink()
        return summaries

    def _apply(self, batch: str, parts: Sequence[tuple[int, str]]) -> list[UpsertSummary]:
        """Upsert every staged part in order, a chunk at a time (the lock is held)."""
        folder = stage_folder(self.records_dir, batch)
        summaries = []
        for part, kind in parts:
            added = updated = unchanged = 0
            for chunk in batched(staged_records(folder, part, kind), APPLY_CHUNK):
                latest = {record.id: record for record in chunk}  # a later line of an id wins
                summary = self._upsert_locked(kind, list(latest.values()), None)
                added += summary.added
                updated += summary.updated
                unchanged += summary.unchanged
            summaries.append(UpsertSummary(added, updated, unchanged))
            crash_point("store.publish")
        return summaries

    def _upsert_locked(
        self, kind: str, batch: list[Record], expected: Mapping[str, int] | None
    ) -> UpsertSummary:
        index = self._index(kind)
        check_versions(kind, expected or {}, index.versions)
        current = self._read(kind, index, [record.id for record in batch])
        summary, changed = count_changes(current, batch)
        if changed:
            latest = {record.id: record for record in changed}
            self._append(kind, index, latest)
            if index.dead > max(COMPACT_MIN_DEAD, len(index.offsets)):
                self._rewrite(kind, index, set())
        return summary

    def _index(self, kind: str) -> _Index:
        """The id → offset index of `kind`, read again when the file changed on disk (after
        finishing a publish a crash cut short, when there is one)."""
        if kind not in RECORD_KINDS:
            raise NotFoundError(f"未知的记录类型：{kind}")
        if not getattr(self._local, "locked", False) and self.publishing_path.exists():
            with self._locked():
                pass
        stamp = self._stamp(kind)
        cached = self._index_cache.get(kind)
        if cached is not None and cached.stamp == stamp:
            return cached
        versions_path = self.versions_path(kind)
        stored = json.loads(versions_path.read_text("utf-8")) if versions_path.exists() else {}
        index = _Index(stamp, {}, {}, 0)
        if stamp != (0, 0, 0):
            with self.path(kind).open("rb") as handle:
                offset = 0
                for line in handle:
                    if line.strip() and not self._indexed(index, line, offset, stored):
                        break  # a torn last line: everything before it counts
                    offset += len(line)
                    index.end = offset
        self._index_cache[kind] = index
        return index

    @staticmethod
    def _indexed(index: _Index, line: bytes, offset: int, stored: dict[str, int]) -> bool:
        complete = line.endswith(b"\n")
        try:
            if not complete:
                json.loads(line)  # a last line without a newline counts only when whole
            record_id = line_id(line)
        except (ValueError, KeyError, TypeError):
            if complete:
                raise
            return False
        if record_id in index.offsets:
            index.dead += 1
            index.versions[record_id] += 1
        else:
            index.versions[record_id] = stored.get(record_id, 1)
        index.offsets[record_id] = offset  # a replaced record keeps its place, as in a dict
        return True

    def _live(self, kind: str, handle: BinaryIO, index: _Index) -> Iterator[Record]:
        """The live records of the file open in `handle`, in file order, up to `index.end`."""
        model = MODELS[kind]
        offset = 0
        for line in handle:
            if offset >= index.end:
                return
            if line.strip():
                record_id = line_id(line)
                if index.offsets.get(record_id) == offset:
                    yield model.model_validate_json(line, context=STORED)
            offset += len(line)

    def _read(self, kind: str, index: _Index, ids: Iterable[str]) -> dict[str, Record]:
        """The stored records among `ids`, read at their offsets (or from a fresh `load`)."""
        cached = self._cache.get(kind)
        if cached is not None and cached.stamp == index.stamp:
            return {i: cached.records[i] for i in ids if i in cached.records}
        places = sorted({index.offsets[i] for i in ids if i in index.offsets})
        if not places:
            return {}
        model = MODELS[kind]
        found: dict[str, Record] = {}
        with self.path(kind).open("rb") as handle:
            for place in places:
                handle.seek(place)
                record = model.model_validate_json(handle.readline(), context=STORED)
                found[record.id] = record
        return found

    def _append(self, kind: str, index: _Index, latest: dict[str, Record]) -> None:
        """Append the changed records in one write (cutting off a torn line first)."""
        path = self.path(kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            start = index.end
            handle.truncate(start)
            if start:
                with path.open("rb") as reader:
                    reader.seek(start - 1)
                    if reader.read(1) != b"\n":
                        handle.write(b"\n")
                        start += 1
            lines = [record_line(record) for record in latest.values()]
            try:
                handle.write(b"".join(lines))
                handle.flush()
                os.fsync(handle.fileno())
            except BaseException:
                handle.truncate(index.end)
                raise
        offset = start
        for record, line in zip(latest.values(), lines, strict=True):
            if record.id in index.offsets:
                index.dead += 1
            index.offsets[record.id] = offset
            index.versions[record.id] = index.versions.get(record.id, 0) + 1
            offset += len(line)
        cached = self._cache.get(kind)
        index.end = offset
        index.stamp = self._stamp(kind)
        if cached is not None:
            merged = dict(cached.records)
            merged.update(latest)
            self._cache[kind] = _Loaded(index.stamp, merged)

    def _rewrite(self, kind: str, index: _Index, gone: set[str]) -> None:
        """Rewrite the file with one line per live record not in `gone`, versions first: a
        crash in between leaves a version ahead of its record (a spurious conflict at worst),
        never a changed record at its old version."""
        keep = [i for i in index.offsets if i not in gone]
        versions = {i: index.versions[i] for i in keep}
        write_text_atomic(self.versions_path(kind), json.dumps(versions, ensure_ascii=False))
        path = self.path(kind)
        offsets: dict[str, int] = {}
        with path.open("rb") as source, atomic_path(path) as tmp, tmp.open("wb") as out:
            for record_id in keep:
                source.seek(index.offsets[record_id])
                line = source.readline()
                offsets[record_id] = out.tell()
                out.write(line if line.endswith(b"\n") else line + b"\n")
            end = out.tell()
        self._cache.pop(kind, None)
        self._index_cache[kind] = _Index(self._stamp(kind), offsets, versions, end)
