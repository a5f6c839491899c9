"""Streaming embedding into the cache: every text cached once, in chunks, resumable."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from matcher.embed.base import l2_normalise
from matcher.embed.cache import EmbeddingCache
from matcher.embed.ensemble import EnsembleEncoder
from matcher.embed.stream import embed_stream


class HashEncoder:
    """A deterministic 8-d encoder that counts what it encodes and can fail on a given call."""

    dim = 8

    def __init__(self, name: str = "hash", fail_on_call: int | None = None) -> None:
        self.name = name
        self.fail_on_call = fail_on_call
        self.calls = 0
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise RuntimeError("killed")
        self.encoded += len(texts)
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest()[:8], np.uint8) for t in texts]
        return l2_normalise(np.asarray(rows, dtype=np.float32) + 1)


def _items(n: int) -> list[tuple[str, str]]:
    return [(f"N{i}", f"需要第{i % (n - 5)}项检测工艺") for i in range(n)]  # a few repeats


def test_every_distinct_text_is_cached_once(tmp_path):
    encoder = HashEncoder()
    summary = embed_stream(_items(50), encoder, tmp_path, chunk=8, progress=False)
    assert (summary.texts, summary.embedded) == (50, 45)
    assert encoder.encoded == 45 and encoder.calls == 6  # a job per chunk; the last is cached
    texts = [text for _, text in _items(50)]
    found, misses = EmbeddingCache(tmp_path, "hash").get_many(texts)
    assert misses == [] and np.allclose(found, encoder.encode(texts))


def test_an_interrupted_run_resumes_with_the_texts_not_yet_cached(tmp_path):
    with pytest.raises(RuntimeError):
        embed_stream(_items(50), HashEncoder(fail_on_call=4), tmp_path, chunk=10, progress=False)
    rerun = HashEncoder()
    summary = embed_stream(_items(50), rerun, tmp_path, chunk=10, progress=False)
    assert rerun.encoded == summary.embedded == 45 - 30  # three chunks were saved before
    assert summary.cached == 50 - summary.embedded
    again = embed_stream(_items(50), HashEncoder(), tmp_path, chunk=10, progress=False)
    assert again.embedded == 0 and again.cached == 50


def test_an_ensemble_is_cached_member_by_member(tmp_path):
    a, b = HashEncoder("a"), HashEncoder("b")
    embed_stream(_items(20), EnsembleEncoder([(a, 1), (b, 1)]), tmp_path, progress=False)
    assert a.encoded == b.encoded == 15
    assert len(EmbeddingCache(tmp_path, "a")) == len(EmbeddingCache(tmp_path, "b")) == 15
