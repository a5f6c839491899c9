"""Build, load, update and report the indexes of a workspace, one pair per record kind.

Layout: `<workspace>/indexes/<kind>/dense/` (a `VectorIndex`) and `.../lexical/`
(a `SparseIndex`). Each channel folder also holds `hashes.json` (record id → content
hash of the indexed text) and its `manifest.json`. The hashes let an update find
exactly what changed since the index was saved, so `build_indexes` on changed data and
`update_indexes` touch only new, changed and deleted records; dense vectors come from
the workspace embedding cache, so unchanged texts are never embedded again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
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
from matcher.index.sparse_index import SparseIndex
from matcher.index.vector_index import VectorIndex, choose_index_type
from matcher.store import content_hash
from matcher.types import KIND_LABELS, RECORD_KINDS
from matcher.workspace import Workspace

DENSE = "dense"
LEXICAL = "lexical"
HASHES_FILE = "hashes.json"
SPARSE_INDEX_TYPE = "sparse-exact"


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
    return workspace.index_dir / kind / channel


def _label(kind: str, channel: str) -> str:
    return f"{KIND_LABELS[kind]}的{'语义' if channel == DENSE else '词法'}索引"


def _check_kind(kind: str) -> None:
    if kind not in RECORD_KINDS:
        raise NotFoundError(f"未知的记录类型：{kind}，可选：{'、'.join(RECORD_KINDS)}")


def _expected(channel: str, encoder: Encoder, fingerprint: str | None) -> Expected:
    """What `channel` must match; a None fingerprint is not checked."""
    if channel == DENSE:
        return Expected(encoder.name, encoder.dim, fingerprint)
    return Expected(LexicalEncoder().name, None, fingerprint)


def _current_hashes(workspace: Workspace, kind: str) -> tuple[dict[str, str], dict[str, str]]:
    """(id → embed text, id → content hash) of the records now in the store."""
    texts = {record_id: r.embed_text() for record_id, r in workspace.store.load(kind).items()}
    return texts, {record_id: content_hash(text) for record_id, text in texts.items()}


def _load_channel(
    workspace: Workspace, kind: str, channel: str, expected: Expected
) -> tuple[VectorIndex | SparseIndex, dict[str, str]]:
    directory = channel_dir(workspace, kind, channel)
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
    workspace: Workspace,
    kind: str,
    channel: str,
    index: VectorIndex | SparseIndex,
    hashes: dict[str, str],
    encoder_name: str,
    fingerprint: str,
) -> None:
    """Index files and hashes renamed into place first, the manifest last."""
    directory = channel_dir(workspace, kind, channel)
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
        fingerprint=fingerprint,
        params=params,
    )


def _embed(
    workspace: Workspace, encoder: _CountingEncoder, texts: list[str], progress: bool
) -> np.ndarray:
    cache = EmbeddingCache(workspace.cache_dir, encoder.name)
    batch = workspace.settings.batch_size
    return encode_with_cache(encoder, texts, cache, batch_size=batch, progress=progress)


def _build_full(workspace: Workspace, kind: str, encoder: Encoder, progress: bool) -> BuildSummary:
    start = time.perf_counter()
    texts, hashes = _current_hashes(workspace, kind)
    ids = list(texts)
    counting = _CountingEncoder(encoder)
    vectors = _embed(workspace, counting, list(texts.values()), progress)
    dense = VectorIndex.for_size(encoder.dim, len(ids), workspace.settings)
    dense.add(ids, vectors)
    sparse = SparseIndex.build(ids, list(texts.values()))
    fingerprint = workspace.store.fingerprint(kind)
    _save_channel(workspace, kind, DENSE, dense, hashes, encoder.name, fingerprint)
    _save_channel(workspace, kind, LEXICAL, sparse, hashes, sparse.name, fingerprint)
    return BuildSummary(
        kind, len(ids), counting.calls, len(ids) - counting.calls, dense.index_type,
        time.perf_counter() - start, "full",
    )  # fmt: skip


def _sync(
    workspace: Workspace, kind: str, encoder: Encoder, progress: bool, upserted: Iterable[str] = ()
) -> BuildSummary:
    """Bring saved indexes in line with the store, touching only what changed."""
    start = time.perf_counter()
    texts, hashes = _current_hashes(workspace, kind)
    fingerprint = workspace.store.fingerprint(kind)
    counting = _CountingEncoder(encoder)
    forced = set(upserted)
    index_type = ""
    for channel in (DENSE, LEXICAL):
        index, saved = _load_channel(workspace, kind, channel, _expected(channel, encoder, None))
        gone = [i for i in saved if i not in texts]
        changed = [i for i in texts if saved.get(i) != hashes[i] or i in forced]
        if isinstance(index, VectorIndex):
            if gone or changed:
                index = _update_dense(workspace, index, counting, texts, gone, changed, progress)
            index_type, name = index.index_type, encoder.name
        elif gone or changed:
            index.remove(gone)
            index.add(changed, [texts[i] for i in changed])
            if index.needs_refit():
                index = SparseIndex.build(list(texts), list(texts.values()))
            name = index.name
        if gone or changed:  # otherwise the saved (id, hash) pairs, so its fingerprint, match
            _save_channel(workspace, kind, channel, index, hashes, name, fingerprint)
    return BuildSummary(
        kind, len(texts), counting.calls, len(texts) - counting.calls, index_type,
        time.perf_counter() - start, "incremental",
    )  # fmt: skip


def _update_dense(
    workspace: Workspace,
    index: VectorIndex,
    encoder: _CountingEncoder,
    texts: dict[str, str],
    gone: list[str],
    changed: list[str],
    progress: bool,
) -> VectorIndex:
    """Apply removals and upserts; rebuild when the size calls for another index type."""
    if choose_index_type(len(texts), workspace.settings) != index.index_type:
        fresh = VectorIndex.for_size(encoder.dim, len(texts), workspace.settings)
        fresh.add(list(texts), _embed(workspace, encoder, list(texts.values()), progress))
        return fresh
    index.remove(gone)
    index.add(changed, _embed(workspace, encoder, [texts[i] for i in changed], progress))
    return index


def _verify_fresh(workspace: Workspace, kind: str, encoder: Encoder) -> Manifest:
    """Check both channels' manifests against the current data (no index is loaded)."""
    fingerprint = workspace.store.fingerprint(kind)
    manifests = [
        verify_manifest(
            channel_dir(workspace, kind, channel),
            _label(kind, channel),
            _expected(channel, encoder, fingerprint),
        )
        for channel in (DENSE, LEXICAL)
    ]
    return manifests[0]


