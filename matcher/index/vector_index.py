"""A FAISS inner-product index over L2-normalised vectors, addressed by string record ids.

Every index is a `faiss.IndexIDMap2` around one of three inner indexes:

- ``flat``: exact `IndexFlatIP`, used up to `Settings.exact_index_max` vectors;
- ``hnsw``: `IndexHNSWFlat` (M=32, efConstruction=80, efSearch=64);
- ``ivf``: `IndexIVFFlat` with nlist ≈ 4·√n, trained on a sample of the first vectors
  added, nprobe = max(16, nlist/32).

Defaults were chosen with `benchmarks/bench_index.py` (see docs/benchmarks.md).

Removal. `IndexHNSWFlat` cannot remove vectors, and `IndexIDMap2.remove_ids` over an
`IndexIVFFlat` leaves the inner list ids out of step with the id map, so for ``hnsw`` and
``ivf`` a removed (or replaced) vector becomes a tombstone: its position is excluded at
search time by a FAISS `IDSelector` passed to the inner index, so it never appears in
results and no over-fetching is needed. When tombstones exceed
`COMPACT_SHARE` of the stored vectors the index is rebuilt from the live vectors
(reconstructed from the index itself; IVF is retrained with nlist and nprobe derived
afresh). ``flat`` removes vectors for real.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from matcher.atomic import atomic_path
from matcher.config import Settings
from matcher.errors import IndexMismatchError, MatcherError
from matcher.index.ids import id_to_int, ids_to_int64

INDEX_TYPES: tuple[str, ...] = ("flat", "hnsw", "ivf")
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64
IVF_TRAIN_PER_LIST = 64
COMPACT_SHARE = 0.2
INDEX_FILE = "vectors.faiss"
IDS_FILE = "vectors.ids.json"
_RECONSTRUCT_BATCH = 65_536


def choose_index_type(n: int, settings: Settings) -> str:
    """``flat`` up to `settings.exact_index_max` vectors, else `settings.approximate_index`."""
    if n <= settings.exact_index_max:
        return "flat"
    if settings.approximate_index not in ("hnsw", "ivf"):
        raise MatcherError(f"未知的近似索引类型「{settings.approximate_index}」，可选：hnsw、ivf")
    return settings.approximate_index


def suggested_nlist(n: int) -> int:
    """IVF list count: about 4·√n, but never fewer than 39 training vectors per list."""
    return max(1, min(int(4 * math.sqrt(n)), n // 39))


def suggested_nprobe(nlist: int) -> int:
    """Lists probed per query: 1/32 of the lists, at least 16 (see docs/benchmarks.md)."""
    return min(nlist, max(16, nlist // 32))


class VectorIndex:
    """String-id vector index; `search` returns `(scores, ids)` like FAISS contrib."""

    def __init__(
        self,
        dim: int,
        index_type: str = "flat",
        *,
        nlist: int | None = None,
        ef_search: int = HNSW_EF_SEARCH,
        nprobe: int | None = None,
    ) -> None:
        if index_type not in INDEX_TYPES:
            raise MatcherError(f"未知的索引类型「{index_type}」，可选：{'、'.join(INDEX_TYPES)}")
        self.dim = int(dim)
        self.index_type = index_type
        self.nlist = nlist
        self.ef_search = ef_search
        self.nprobe = nprobe
        self._index = faiss.IndexIDMap2(self._make_inner(nlist or 1))
        self._ids: list[str] = []  # record id stored at each position of the inner index
        self._dead: set[int] = set()  # tombstoned positions (hnsw, ivf)
        self._positions: dict[str, int] = {}  # live record id -> position
        self._owners: dict[int, str] = {}  # int64 label -> live record id
        self._selector: tuple | None = None

    @classmethod
    def for_size(
        cls, dim: int, n: int, settings: Settings, index_type: str | None = None
    ) -> VectorIndex:
        """An index whose type suits `n` vectors under `settings` (or `index_type` if given)."""
        return cls(dim, index_type or choose_index_type(n, settings))

    def __len__(self) -> int:
        return len(self._positions)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._positions

    @property
    def ids(self) -> list[str]:
        """Live record ids, in insertion order."""
        return [self._ids[p] for p in sorted(self._positions.values())]

    @property
    def tombstones(self) -> int:
        """How many stored vectors are removed but not yet compacted away."""
        return len(self._dead)

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Add vectors under `ids`; an id already present is replaced."""
        ids = list(ids)
        vectors = self._check_vectors(vectors, "向量")
        if len(ids) != len(vectors):
            raise MatcherError(f"编号数（{len(ids)}）与向量数（{len(vectors)}）不一致")
        if not ids:
            return
        last = {record_id: i for i, record_id in enumerate(ids)}  # the last copy of an id wins
        if len(last) < len(ids):
            ids = list(last)
            vectors = vectors[list(last.values())]
        labels = ids_to_int64(ids)
        self._check_collisions(ids, labels)
        self.remove([i for i in ids if i in self._positions])
        if self.index_type == "ivf" and not self._index.is_trained:
            self._train(vectors)
        start = self._index.ntotal
        self._index.add_with_ids(vectors, labels)
        self._ids.extend(ids)
        self._positions.update((record_id, start + i) for i, record_id in enumerate(ids))
        self._owners.update(zip(labels.tolist(), ids, strict=True))

    def remove(self, ids: Sequence[str]) -> int:
        """Remove ids (unknown ids are ignored); returns how many were present."""
        present = [i for i in dict.fromkeys(ids) if i in self._positions]
        if not present:
            return 0
        for label in ids_to_int64(present).tolist():
            del self._owners[label]
        if self.index_type == "flat":
            self._index.remove_ids(faiss.IDSelectorBatch(ids_to_int64(present)))
            gone = set(present)
            self._ids = [i for i in self._ids if i not in gone]
            self._positions = {record_id: p for p, record_id in enumerate(self._ids)}
        else:
            self._dead.update(self._positions.pop(i) for i in present)
            self._selector = None
            if len(self._dead) > COMPACT_SHARE * self._index.ntotal:
                self.compact()
        return len(present)

    def compact(self) -> None:
        """Rebuild the inner index from the live vectors, dropping tombstones."""
        ids = self.ids
        vectors = self.reconstruct(ids)
        fresh = VectorIndex(self.dim, self.index_type, ef_search=self.ef_search)  # IVF: nlist refit
        fresh.add(ids, vectors)
        self.__dict__.update(fresh.__dict__)  # adopt the rebuilt state in place

    def reconstruct(self, ids: Sequence[str]) -> np.ndarray:
        """The stored vectors of `ids`, float32 [len(ids), dim]."""
        positions = np.asarray([self._position(i) for i in ids], dtype=np.int64)
        out = np.empty((len(positions), self.dim), dtype=np.float32)
        for start in range(0, len(positions), _RECONSTRUCT_BATCH):
            chunk = positions[start : start + _RECONSTRUCT_BATCH]
            out[start : start + len(chunk)] = self._index.index.reconstruct_batch(chunk)
        return out

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[list[str]]]:
        """Top-`k` by inner product: scores float32 [q, min(k, len)] and ids per query.

        A row whose index returns fewer hits (possible with approximate indexes) has a
        shorter id list and `-inf` in the unused score slots; no placeholder id leaks out.
        """
        queries = self._check_vectors(queries, "查询向量")
        k = min(int(k), len(self))
        if k <= 0:
            return np.zeros((len(queries), 0), dtype=np.float32), [[] for _ in queries]
        scores, positions = self._index.index.search(queries, k, params=self._search_params(k))
        ids: list[list[str]] = []
        for row_scores, row in zip(scores, positions, strict=True):
            found = row >= 0
            row_scores[~found] = -np.inf
            ids.append([self._ids[p] for p in row[found]])
        return scores, ids

    def save(self, directory: Path) -> list[Path]:
        """Write the FAISS file and the id list atomically; returns the two paths."""
        directory = Path(directory)
        index_path, ids_path = directory / INDEX_FILE, directory / IDS_FILE
        with atomic_path(index_path) as tmp:
            faiss.write_index(self._index, str(tmp))
        meta = {
            "index_type": self.index_type,
            "dim": self.dim,
            "nlist": self.nlist,
            "ef_search": self.ef_search,
            "nprobe": self.nprobe,
            "ids": self._ids,
            "dead": sorted(self._dead),
        }
        with atomic_path(ids_path) as tmp:
            tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return [index_path, ids_path]

    @classmethod
    def load(cls, directory: Path) -> VectorIndex:
        """Read an index written by `save`; ids that disagree with the FAISS file are refused."""
        directory = Path(directory)
        meta = json.loads((directory / IDS_FILE).read_text(encoding="utf-8"))
        index = cls(
            meta["dim"],
            meta["index_type"],
            nlist=meta["nlist"],
            ef_search=meta["ef_search"],
            nprobe=meta["nprobe"],
        )
        index._index = faiss.read_index(str(directory / INDEX_FILE))
        index._ids = list(meta["ids"])
        index._dead = set(meta["dead"])
        labels = np.fromiter(map(id_to_int, index._ids), dtype=np.int64, count=len(index._ids))
        if not np.array_equal(faiss.vector_to_array(index._index.id_map), labels):
            raise IndexMismatchError(
                f"索引「{directory}」的编号列表与向量文件不一致，"
                "请运行 matcher index --rebuild 重建"
            )
        live = [p for p in range(len(index._ids)) if p not in index._dead]
        index._positions = {index._ids[p]: p for p in live}
        index._owners = {int(labels[p]): index._ids[p] for p in live}
        return index

    def _make_inner(self, nlist: int) -> faiss.Index:
        if self.index_type == "flat":
            return faiss.IndexFlatIP(self.dim)
        if self.index_type == "hnsw":
            inner = faiss.IndexHNSWFlat(self.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = self.ef_search
            return inner
        quantizer = faiss.IndexFlatIP(self.dim)
        inner = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
        inner.own_fields = True  # the IVF index frees its quantizer
        quantizer.this.disown()
        inner.set_direct_map_type(faiss.DirectMap.Array)  # reconstruct by position
        return inner

    def _train(self, vectors: np.ndarray) -> None:
        nlist = min(self.nlist or suggested_nlist(len(vectors)), len(vectors))
        self.nlist = nlist
        self.nprobe = self.nprobe or suggested_nprobe(nlist)
        self._index = faiss.IndexIDMap2(self._make_inner(nlist))
        sample = vectors
        limit = nlist * IVF_TRAIN_PER_LIST
        if len(vectors) > limit:
            rows = np.random.default_rng(0).choice(len(vectors), limit, replace=False)
            sample = vectors[np.sort(rows)]
        self._index.train(sample)

    def _search_params(self, k: int) -> faiss.SearchParameters | None:
        if self._dead and self._selector is None:
            batch = faiss.IDSelectorBatch(np.fromiter(self._dead, dtype=np.int64))
            self._selector = (batch, faiss.IDSelectorNot(batch))  # keep both alive
        selector = self._selector[1] if self._dead and self._selector else None
        if self.index_type == "hnsw":
            return faiss.SearchParametersHNSW(efSearch=max(self.ef_search, k), sel=selector)
        if self.index_type == "ivf":
            return faiss.SearchParametersIVF(nprobe=self.nprobe or 1, sel=selector)
        return None

    def _position(self, record_id: str) -> int:
        try:
            return self._positions[record_id]
        except KeyError:
            raise MatcherError(f"索引中没有记录「{record_id}」") from None

    def _check_vectors(self, vectors: np.ndarray, what: str) -> np.ndarray:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise MatcherError(f"{what}的形状应为 [n, {self.dim}]，实际为 {list(vectors.shape)}")
        return vectors

    def _check_collisions(self, ids: list[str], labels: np.ndarray) -> None:
        for record_id, label in zip(ids, labels.tolist(), strict=True):
            owner = self._owners.get(label, record_id)
            if owner != record_id:
                raise MatcherError(
                    f"记录编号「{owner}」与「{record_id}」的索引编号冲突，请修改其中一个编号"
                )
