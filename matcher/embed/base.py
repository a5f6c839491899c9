"""The encoder protocols every backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
from scipy import sparse


@runtime_checkable
class Encoder(Protocol):
    """A dense encoder: `encode` returns float32 [n, dim] with L2-normalised rows."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class SparseEncoder(Protocol):
    """A lexical encoder fitted on a corpus.

    `encode` returns CSR float32 [n, dim] with L2-normalised rows.
    """

    name: str
    dim: int

    def fit(self, corpus: Sequence[str]) -> SparseEncoder: ...

    def encode(self, texts: Sequence[str]) -> sparse.csr_matrix: ...


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def query_side(encoder: Encoder) -> Encoder:
    """The encoder for search texts: `encoder.for_queries()` when it is asymmetric, else itself."""
    for_queries = getattr(encoder, "for_queries", None)
    return for_queries() if callable(for_queries) else encoder
