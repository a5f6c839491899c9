"""Retrieve records of one kind from a workspace's indexes through the one search engine.

The retriever holds one loaded snapshot per kind and never changes it in place: a newer
published snapshot replaces it whole (one dictionary assignment), so concurrent queries
need no lock. `strict` (the library default) refuses a snapshot behind the store; the
service loads whatever is published, asks `refresh` on every query which kinds moved, and
catches up in the background.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from matcher.embed.base import Encoder, query_side
from matcher.errors import IndexMismatchError
from matcher.index.builder import Snapshot, load_snapshot, workspace_encoder
from matcher.index.snapshots import read_pointer
from matcher.search.engine import Hit, HybridSearch
from matcher.search.fusion import Fusion, fusion_for
from matcher.types import RECORD_KINDS
from matcher.workspace import Workspace

Candidate = Hit  # a retrieved record: channel cosines, fused relevance, confidence, match


def workspace_fusion(workspace: Workspace, encoder: Encoder) -> Fusion:
    """The calibrated fusion of the workspace's encoder, with any configured overrides."""
    settings = workspace.settings
    return fusion_for(encoder.name).with_overrides(settings.hybrid_weight, settings.match_threshold)


@dataclass(frozen=True)
class _Loaded:
    snapshot: Snapshot
    engine: HybridSearch
    current: bool  # the snapshot reflects the store version last seen


class Retriever:
    """Hybrid retrieval over a workspace's indexes; encoder and indexes load on first use."""

    def __init__(
        self, workspace: Workspace, encoder: Encoder | None = None, strict: bool = True
    ) -> None:
        self.workspace = workspace
        self.strict = strict
        self._encoder = encoder
        self._query_encoder: Encoder | None = None
        self._loaded: dict[str, _Loaded] = {}

    @property
    def encoder(self) -> Encoder:
        """The document-side dense encoder (the one the indexes were built with)."""
        if self._encoder is None:
            self._encoder = workspace_encoder(self.workspace)
        return self._encoder

    @property
    def query_encoder(self) -> Encoder:
        """The dense encoder for search texts (the query side of an asymmetric encoder)."""
        if self._query_encoder is None:
            self._query_encoder = query_side(self.encoder)
        return self._query_encoder

    @property
    def fusion(self) -> Fusion:
        return workspace_fusion(self.workspace, self.encoder)

    def engine(self, kind: str) -> HybridSearch:
        """The search engine over the loaded snapshot of `kind` (loaded on first use)."""
        return self._load(kind).engine

    def _load(self, kind: str) -> _Loaded:
        loaded = self._loaded.get(kind)
        if loaded is None:
            snapshot = load_snapshot(self.workspace, kind, self.encoder)
            current = snapshot.pointer.store_version == self.workspace.store.kind_version(kind)
            if self.strict and not current:
                raise IndexMismatchError(
                    f"索引建立后记录已有变动（数据版本 {snapshot.pointer.store_version}），"
                    "请运行 matcher index 更新索引"
                )
            engine = HybridSearch(
                snapshot.dense, snapshot.lexical, self.fusion, self.workspace.settings.candidates
            )
            loaded = _Loaded(snapshot, engine, current)
            self._loaded[kind] = loaded
        return loaded

    def invalidate(self, kind: str) -> None:
        """Forget the loaded snapshot of `kind`; the next search loads the published one."""
        self._loaded.pop(kind, None)

    def refresh(self, versions: Mapping[str, str]) -> list[str]:
        """Given the store version of every kind, drop loaded snapshots that a newer one
        replaced, and return the kinds whose published snapshot is behind the store."""
        behind = []
        for kind in RECORD_KINDS:
            loaded = self._loaded.get(kind)
            if loaded is not None and loaded.snapshot.pointer.store_version == versions[kind]:
                continue  # in line with the store: no file read
            pointer = read_pointer(self.workspace, kind)
            if pointer is None:
                continue  # never built: nothing to catch up from
            current = pointer.store_version == versions[kind]
            if loaded is not None and pointer != loaded.snapshot.pointer:
                self._loaded.pop(kind, None)  # the newer snapshot loads on next use
            elif loaded is not None and loaded.current != current:
                self._loaded[kind] = replace(loaded, current=current)
            if not current:
                behind.append(kind)
        return behind

    def stored_vector(self, kind: str, record_id: str) -> np.ndarray | None:
        """The indexed vector of a stored record as a query vector, when that is exact: the
        encoder is symmetric and the loaded snapshot of `kind` is current. None otherwise."""
        if self.query_encoder.name != self.encoder.name:
            return None
        loaded = self._load(kind)
        if not loaded.current or record_id not in loaded.snapshot.dense:
            return None
        return loaded.snapshot.dense.reconstruct([record_id])

    def search(
        self,
        kind: str,
        text: str,
        oversample: int = 1,
        everything: bool = False,
        vector: np.ndarray | None = None,
    ) -> list[Hit]:
        """Hits for `text` (its dense `vector` when already known), best first; each channel
        proposes `candidates * oversample`."""
        engine = self.engine(kind)
        query_dense = self.query_encoder.encode([text]) if vector is None else vector
        query_lexical = engine.lexical.encoder.encode([text])
        pool = engine.candidates * oversample
        return engine.search(query_dense, query_lexical, pool=pool, everything=everything)[0]
