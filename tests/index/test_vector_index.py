"""VectorIndex: ids, add/replace/remove for every index type, search shapes, save/load."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.config import Settings
from matcher.errors import IndexMismatchError, MatcherError
from matcher.index import ids as ids_module
from matcher.index.ids import id_to_int, ids_to_int64
from matcher.index.vector_index import (
    APPROXIMATE_TYPES,
    COMPACT_SHARE,
    IDS_FILE,
    INDEX_TYPES,
    VectorIndex,
    choose_index_type,
    suggested_nlist,
)

TYPES = INDEX_TYPES
DIM = 32


@pytest.fixture
def data(clustered_vectors) -> tuple[list[str], np.ndarray]:
    vectors = clustered_vectors(1000, DIM, 1)
    return [f"企业-{i}" for i in range(len(vectors))], vectors


def filled(index_type: str, ids: list[str], vectors: np.ndarray) -> VectorIndex:
    index = VectorIndex(DIM, index_type)
    index.add(ids, vectors)
    return index


def test_id_hash_is_stable_and_63_bit() -> None:
    assert id_to_int("E000001") == id_to_int("E000001")
    assert id_to_int("E000001") != id_to_int("E000002")
    labels = ids_to_int64([f"R{i}" for i in range(10_000)])
    assert labels.dtype == np.int64 and (labels >= 0).all()
    assert len(set(labels.tolist())) == 10_000


def test_id_collision_is_refused(monkeypatch: pytest.MonkeyPatch, data) -> None:
    # A real 63-bit collision cannot be found; force one through the hash function.
    monkeypatch.setattr(ids_module, "id_to_int", lambda record_id: 7)
    with pytest.raises(MatcherError, match="冲突"):
        ids_to_int64(["a", "b"])
    index = VectorIndex(DIM)
    index.add(["a"], data[1][:1])
    with pytest.raises(MatcherError, match="冲突"):
        index.add(["b"], data[1][1:2])
    index.add(["a"], data[1][2:3])  # the same id again is a replacement, not a collision
    assert len(index) == 1


def test_choose_index_type_by_size() -> None:
    settings = Settings(exact_index_max=100, approximate_index="ivf")
    assert choose_index_type(100, settings) == "flat"
    assert choose_index_type(101, settings) == "ivf"
    assert VectorIndex.for_size(DIM, 5000, Settings(exact_index_max=100)).index_type == "ivf"
    with pytest.raises(MatcherError, match="近似索引类型"):
        choose_index_type(101, Settings(exact_index_max=100, approximate_index="pq"))
    assert suggested_nlist(100_000) == int(4 * 100_000**0.5)
    assert suggested_nlist(50) == 1


@pytest.mark.parametrize("index_type", TYPES)
def test_each_vector_finds_its_own_id(index_type: str, data) -> None:
    ids, vectors = data
    index = filled(index_type, ids, vectors)
    assert len(index) == 1000 and "企业-5" in index
    scores, found = index.search(vectors[:50], 5)
    assert scores.shape == (50, 5) and scores.dtype == np.float32
    assert [row[0] for row in found] == ids[:50]
    np.testing.assert_allclose(scores[:, 0], 1.0, atol=1e-5)
    assert (np.diff(scores, axis=1) <= 1e-6).all()  # best first


@pytest.mark.parametrize("index_type", TYPES)
def test_add_replaces_an_existing_id(index_type: str, data) -> None:
    ids, vectors = data
    index = filled(index_type, ids, vectors)
    index.add(["企业-0"], vectors[500:501])
    assert len(index) == 1000
    _, found = index.search(vectors[:1], 3)
    assert "企业-0" not in found[0]
    scores, found = index.search(vectors[500:501], 2)
    assert set(found[0]) == {"企业-0", "企业-500"}
    np.testing.assert_allclose(scores[0], 1.0, atol=1e-5)
    np.testing.assert_allclose(index.reconstruct(["企业-0"])[0], vectors[500], atol=1e-6)


@pytest.mark.parametrize("index_type", TYPES)
def test_removed_ids_are_never_returned(index_type: str, data, tmp_path) -> None:
    ids, vectors = data
    index = filled(index_type, ids, vectors)
    removed = set(ids[:100])
    assert index.remove([*ids[:100], "没有这个编号"]) == 100
    assert len(index) == 900 and "企业-0" not in index
    for current in (index, _reloaded(index, tmp_path)):
        _, found = current.search(vectors[:200], 20)
        assert not removed & {i for row in found for i in row}
        assert [row[0] for row in found[100:]] == ids[100:200]
        assert current.ids == ids[100:]


@pytest.mark.parametrize("index_type", APPROXIMATE_TYPES)
def test_tombstones_compact_past_the_threshold(index_type: str, data) -> None:
    ids, vectors = data
    index = filled(index_type, ids, vectors)
    few = int(COMPACT_SHARE * 1000) - 10
    index.remove(ids[:few])
    assert index.tombstones == few
    index.remove(ids[few : few + 20])
    assert index.tombstones == 0 and len(index) == 1000 - few - 20
    _, found = index.search(vectors[few + 20 : few + 60], 1)
    assert [row[0] for row in found] == ids[few + 20 : few + 60]


@pytest.mark.parametrize("index_type", TYPES)
def test_empty_and_small_indexes(index_type: str, data) -> None:
    ids, vectors = data
    index = VectorIndex(DIM, index_type)
    scores, found = index.search(vectors[:3], 10)
    assert scores.shape == (3, 0) and found == [[], [], []]
    index.add(ids[:100], vectors[:100])
    index.remove(ids[3:100])
    scores, found = index.search(vectors[:2], 10)
    assert scores.shape == (2, 3)
    assert all(set(row) <= set(ids[:3]) and -1 not in row for row in found)
    assert found[0][0] == ids[0]


def test_bad_shapes_are_refused(data) -> None:
    ids, vectors = data
    index = VectorIndex(DIM)
    with pytest.raises(MatcherError, match=r"\[n, 32\]"):
        index.add(ids[:2], vectors[:2, :10])
    with pytest.raises(MatcherError, match="不一致"):
        index.add(ids[:3], vectors[:2])
    with pytest.raises(MatcherError, match="未知的索引类型"):
        VectorIndex(DIM, "lsh")


@pytest.mark.parametrize("index_type", TYPES)
def test_save_load_round_trip(index_type: str, data, tmp_path) -> None:
    ids, vectors = data
    index = filled(index_type, ids, vectors)
    index.remove(ids[:10])
    loaded = _reloaded(index, tmp_path)
    assert (loaded.index_type, loaded.nlist, loaded.nprobe) == (
        index.index_type,
        index.nlist,
        index.nprobe,
    )
    queries = vectors[::7] + 0.1
    before, after = index.search(queries, 10), loaded.search(queries, 10)
    np.testing.assert_array_equal(before[0], after[0])
    assert before[1] == after[1]
    loaded.add(["新增"], vectors[:1])  # a loaded index stays writable
    assert loaded.search(vectors[:1], 1)[1] == [["新增"]]


def test_id_list_that_disagrees_with_the_faiss_file_is_refused(data, tmp_path) -> None:
    ids, vectors = data
    filled("flat", ids, vectors).save(tmp_path)
    meta = (tmp_path / IDS_FILE).read_text(encoding="utf-8")
    (tmp_path / IDS_FILE).write_text(meta.replace('企业-1"', '企业-x"'), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="编号列表"):
        VectorIndex.load(tmp_path)


def _reloaded(index: VectorIndex, directory) -> VectorIndex:
    index.save(directory)
    return VectorIndex.load(directory)
