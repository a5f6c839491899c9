"""Dense encoders by name.

"usem3" (or "default") is the shipped offline encoder; any other name is a
sentence-transformers model path or locally cached name. The names "lexical" and
"hybrid" are not dense encoders: the retrieval and evaluation layers build those
from `LexicalEncoder` and `hybrid.fuse`.
"""

from __future__ import annotations

from matcher.embed.base import Encoder
from matcher.embed.default import USE_NAME, UseEncoder
from matcher.embed.sbert import SentenceTransformerEncoder

DEFAULT_NAMES = frozenset({USE_NAME, "default"})


def make_encoder(name: str, batch_size: int = 64, device: str | None = None) -> Encoder:
    """The dense encoder called `name`; a model is loaded lazily, on first encode."""
    if name in DEFAULT_NAMES:
        return UseEncoder()
    return SentenceTransformerEncoder(name, batch_size=batch_size, device=device)
