"""Retrieve candidates of one record kind from both channels, with exact scores for their union."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.embed.base import Encoder
from matcher.embed.hybrid import fuse_scores
from matcher.index.builder import load_indexes, workspace_encoder
from matcher.index.sparse_index import SparseIndex
from matcher.index.vector_index import VectorIndex
from matcher.workspace import Workspace


@dataclass(frozen=True)
class Candidate:
    """A retrieved record: semantic (dense cosine), lexical (sparse cosine) and their fusion.

    `relevance` is the hybrid score, each channel rescaled to [0, 1] over the query's
    candidates and then weighted (the fusion tuned on the dev data, docs/evaluation.md).
    """

    id: str
    semantic: float
    lexical: float
    relevance: float


class Retriever:
    """Hybrid retrieval over a workspace's indexes; encoder and indexes load on first use."""

    def __init__(self, workspace: Workspace, encoder: Encoder | None = None) -> None:
        self.workspace = workspace
        self._encoder = encoder
        self._indexes: dict[str, tuple[VectorIndex, SparseIndex]] = {}

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = workspace_encoder(self.workspace)
        return self._encoder

    def indexes(self, kind: str) -> tuple[VectorIndex, SparseIndex]:
        if kind not in self._indexes:
            self._indexes[kind] = load_indexes(self.workspace, kind, self.encoder)
        return self._indexes[kind]

    def invalidate(self, kind: str) -> None:
        """Forget the loaded indexes of `kind`; the next search loads them again from disk."""
        self._indexes.pop(kind, None)

    def search(
        self, kind: str, text: str, oversample: int = 1, everything: bool = False
    ) -> list[Candidate]:
        """Candidates for `text`, best fused score first.

        Each channel proposes `settings.candidates * oversample` records (all with `everything`);
        both channels' exact scores are computed for the union, then fused.
        """
        dense, lexical = self.indexes(kind)
        n = len(dense) if everything else self.workspace.settings.candidates * oversample
        query_dense = self.encoder.encode([text])
        query_lexical = lexical.encoder.encode([text])
        _, dense_ids = dense.search(query_dense, n)
        _, lexical_ids = lexical.search(query_lexical, n)
        union = list(dict.fromkeys([*dense_ids[0], *lexical_ids[0]]))
        if not union:
            return []
        semantic = dense.reconstruct(union) @ query_dense[0]
        lexical_exact = lexical.score(query_lexical, union)
        fused = fuse_scores(semantic, lexical_exact, self.workspace.settings.hybrid_weight)
        order = np.argsort(-fused, kind="stable")
        return [
            Candidate(union[i], float(semantic[i]), float(lexical_exact[i]), float(fused[i]))
            for i in order
        ]
