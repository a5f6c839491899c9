"""Hybrid search over one corpus: the single retrieval path of the product.

Each channel (a dense `VectorIndex`, a lexical `SparseIndex`) proposes its best
`candidates` documents; both channels' exact scores are computed for the union; the
`Fusion` orders them and gives each an absolute, calibrated confidence. Recommendations,
lead lists, event candidates and `matcher evaluate` all search through `HybridSearch`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from matcher.index.sparse_index import SparseIndex
from matcher.index.vector_index import VectorIndex
from matcher.search.fusion import Fusion


@dataclass(frozen=True)
class Hit:
    """One found document: both channels' cosines, their fusion and its calibrated meaning."""

    id: str
    semantic: float
    lexical: float
    relevance: float
    confidence: float
    match: bool


class HybridSearch:
    """Search one corpus given as a dense and a lexical index over the same ids."""

    def __init__(
        self, dense: VectorIndex, lexical: SparseIndex, fusion: Fusion, candidates: int = 100
    ) -> None:
        self.dense = dense
        self.lexical = lexical
        self.fusion = fusion
        self.candidates = candidates

    def __len__(self) -> int:
        return len(self.dense)

    def search(
        self,
        query_dense: np.ndarray,
        query_lexical: sparse.csr_matrix,
        k: int | None = None,
        pool: int | None = None,
        everything: bool = False,
    ) -> list[list[Hit]]:
        """Per query row: hits best first (at most `k`).

        Each channel proposes `pool` documents (`candidates` by default, all with `everything`).
        """
        query_dense = np.atleast_2d(np.asarray(query_dense, dtype=np.float32))
        query_lexical = sparse.csr_matrix(query_lexical, dtype=np.float32)
        pool = len(self.dense) if everything else (pool or self.candidates)
        _, dense_ids = self.dense.search(query_dense, pool)
        _, lexical_ids = self.lexical.search(query_lexical, pool)
        return [
            self._rescore(query_dense[q], query_lexical[q], [*dense_ids[q], *lexical_ids[q]], k)
            for q in range(query_dense.shape[0])
        ]

    def score(
        self, query_dense: np.ndarray, query_lexical: sparse.csr_matrix, ids: Sequence[str]
    ) -> list[Hit]:
        """Exact hits for the given documents of one query, best first."""
        return self._rescore(
            np.asarray(query_dense, dtype=np.float32).ravel(),
            sparse.csr_matrix(query_lexical, dtype=np.float32),
            list(ids),
            None,
        )

    def _rescore(
        self, query_dense: np.ndarray, query_lexical: sparse.csr_matrix, found: list[str], k
    ) -> list[Hit]:
        union = list(dict.fromkeys(found))
        if not union:
            return []
        semantic = self.dense.reconstruct(union) @ query_dense
        lexical = self.lexical.score(query_lexical, union)
        relevance = self.fusion.relevance(semantic, lexical)
        confidence = self.fusion.confidence(relevance)
        order = np.lexsort((np.arange(len(union)), -relevance))[:k]
        return [
            Hit(
                union[i],
                float(semantic[i]),
                float(lexical[i]),
                float(relevance[i]),
                float(confidence[i]),
                bool(confidence[i] >= self.fusion.threshold),
            )
            for i in order
        ]


def build_search(
    ids: Sequence[str],
    dense_vectors: np.ndarray,
    texts: Sequence[str],
    fusion: Fusion,
    candidates: int = 100,
    index_type: str = "flat",
    lexical: SparseIndex | None = None,
) -> HybridSearch:
    """A `HybridSearch` over documents held in memory (an evaluation corpus, an event's items).

    The lexical channel is fitted on `texts` unless `lexical` (an index whose fitted encoder
    should be reused, e.g. the workspace's) is given, in which case its encoder indexes them.
    """
    dense = VectorIndex(dense_vectors.shape[1], index_type)
    dense.add(list(ids), dense_vectors)
    if lexical is None:
        sparse_index = SparseIndex.build(list(ids), list(texts))
    else:
        sparse_index = SparseIndex(lexical.encoder)
        sparse_index.add(list(ids), list(texts))
    return HybridSearch(dense, sparse_index, fusion, candidates)