def build_indexes(
    workspace: Workspace,
    kinds: Sequence[str] | None = None,
    rebuild: bool = False,
    progress: bool = True,
    encoder: Encoder | None = None,
) -> dict[str, BuildSummary]:
    """Build or refresh the dense and lexical indexes of each kind (all kinds by default).

    Without `rebuild`, an up-to-date kind is left alone and a stale one is updated
    incrementally when its saved indexes are sound; otherwise it is built from scratch.
    """
    kinds = list(kinds or RECORD_KINDS)
    for kind in kinds:
        _check_kind(kind)
    encoder = encoder or workspace_encoder(workspace)
    summaries: dict[str, BuildSummary] = {}
    for kind in kinds:
        if rebuild:
            summaries[kind] = _build_full(workspace, kind, encoder, progress)
            continue
        start = time.perf_counter()
        try:
            manifest = _verify_fresh(workspace, kind, encoder)
        except MatcherError:
            pass
        else:
            summaries[kind] = BuildSummary(
                kind, manifest.count, 0, manifest.count, manifest.index_type,
                time.perf_counter() - start, "unchanged",
            )  # fmt: skip
            continue
        try:
            summaries[kind] = _sync(workspace, kind, encoder, progress)
        except MatcherError:  # missing, corrupt or built by another encoder: start over
            summaries[kind] = _build_full(workspace, kind, encoder, progress)
    return summaries


def update_indexes(
    workspace: Workspace,
    kind: str,
    upserted_ids: Iterable[str] = (),
    deleted_ids: Iterable[str] = (),
    encoder: Encoder | None = None,
    progress: bool = False,
) -> BuildSummary:
    """Apply upserts and deletions (already made in the store) to the saved indexes of `kind`.

    Records changed since the last save are picked up too, so the result always matches
    the store; the indexes must exist and suit the current encoder. `upserted_ids` are
    re-indexed even when their text looks unchanged.
    """
    _check_kind(kind)
    records = workspace.store.load(kind)
    upserted, deleted = list(upserted_ids), list(deleted_ids)
    for record_id in upserted:
        if record_id not in records:
            raise NotFoundError(f"找不到{KIND_LABELS[kind]}「{record_id}」，请先写入记录再更新索引")
    for record_id in deleted:
        if record_id in records:
            raise MatcherError(
                f"{KIND_LABELS[kind]}「{record_id}」仍在记录中，请先删除记录再更新索引"
            )
    encoder = encoder or workspace_encoder(workspace)
    return _sync(workspace, kind, encoder, progress, upserted)


def load_indexes(
    workspace: Workspace, kind: str, encoder: Encoder | None = None
) -> tuple[VectorIndex, SparseIndex]:
    """The verified dense and lexical indexes of `kind`.

    Raises `NotFoundError` when never built, `IndexMismatchError` when stale or corrupt.
    """
    _check_kind(kind)
    encoder = encoder or workspace_encoder(workspace)
    fingerprint = workspace.store.fingerprint(kind)
    loaded = [
        _load_channel(workspace, kind, channel, _expected(channel, encoder, fingerprint))[0]
        for channel in (DENSE, LEXICAL)
    ]
    dense, sparse = loaded
    assert isinstance(dense, VectorIndex) and isinstance(sparse, SparseIndex)
    return dense, sparse


def index_status(workspace: Workspace, encoder: Encoder | None = None) -> list[dict[str, Any]]:
    """Per kind: records, indexed count, index type, encoder and fresh / stale / missing."""
    encoder = encoder or workspace_encoder(workspace)
    rows = []
    for kind in RECORD_KINDS:
        row: dict[str, Any] = {
            "kind": kind,
            "records": len(workspace.store.load(kind)),
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
