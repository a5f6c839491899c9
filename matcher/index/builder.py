"""Build, load, update and report the indexes of a workspace, one pair per record kind.

Each kind's indexes live in immutable snapshots (`matcher.index.snapshots`):
`<workspace>/indexes/<kind>/<snapshot>/dense/` (a `VectorIndex`) and `.../lexical/` (a
`SparseIndex`), each with `hashes.json` (record id → content hash of the indexed text) and
its `manifest.json`; the kind's `CURRENT` pointer names the published snapshot and the store
version it reflects. A build or update writes a new snapshot and swaps the pointer under the
workspace's build lock, so readers in any process only ever load complete snapshots. The
hashes let an update find exactly what changed, so only new, changed and deleted records are
touched; dense vectors come from the workspace embedding cache, so unchanged texts are never
embedded again. Freshness is one cheap comparison: the pointer's store version against
`RecordStore.kind_version`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from matcher.atomic import atomic_path
from matcher.embed.base import Encoder
from matcher.embed.cache import EmbeddingCache, encode_with_cache
from matcher.embed.lexical import LexicalEncoder
from matcher.embed.registry import make_encoder
from matcher.errors import IndexMismatchError, MatcherError, NotFoundError
from matcher.index.manifest import (
    Expected,
    Manifest,
    check_count,
    read_manifest,
    verify_manifest,
    write_manifest,
)
from matcher.index.snapshots import (
    Pointer,
    build_lock,
    new_snapshot_dir,
    publish,
    read_pointer,
    snapshot_dir,
)
from matcher.index.sparse_index import SparseIndex
from matcher.index.vector_index import VectorIndex, choose_index_type
from matcher.store import content_hash
from matcher.types import KIND_LABELS, RECORD_KINDS
from matcher.workspace import Workspace

DENSE = "dense"
LEXICAL = "lexical"
HASHES_FILE = "hashes.json"
SPARSE_INDEX_TYPE = "sparse-exact"
TEXT_CHUNK = 5000  # records read from the store at a time


@dataclass(frozen=True)
class BuildSummary:
    """What one build or update did for one record kind."""

    kind: str
    count: int  # records indexed
    embedded: int  # texts sent to the encoder
    cached: int  # records whose vector came from the embedding cache
    index_type: str
    seconds: float
    mode: str  # "full", "incremental" or "unchanged"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Snapshot:
    """One published, verified pair of indexes and the pointer it was loaded through."""

    pointer: Pointer
    dense: VectorIndex
    lexical: SparseIndex


class _CountingEncoder:
    """Delegates to an encoder and counts the texts it encodes."""

    def __init__(self, encoder: Encoder) -> None:
        self.inner = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        return self.inner.encode(texts)


def workspace_encoder(workspace: Workspace) -> Encoder:
    """The dense encoder named by the workspace settings (its model loads on first use)."""
    return make_encoder(workspace.settings.encoder, batch_size=workspace.settings.batch_size)


def channel_dir(workspace: Workspace, kind: str, channel: str) -> Path:
    """The `channel` folder of the published snapshot of `kind` (missing when none)."""
    return snapshot_dir(workspace, kind) / channel


def _label(kind: str, channel: str) -> str:
    return f"{KIND_LABELS[kind]}的{'语义' if channel == DENSE else '词法'}索引"


def _check_kind(kind: str) -> None:
    if kind not in RECORD_KINDS:
        raise NotFoundError(f"未知的记录类型：{kind}，可选：{'、'.join(RECORD_KINDS)}")


def _expected(channel: str, encoder: Encoder) -> Expected:
    if channel == DENSE:
        return Expected(encoder.name, encoder.dim)
    return Expected(LexicalEncoder().name, None)


def _chunks(items: list[str], size: int = TEXT_CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _texts(workspace: Workspace, kind: str, ids: list[str]) -> dict[str, str]:
    """Id → embedded text of the records with these ids still stored, read in chunks."""
    texts: dict[str, str] = {}
    for chunk in _chunks(ids):
        for record_id, record in workspace.store.get_many(kind, chunk).items():
            texts[record_id] = record.embed_text()
    return texts


def _load_channel(
    folder: Path, kind: str, channel: str, expected: Expected
) -> tuple[VectorIndex | SparseIndex, dict[str, str]]:
    directory = folder / channel
    label = _label(kind, channel)
    manifest = verify_manifest(directory, label, expected)
    index = VectorIndex.load(directory) if channel == DENSE else SparseIndex.load(directory)
    check_count(manifest, len(index), label)
    hashes = json.loads((directory / HASHES_FILE).read_text(encoding="utf-8"))
    if set(hashes) != set(index.ids):
        raise IndexMismatchError(
            f"{label}的内容摘要与索引记录不一致，请运行 matcher index --rebuild 重建"
        )
    return index, hashes


def _save_channel(
    directory: Path, index: VectorIndex | SparseIndex, hashes: dict[str, str], encoder_name: str
) -> None:
    """Index files and hashes first, the manifest last."""
    files = index.save(directory)
    hashes_path = directory / HASHES_FILE
    with atomic_path(hashes_path) as tmp:
        tmp.write_text(json.dumps(hashes, ensure_ascii=False), encoding="utf-8")
    if isinstance(index, VectorIndex):
        dim, index_type = index.dim, index.index_type
        params = {"nlist": index.nlist, "nprobe": index.nprobe, "ef_search": index.ef_search}
    else:
        dim, index_type, params = index.encoder.dim, SPARSE_INDEX_TYPE, {}
    write_manifest(
        directory,
        [*files, hashes_path],
        encoder=encoder_name,
        dim=dim,
        count=len(index),
        index_type=index_type,
        params=params,
    )


def _save_snapshot(
    workspace: Workspace,
    kind: str,
    dense: VectorIndex,
    lexical: SparseIndex,
    hashes: dict[str, str],
    encoder_name: str,
    store_version: str,
) -> None:
    """Write both channels into a new snapshot folder, then publish it."""
    folder = new_snapshot_dir(workspace, kind)
    _save_channel(folder / DENSE, dense, hashes, encoder_name)
    _save_channel(folder / LEXICAL, lexical, hashes, lexical.name)
    publish(workspace, kind, folder, store_version)


def _embed(
    workspace: Workspace, encoder: _CountingEncoder, texts: list[str], progress: bool
) -> np.ndarray:
    cache = EmbeddingCache(workspace.cache_dir, encoder.name)
    settings = workspace.settings
    return encode_with_cache(
        encoder, texts, cache, settings.batch_size, settings.embed_checkpoint, progress
    )


def _build_full(workspace: Workspace, kind: str, encoder: Encoder, progress: bool) -> BuildSummary:
    start = time.perf_counter()
    version = workspace.store.kind_version(kind)  # read first: a later write only re-syncs
    texts = dict(workspace.store.iter_texts(kind))  # streamed page by page from the store
    ids = list(texts)
    counting = _CountingEncoder(encoder)
    vectors = _embed(workspace, counting, list(texts.values()), progress)
    dense = VectorIndex.for_size(encoder.dim, len(ids), workspace.settings)
    dense.add(ids, vectors)
    del vectors
    sparse = SparseIndex.build(ids, list(texts.values()))
    hashes = {record_id: content_hash(text) for record_id, text in texts.items()}
    _save_snapshot(workspace, kind, dense, sparse, hashes, encoder.name, version)
    return BuildSummary(
        kind, len(ids), counting.calls, len(ids) - counting.calls, dense.index_type,
        time.perf_counter() - start, "full",
    )  # fmt: skip


def _sync(
    workspace: Workspace, kind: str, encoder: Encoder, progress: bool, upserted: Iterable[str] = ()
) -> BuildSummary:
    """Bring the published snapshot in line with the store, touching only what changed."""
    start = time.perf_counter()
    version = workspace.store.kind_version(kind)
    current = workspace.store.content_hashes(kind)
    pointer = read_pointer(workspace, kind)
    folder = snapshot_dir(workspace, kind, pointer)
    dense, saved = _load_channel(folder, kind, DENSE, _expected(DENSE, encoder))
    lexical, _ = _load_channel(folder, kind, LEXICAL, _expected(LEXICAL, encoder))
    assert isinstance(dense, VectorIndex) and isinstance(lexical, SparseIndex)
    forced = set(upserted)
    changed_ids = [i for i, h in current.items() if saved.get(i) != h or i in forced]
    texts = _texts(workspace, kind, changed_ids)  # a record deleted meanwhile is left out
    gone = [i for i in saved if i not in current]
    gone += [i for i in changed_ids if i not in texts and i in saved]
    changed = list(texts)
    counting = _CountingEncoder(encoder)
    if not gone and not changed:
        assert pointer is not None
        if pointer.store_version != version:  # only fields that are not indexed moved
            publish(workspace, kind, folder, version)
        return BuildSummary(
            kind, len(dense), 0, len(dense), dense.index_type, time.perf_counter() - start,
            "incremental",
        )  # fmt: skip
    dropped = set(gone)
    hashes = {i: h for i, h in saved.items() if i not in dropped}
    hashes.update((i, content_hash(text)) for i, text in texts.items())
    if choose_index_type(len(hashes), workspace.settings) != dense.index_type:
        return _build_full(workspace, kind, encoder, progress)
    dense.remove(gone)
    dense.add(changed, _embed(workspace, counting, [texts[i] for i in changed], progress))
    lexical.remove(gone)
    lexical.add(changed, [texts[i] for i in changed])
    if lexical.needs_refit():
        every = _texts(workspace, kind, list(hashes))
        lexical = SparseIndex.build(list(every), list(every.values()))
    _save_snapshot(workspace, kind, dense, lexical, hashes, encoder.name, version)
    return BuildSummary(
        kind, len(hashes), counting.calls, len(hashes) - counting.calls, dense.index_type,
        time.perf_counter() - start, "incremental",
    )  # fmt: skip


def _verify_fresh(workspace: Workspace, kind: str, encoder: Encoder) -> Manifest:
    """Check the published snapshot against the store version and both channels' manifests
    and checksums (no index is loaded)."""
    pointer = read_pointer(workspace, kind)
    folder = snapshot_dir(workspace, kind, pointer)
    manifests = [
        verify_manifest(folder / channel, _label(kind, channel), _expected(channel, encoder))
        for channel in (DENSE, LEXICAL)
    ]
    assert pointer is not None  # verify_manifest found the snapshot's files
    _check_version(pointer, workspace.store.kind_version(kind), kind)
    return manifests[0]


def _check_version(pointer: Pointer, store_version: str, kind: str) -> None:
    if pointer.store_version != store_version:
        raise IndexMismatchError(
            f"{KIND_LABELS[kind]}的索引建立后记录已有变动（数据版本 {pointer.store_version} → "
            f"{store_version}），请运行 matcher index 更新索引"
        )


def build_indexes(
    workspace: Workspace,
    kinds: Sequence[str] | None = None,
    rebuild: bool = False,
    progress: bool = True,
    encoder: Encoder | None = None,
) -> dict[str, BuildSummary]:
    """Build or refresh the dense and lexical indexes of each kind (all kinds by default).

    Without `rebuild`, an up-to-date kind is left alone and a stale one is updated
    incrementally when its published snapshot is sound; otherwise it is built from scratch.
    One process builds at a time (the workspace's build lock).
    """
    kinds = list(kinds or RECORD_KINDS)
    for kind in kinds:
        _check_kind(kind)
    encoder = encoder or workspace_encoder(workspace)
    summaries: dict[str, BuildSummary] = {}
    for kind in kinds:
        with build_lock(workspace):
            summaries[kind] = _build_kind(workspace, kind, encoder, rebuild, progress)
    return summaries


def _build_kind(
    workspace: Workspace, kind: str, encoder: Encoder, rebuild: bool, progress: bool
) -> BuildSummary:
    if rebuild:
        return _build_full(workspace, kind, encoder, progress)
    start = time.perf_counter()
    try:
        manifest = _verify_fresh(workspace, kind, encoder)
    except MatcherError:
        pass
    else:
        return BuildSummary(
            kind, manifest.count, 0, manifest.count, manifest.index_type,
            time.perf_counter() - start, "unchanged",
        )  # fmt: skip
    try:
        return _sync(workspace, kind, encoder, progress)
    except MatcherError:  # missing, corrupt or built by another encoder: start over
        return _build_full(workspace, kind, encoder, progress)


def update_indexes(
    workspace: Workspace,
    kind: str,
    upserted_ids: Iterable[str] = (),
    deleted_ids: Iterable[str] = (),
    encoder: Encoder | None = None,
    progress: bool = False,
) -> BuildSummary:
    """Apply upserts and deletions (already made in the store) to the indexes of `kind`.

    Records changed since the last save are picked up too, so the result always matches
    the store; the indexes must exist and suit the current encoder. `upserted_ids` are
    re-indexed even when their text looks unchanged.
    """
    _check_kind(kind)
    upserted, deleted = list(upserted_ids), list(deleted_ids)
    present = workspace.store.get_many(kind, upserted + deleted)
    for record_id in upserted:
        if record_id not in present:
            raise NotFoundError(f"找不到{KIND_LABELS[kind]}「{record_id}」，请先写入记录再更新索引")
    for record_id in deleted:
        if record_id in present:
            raise MatcherError(
                f"{KIND_LABELS[kind]}「{record_id}」仍在记录中，请先删除记录再更新索引"
            )
    encoder = encoder or workspace_encoder(workspace)
    with build_lock(workspace):
        return _sync(workspace, kind, encoder, progress, upserted)


def load_snapshot(workspace: Workspace, kind: str, encoder: Encoder) -> Snapshot:
    """The published snapshot of `kind`, verified (checksums, encoder, counts), whatever
    store version it reflects (compare `snapshot.pointer.store_version` to decide).

    Raises `NotFoundError` when never built, `IndexMismatchError` when corrupt.
    """
    _check_kind(kind)
    pointer = read_pointer(workspace, kind)
    if pointer is None:
        label = KIND_LABELS[kind]
        raise NotFoundError(f"尚未建立索引，请先运行 matcher index（缺少{label}的索引）")
    folder = snapshot_dir(workspace, kind, pointer)
    dense, _ = _load_channel(folder, kind, DENSE, _expected(DENSE, encoder))
    lexical, _ = _load_channel(folder, kind, LEXICAL, _expected(LEXICAL, encoder))
    assert isinstance(dense, VectorIndex) and isinstance(lexical, SparseIndex)
    return Snapshot(pointer, dense, lexical)


def load_indexes(
    workspace: Workspace, kind: str, encoder: Encoder | None = None
) -> tuple[VectorIndex, SparseIndex]:
    """The verified dense and lexical indexes of `kind`, in line with the store.

    Raises `NotFoundError` when never built, `IndexMismatchError` when stale or corrupt.
    """
    snapshot = load_snapshot(workspace, kind, encoder or workspace_encoder(workspace))
    _check_version(snapshot.pointer, workspace.store.kind_version(kind), kind)
    return snapshot.dense, snapshot.lexical


def index_status(workspace: Workspace, encoder: Encoder | None = None) -> list[dict[str, Any]]:
    """Per kind: records, indexed count, index type, encoder and fresh / stale / missing."""
    encoder = encoder or workspace_encoder(workspace)
    rows = []
    for kind in RECORD_KINDS:
        row: dict[str, Any] = {
            "kind": kind,
            "records": workspace.store.count(kind),
            "count": None,
            "index_type": None,
            "encoder": None,
            "status": "fresh",
            "detail": "",
        }
        try:
            manifest = read_manifest(channel_dir(workspace, kind, DENSE), _label(kind, DENSE))
            row.update(
                count=manifest.count, index_type=manifest.index_type, encoder=manifest.encoder
            )
            _verify_fresh(workspace, kind, encoder)
        except NotFoundError as exc:
            row.update(status="missing", detail=str(exc))
        except MatcherError as exc:
            row.update(status="stale", detail=str(exc))
        rows.append(row)
    return rows
