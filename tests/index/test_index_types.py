"""The five index types: recall floors, memory-mapped loading, removal, exact re-ranking,
and the size rule that chooses between them (docs/index-choice.md)."""

from __future__ import annotations

import json

import faiss
import numpy as np
import pytest

from matcher.config import Settings
from matcher.errors import MatcherError
from matcher.index.ids import ids_to_int64
from matcher.index.vector_index import (
    APPROXIMATE_TYPES,
    COMPRESSED_TYPES,
    IDS_FILE,
    INDEX_FILE,
    INDEX_TYPES,
    RAW_FILE,
    VectorIndex,
    choose_index_type,
    pq_bits,
    pq_subquantizers,
    single_threaded_queries,
)

K = 10
DIM = 64
# recall@10 against exact search on 2,000 clustered vectors (measured 0.97–1.00 each)
RECALL_FLOOR = {"flat": 1.0, "hnsw": 0.95, "ivf": 0.9, "ivfpq": 0.9, "opq": 0.9}


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], np.ndarray, np.ndarray]:
    """2,000 clustered unit vectors, their ids, and 100 fresh queries from the same mix."""
    rng = np.random.default_rng(5)
    topics = rng.standard_normal((40, DIM))

    def sample(n: int) -> np.ndarray:
        mixed = topics[rng.integers(0, 40, n)] + 0.6 * rng.standard_normal((n, DIM))
        return (mixed / np.linalg.norm(mixed, axis=1, keepdims=True)).astype(np.float32)

    vectors = sample(2000)
    return [f"记录-{i}" for i in range(len(vectors))], vectors, sample(100)


def built(index_type: str, corpus, **options) -> VectorIndex:
    ids, vectors, _ = corpus
    index = VectorIndex(DIM, index_type, **options)
    index.add(ids, vectors)
    return index


def recall(got: list[list[str]], truth: list[list[str]]) -> float:
    return float(np.mean([len(set(g) & set(t)) / len(t) for g, t in zip(got, truth, strict=True)]))


@pytest.fixture(scope="module")
def truth(corpus) -> list[list[str]]:
    return built("flat", corpus).search(corpus[2], K)[1]


@pytest.mark.parametrize("index_type", INDEX_TYPES)
def test_recall_at_10_against_exact_search(index_type: str, corpus, truth) -> None:
    found = built(index_type, corpus).search(corpus[2], K)[1]
    assert recall(found, truth) >= RECALL_FLOOR[index_type]


@pytest.mark.parametrize("index_type", INDEX_TYPES)
def test_memory_mapped_load_searches_identically(index_type: str, corpus, tmp_path) -> None:
    ids, vectors, queries = corpus
    index = built(index_type, corpus)
    index.remove(ids[:50])  # tombstones (or real removals for flat) travel too
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path)
    assert loaded._mapped  # FAISS 1.15 maps every type (IO_FLAG_MMAP_IFC)
    before, after = index.search(queries, K), loaded.search(queries, K)
    np.testing.assert_array_equal(before[0], after[0])
    assert before[1] == after[1]
    assert loaded.ids == index.ids and loaded.tombstones == index.tombstones
    loaded.add(["新增"], vectors[:1])  # the first change copies the mapped index
    assert not loaded._mapped
    assert loaded.search(vectors[:1], 1)[1] == [["新增"]]
    assert VectorIndex.load(tmp_path).search(queries, K)[1] == before[1]  # file untouched


def test_an_index_faiss_cannot_map_is_read_normally(corpus, tmp_path, monkeypatch) -> None:
    index = built("ivfpq", corpus)
    index.save(tmp_path)
    plain_read = faiss.read_index

    def refuse_mapping(path: str, *flags: int):
        if flags:
            raise RuntimeError("mmap not supported here")
        return plain_read(path)

    monkeypatch.setattr(faiss, "read_index", refuse_mapping)
    loaded = VectorIndex.load(tmp_path)
    assert not loaded._mapped
    assert loaded.search(corpus[2], K)[1] == index.search(corpus[2], K)[1]


@pytest.mark.parametrize("index_type", INDEX_TYPES)
def test_removed_ids_never_come_back(index_type: str, corpus, tmp_path) -> None:
    ids, vectors, queries = corpus
    index = built(index_type, corpus)
    removed = set(ids[::7])  # 286 of 2,000: past the compaction share for tombstones
    index.remove(sorted(removed))
    index.add(["后来"], vectors[:1])
    index.save(tmp_path)
    for current in (index, VectorIndex.load(tmp_path)):
        _, found = current.search(np.vstack([queries, vectors[:200]]), 50)
        assert not removed & {i for row in found for i in row}
        assert found[100][0] == "后来"  # vectors[0]: its own id was removed, the new one found
        assert len(current) == 2000 - len(removed) + 1


