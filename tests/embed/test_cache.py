from collections.abc import Sequence

import numpy as np
import pytest

from matcher.embed.cache import EmbeddingCache, encode_with_cache
from matcher.errors import MatcherError


class CountingEncoder:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, inner, name=None):
        self.inner = inner
        self.name = name or inner.name
        self.dim = inner.dim
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded.extend(texts)
        return self.inner.encode(texts)


TEXTS = [
    "工业视觉检测设备研发",
    "面向小微企业的信用贷款",
    "高校新材料科技成果转化",
    "智能装备产业链对接",
]


def test_unchanged_texts_are_not_encoded_again(tmp_path, use_encoder):
    counting = CountingEncoder(use_encoder)
    first = encode_with_cache(
        counting, TEXTS, EmbeddingCache(tmp_path, counting.name), progress=False
    )
    assert counting.encoded == TEXTS
    counting.encoded.clear()
    again = encode_with_cache(
        counting, TEXTS, EmbeddingCache(tmp_path, counting.name), progress=False
    )
    assert counting.encoded == []
    assert again.dtype == np.float32
    assert np.array_equal(first, again)
    assert np.allclose(first, use_encoder.encode(TEXTS), atol=1e-6)


def test_a_changed_text_is_the_only_one_encoded(tmp_path, use_encoder):
    counting = CountingEncoder(use_encoder)
    cache = EmbeddingCache(tmp_path, counting.name)
    encode_with_cache(counting, TEXTS, cache, progress=False)
    counting.encoded.clear()
    changed = [*TEXTS[:2], "高校新材料科技成果许可", TEXTS[3]]
    vectors = encode_with_cache(counting, changed, cache, progress=False)
    assert counting.encoded == ["高校新材料科技成果许可"]
    assert np.allclose(vectors[2], use_encoder.encode(["高校新材料科技成果许可"])[0], atol=1e-6)


def test_repeated_texts_are_encoded_once(tmp_path, use_encoder):
    counting = CountingEncoder(use_encoder)
    texts = [TEXTS[0], TEXTS[1], TEXTS[0], TEXTS[0]]
    vectors = encode_with_cache(counting, texts, EmbeddingCache(tmp_path, "x"), progress=False)
    assert counting.encoded == TEXTS[:2]
    assert vectors.shape == (4, 512)
    assert np.array_equal(vectors[0], vectors[3])


def test_encoders_do_not_share_vectors(tmp_path, use_encoder):
    first = CountingEncoder(use_encoder, name="model-a")
    second = CountingEncoder(use_encoder, name="model-b")
    encode_with_cache(first, TEXTS, EmbeddingCache(tmp_path, first.name), progress=False)
    encode_with_cache(second, TEXTS, EmbeddingCache(tmp_path, second.name), progress=False)
    assert second.encoded == TEXTS
    assert len(EmbeddingCache(tmp_path, "model-a")) == len(TEXTS)
    assert len(EmbeddingCache(tmp_path, "model-c")) == 0


def test_cache_survives_reopen_and_reports_misses(tmp_path, use_encoder):
    cache = EmbeddingCache(tmp_path, "usem3")
    cache.put_many(TEXTS[:2], use_encoder.encode(TEXTS[:2]))
    reopened = EmbeddingCache(tmp_path, "usem3")
    found, misses = reopened.get_many([TEXTS[2], TEXTS[1], TEXTS[0]])
    assert misses == [0]
    assert found.shape == (2, 512)
    assert np.allclose(found, use_encoder.encode([TEXTS[1], TEXTS[0]]), atol=1e-6)
    assert reopened.dim == 512


def test_interrupted_shard_is_ignored(tmp_path, use_encoder):
    cache = EmbeddingCache(tmp_path, "usem3")
    cache.put_many(TEXTS[:1], use_encoder.encode(TEXTS[:1]))
    (cache.folder / "99999999999999999999-deadbeef.vectors.npy").write_bytes(b"partial")
    assert len(EmbeddingCache(tmp_path, "usem3")) == 1


def test_wrong_dimension_is_refused(tmp_path):
    cache = EmbeddingCache(tmp_path, "enc")
    cache.put_many(["甲"], np.ones((1, 4), dtype=np.float32))
    with pytest.raises(MatcherError, match="维度"):
        cache.put_many(["乙"], np.ones((1, 8), dtype=np.float32))


def test_empty_input_gives_an_empty_matrix(tmp_path, use_encoder):
    vectors = encode_with_cache(use_encoder, [], EmbeddingCache(tmp_path, "usem3"), progress=False)
    assert vectors.shape == (0, 512)
