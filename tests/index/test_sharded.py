"""Sharded indexes: built and searched as batch jobs, the merged top-k equals one exact
index over all vectors, on this process and on a local Ray cluster."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.batch import LocalBackend
from matcher.config import Settings
from matcher.errors import MatcherError
from matcher.index.sharded import build_shards, search_shards
from matcher.index.vector_index import VectorIndex

DIM = 64
N = 3000
SHARDS = 4
QUERIES = 50


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], np.ndarray, np.ndarray]:
    """3,000 random unit vectors, their ids, and 50 queries."""
    rng = np.random.default_rng(11)
    vectors = _unit(rng.standard_normal((N, DIM)))
    return [f"记录-{i:05d}" for i in range(N)], vectors, _unit(rng.standard_normal((QUERIES, DIM)))


def _exact(corpus, k: int) -> list[list[tuple[str, float]]]:
    ids, vectors, queries = corpus
    index = VectorIndex(DIM, "flat")
    index.add(ids, vectors)
    scores, found = index.search(queries, k)
    return [
        list(zip(row, map(float, s), strict=False)) for row, s in zip(found, scores, strict=True)
    ]


def _assert_same(got, expected) -> None:
    assert len(got) == len(expected)
    for got_row, expected_row in zip(got, expected, strict=True):
        assert [i for i, _ in got_row] == [i for i, _ in expected_row]
        np.testing.assert_allclose([s for _, s in got_row], [s for _, s in expected_row], atol=1e-5)


def _check_backend(backend, corpus, tmp_path) -> None:
    ids, vectors, queries = corpus
    dirs = build_shards(backend, ids, vectors, SHARDS, Settings(), tmp_path / "shards")
    assert [d.name for d in dirs] == [f"shard-{i:04d}" for i in range(SHARDS)]
    sizes = [len(VectorIndex.load(d)) for d in dirs]
    assert sizes == [750] * SHARDS
    assert VectorIndex.load(dirs[1]).ids == ids[750:1500]  # contiguous parts
    _assert_same(search_shards(backend, dirs, queries, 10), _exact(corpus, 10))


def test_merged_top_k_equals_one_exact_index(corpus, tmp_path) -> None:
    _check_backend(LocalBackend(), corpus, tmp_path)


def test_k_larger_than_a_shard(corpus, tmp_path) -> None:
    ids, vectors, queries = corpus
    dirs = build_shards(LocalBackend(), ids[:40], vectors[:40], 4, Settings(), tmp_path)
    got = search_shards(LocalBackend(), dirs, queries, 25)  # 10 per shard, 25 wanted
    _assert_same(got, _exact((ids[:40], vectors[:40], queries), 25))
    assert {len(row) for row in got} == {25}
    everything = search_shards(LocalBackend(), dirs, queries[:2], 100)
    assert [sorted(i for i, _ in row) for row in everything] == [sorted(ids[:40])] * 2


def test_empty_shards_are_built_and_searched(corpus, tmp_path) -> None:
    ids, vectors, queries = corpus
    dirs = build_shards(LocalBackend(), ids[:3], vectors[:3], 5, Settings(), tmp_path)
    assert [len(VectorIndex.load(d)) for d in dirs].count(0) == 2
    got = search_shards(LocalBackend(), dirs, queries[:5], 10)
    _assert_same(got, _exact((ids[:3], vectors[:3], queries[:5]), 10))
    nothing = build_shards(LocalBackend(), [], np.zeros((0, DIM)), 2, Settings(), tmp_path / "e")
    assert search_shards(LocalBackend(), nothing, queries[:3], 5) == [[], [], []]


def test_each_shard_gets_the_type_its_size_calls_for(corpus, tmp_path) -> None:
    ids, vectors, queries = corpus
    settings = Settings(exact_index_max=1000, approximate_index="hnsw")
    dirs = build_shards(LocalBackend(), ids, vectors, 2, settings, tmp_path / "two")
    assert [VectorIndex.load(d).index_type for d in dirs] == ["hnsw", "hnsw"]
    dirs = build_shards(LocalBackend(), ids, vectors, 3, settings, tmp_path / "three")
    assert [VectorIndex.load(d).index_type for d in dirs] == ["flat"] * 3
    got = search_shards(LocalBackend(), dirs, queries, 10)
    _assert_same(got, _exact(corpus, 10))


def test_ties_are_broken_by_id(tmp_path) -> None:
    vectors = np.tile(_unit(np.ones((1, DIM))), (6, 1))
    ids = ["f", "b", "d", "a", "e", "c"]
    dirs = build_shards(LocalBackend(), ids, vectors, 3, Settings(), tmp_path)
    got = search_shards(LocalBackend(), dirs, vectors[:1], 4)
    assert [i for i, _ in got[0]] == ["a", "b", "c", "d"]


@pytest.mark.parametrize("shards", [0, -1, 1.5])
def test_bad_shard_count_is_refused(corpus, tmp_path, shards) -> None:
    ids, vectors, _ = corpus
    with pytest.raises(MatcherError, match="分片数"):
        build_shards(LocalBackend(), ids, vectors, shards, Settings(), tmp_path)
    assert not any(tmp_path.iterdir())


def test_bad_search_arguments_are_refused(corpus, tmp_path) -> None:
    ids, vectors, queries = corpus
    dirs = build_shards(LocalBackend(), ids[:20], vectors[:20], 2, Settings(), tmp_path)
    with pytest.raises(MatcherError, match="返回条数"):
        search_shards(LocalBackend(), dirs, queries, 0)
    with pytest.raises(MatcherError, match="没有可检索的分片"):
        search_shards(LocalBackend(), [], queries, 5)
    with pytest.raises(MatcherError, match="查询向量的形状"):
        search_shards(LocalBackend(), dirs, queries[:, :32], 5)


def test_ray_local_mode_gives_the_same_top_k(corpus, tmp_path) -> None:
    """Ray tasks build and search the shards (a throwaway 2-CPU cluster; ~7 s, mostly start-up)."""
    pytest.importorskip("ray")
    from matcher.batch import RayBackend

    backend = RayBackend("local", num_cpus=2, object_store_memory=200 << 20)
    try:
        _check_backend(backend, corpus, tmp_path)
    finally:
        backend.close()