@pytest.mark.parametrize("index_type", COMPRESSED_TYPES)
def test_reranking_returns_exact_inner_products(index_type: str, corpus, tmp_path) -> None:
    ids, vectors, queries = corpus
    index = built(index_type, corpus)
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path)
    assert loaded._raw is not None and loaded._raw.mapped and loaded._raw.resident_bytes() == 0
    for current in (index, loaded):
        scores, found = current.search(queries, K)
        by_id = dict(zip(ids, vectors, strict=True))
        pairs = zip(queries, found, strict=True)
        exact = np.array([[q @ by_id[i] for i in row] for q, row in pairs])
        np.testing.assert_allclose(scores, exact, rtol=0, atol=1e-5)
        assert (np.diff(scores, axis=1) <= 0).all()
    np.testing.assert_array_equal(loaded.reconstruct(ids[:5]), vectors[:5])  # the originals


@pytest.mark.parametrize("index_type", COMPRESSED_TYPES)
def test_a_longer_short_list_finds_more_true_neighbours(index_type: str, corpus, truth) -> None:
    index = built(index_type, corpus)
    index.rerank_factor = 1
    alone = recall(index.search(corpus[2], K)[1], truth)
    index.rerank_factor = 8
    assert recall(index.search(corpus[2], K)[1], truth) > alone


def test_pq_shape_follows_dim_and_training_size() -> None:
    assert pq_subquantizers(512, 64) == 64  # 8 dimensions per sub-quantizer
    assert pq_subquantizers(384, 64) == 64
    assert pq_subquantizers(64, 64) == 16  # at least 4 dimensions each
    assert pq_subquantizers(30, 64) == 6
    assert pq_bits(256 * 39) == 8 and pq_bits(10**6) == 8
    assert pq_bits(2000) == 5 and pq_bits(10) == 1


def test_choose_index_type_follows_the_size_rule() -> None:
    settings = Settings()
    exact, compressed = settings.exact_index_max, settings.compressed_index_min
    assert choose_index_type(exact, settings) == "flat"
    assert choose_index_type(exact + 1, settings) == settings.approximate_index == "ivf"
    assert choose_index_type(compressed - 1, settings) == "ivf"
    assert choose_index_type(compressed, settings) == settings.compressed_index == "opq"
    custom = Settings(
        exact_index_max=10, approximate_index="hnsw", compressed_index_min=100,
        compressed_index="ivfpq",
    )  # fmt: skip
    assert [choose_index_type(n, custom) for n in (10, 11, 99, 100)] == [
        "flat",
        "hnsw",
        "hnsw",
        "ivfpq",
    ]
    with pytest.raises(MatcherError, match="compressed_index"):
        choose_index_type(5, Settings(compressed_index="pq"))
    assert set(APPROXIMATE_TYPES) == set(INDEX_TYPES) - {"flat"}


def test_for_size_passes_the_pq_settings_on() -> None:
    settings = Settings(exact_index_max=10, compressed_index_min=100, pq_m=32, rerank_factor=6)
    index = VectorIndex.for_size(512, 500, settings)
    assert (index.index_type, index.pq_m, index.rerank_factor) == ("opq", 32, 6)
    with pytest.raises(MatcherError, match="重排倍数"):
        VectorIndex(DIM, "ivfpq", rerank_factor=0)


def test_single_threaded_queries_sets_one_faiss_thread() -> None:
    faiss.omp_set_num_threads(2)
    single_threaded_queries()
    assert faiss.omp_get_max_threads() == 1


def test_an_index_saved_before_the_compressed_types_still_loads(corpus, tmp_path) -> None:
    ids, vectors, queries = corpus
    old = faiss.IndexIDMap2(faiss.IndexFlatIP(DIM))  # the earlier wrapper and meta format
    old.add_with_ids(vectors, ids_to_int64(ids))
    faiss.write_index(old, str(tmp_path / INDEX_FILE))
    meta = {"index_type": "flat", "dim": DIM, "nlist": None, "ef_search": 64, "nprobe": None}
    (tmp_path / IDS_FILE).write_text(json.dumps({**meta, "ids": ids, "dead": []}), "utf-8")
    loaded = VectorIndex.load(tmp_path)
    assert loaded.search(queries, K)[1] == built("flat", corpus).search(queries, K)[1]
    loaded.remove(ids[:3])
    assert len(loaded) == len(ids) - 3 and not (tmp_path / RAW_FILE).exists()
