"""Sharded vector indexes: built and searched as batch jobs, merged into one top-k.

`build_shards` splits the vectors into contiguous parts and builds one `VectorIndex` per
part (its type chosen by `choose_index_type` for the part's size) as one batch job each,
saved under `directory/shard-NNNN/`. `search_shards` searches every shard as one job (all
queries at once) and merges the hits into one top-k per query: highest inner product
first, ties broken by id. The code path is the same on a `LocalBackend` and a
`RayBackend` (`matcher/batch.py`); on a real cluster `directory` must be a file system
every node sees (docs/scale.md).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from matcher.batch import BatchBackend
from matcher.config import Settings
from matcher.errors import MatcherError
from matcher.index.vector_index import VectorIndex

SHARD_PREFIX = "shard-"

Hit = tuple[str, float]


def shard_dir(directory: Path, number: int) -> Path:
    """The subdirectory that holds shard `number`."""
    return Path(directory) / f"{SHARD_PREFIX}{number:04d}"


def build_shards(
    backend: BatchBackend,
    ids: Sequence[str],
    vectors: np.ndarray,
    shards: int,
    settings: Settings,
    directory: Path,
) -> list[Path]:
    """Build `shards` indexes over contiguous parts of (`ids`, `vectors`) as batch jobs;
    returns their directories in order (a part may be empty when shards > len(ids))."""
    if isinstance(shards, bool) or not isinstance(shards, int) or shards < 1:
        raise MatcherError(f"分片数（shards）必须为正整数，实际为 {shards!r}")
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise MatcherError(f"向量的形状应为 [n, 维度]，实际为 {list(vectors.shape)}")
    ids = list(ids)
    if len(ids) != len(vectors):
        raise MatcherError(f"编号数（{len(ids)}）与向量数（{len(vectors)}）不一致")
    bounds = np.linspace(0, len(ids), shards + 1).round().astype(int)
    items = [
        (
            shard_dir(directory, number),
            ids[start:stop],
            vectors[start:stop],
        )
        for number, (start, stop) in enumerate(itertools.pairwise(bounds.tolist()))
    ]
    return list(backend.map(_build_job, settings, items))


def search_shards(
    backend: BatchBackend, shard_dirs: Sequence[Path], queries: np.ndarray, k: int
) -> list[list[Hit]]:
    """Top-`k` `(id, score)` per query over every shard, best first (ties by id)."""
    if k < 1:
        raise MatcherError(f"返回条数（k）必须为正整数，实际为 {k}")
    if not shard_dirs:
        raise MatcherError("没有可检索的分片（shard_dirs 为空）")
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    if queries.ndim != 2:
        raise MatcherError(f"查询向量的形状应为 [q, 维度]，实际为 {list(queries.shape)}")
    per_shard = list(backend.map(_search_job, (queries, int(k)), [Path(d) for d in shard_dirs]))
    merged: list[list[Hit]] = []
    for row in range(len(queries)):
        hits = (hit for shard in per_shard for hit in shard[row])
        merged.append(heapq.nsmallest(k, hits, key=lambda hit: (-hit[1], hit[0])))
    return merged


def _build_job(settings: Settings, item: tuple[Path, list[str], np.ndarray]) -> Path:
    """Batch job: build and save one shard's index."""
    directory, ids, vectors = item
    index = VectorIndex.for_size(vectors.shape[1], len(ids), settings)
    index.add(ids, vectors)
    directory.mkdir(parents=True, exist_ok=True)
    index.save(directory)
    return directory


def _search_job(query: tuple[np.ndarray, int], directory: Path) -> list[list[Hit]]:
    """Batch job: one shard's top-k hits for every query."""
    queries, k = query
    index = VectorIndex.load(directory)
    scores, ids = index.search(queries, k)
    return [
        [(record_id, float(score)) for record_id, score in zip(row_ids, row_scores, strict=False)]
        for row_ids, row_scores in zip(ids, scores, strict=True)
    ]
