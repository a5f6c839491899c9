"""Retrieve records of one kind from a workspace's indexes through the one search engine."""

from __future__ import annotations

from matcher.embed.base import Encoder, query_side
from matcher.index.builder import load_indexes, workspace_encoder
from matcher.search.engine import Hit, HybridSearch
from matcher.search.fusion import Fusion, fusion_for
from matcher.workspace import Workspace

Candidate = Hit  # a retrieved record: channel cosines, fused relevance, confidence, match


def workspace_fusion(workspace: Workspace, encoder: Encoder) -> Fusion:
    """The calibrated fusion of the workspace's encoder, with any configured overrides."""
    settings = workspace.settings
    return fusion_for(encoder.name).with_overrides(settings.hybrid_weight, settings.match_threshold)


class Retriever:
    """Hybrid retrieval over a workspace's indexes; encoder and indexes load on first use."""

    def __init__(self, workspace: Workspace, encoder: Encoder | None = None) -> None:
        self.workspace = workspace
        self._encoder = encoder
        self._query_encoder: Encoder | None = None
        self._engines: dict[str, HybridSearch] = {}

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
        """The search engine over the verified indexes of `kind` (loaded once)."""
        if kind not in self._engines:
            dense, lexical = load_indexes(self.workspace, kind, self.encoder)
            self._engines[kind] = HybridSearch(
                dense, lexical, self.fusion, self.workspace.settings.candidates
            )
        return self._engines[kind]

    def invalidate(self, kind: str) -> None:
        """Forget the loaded indexes of `kind`; the next search loads them again from disk."""
        self._engines.pop(kind, None)

    def search(
        self, kind: str, text: str, oversample: int = 1, everything: bool = False
    ) -> list[Hit]:
        """Hits for `text`, best first; each channel proposes `candidates * oversample`."""
        engine = self.engine(kind)
        query_dense = self.query_encoder.encode([text])
        query_lexical = engine.lexical.encoder.encode([text])
        pool = engine.candidates * oversample
        return engine.search(query_dense, query_lexical, pool=pool, everything=everything)[0]
