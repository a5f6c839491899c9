"""A FAISS inner-product index over L2-normalised vectors, addressed by string record ids.

Every index is a `faiss.IndexIDMap` around one of five inner indexes (the figures that
chose them and the size rule are in docs/index-choice.md):

- ``flat``: exact `IndexFlatIP`;
- ``hnsw``: `IndexHNSWFlat` (M=32, efConstruction=80, efSearch=256);
- ``ivf``: `IndexIVFFlat` with nlist ≈ 4·√n, nprobe ≈ √nlist (`suggested_nprobe`);
- ``ivfpq``: `IndexIVFPQ` (`PQ_M` one-byte codes per vector), then exact re-ranking;
- ``opq``: an `OPQMatrix` rotation before the same IVF-PQ, then exact re-ranking.

IVF indexes train on a sample of the first vectors added (`IVF_TRAIN_PER_LIST` per list).

Re-ranking (``ivfpq``, ``opq``). The compressed index proposes a short list of
``rerank_factor × k`` candidates (default 16 × k); their exact inner products with the
query are computed from the original float vectors and the best k returned, so returned
scores are exact. The originals are saved next to the index (`RAW_FILE`) and
memory-mapped on load: they stay in the shared page cache, not in each process.

Loading memory-maps the FAISS file (`faiss.IO_FLAG_MMAP_IFC`: the vector codes and
inverted lists are views of the file, shared read-only by every process that loads it;
HNSW's graph is still read into memory). Where FAISS cannot map a file it is read
normally. A mapped index cannot change in place, so the first add or removal copies it
into process memory.

Queries. A one-query search gains nothing from more OpenMP threads and on a busy machine
loses a lot, so a serving process calls `single_threaded_queries()` once at start.

Removal. `IndexHNSWFlat` cannot remove vectors, and removing from the IVF indexes would
leave positions out of step, so for every type but ``flat`` a removed (or replaced)
vector becomes a tombstone: its position is excluded at search time by a FAISS
`IDSelector` passed to the inner index, so it never appears in results and no
over-fetching is needed. When tombstones exceed `COMPACT_SHARE` of the stored vectors
the index is rebuilt from the live vectors (IVF retrained with nlist and nprobe derived
afresh). ``flat`` removes vectors for real.
"""

from __future__ import annotations

import ctypes
import json
import math
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from matcher.atomic import atomic_path
from matcher.config import Settings
from matcher.errors import IndexMismatchError, MatcherError
from matcher.index.id_table import IdTable
from matcher.index.ids import id_to_int, ids_to_int64
from matcher.index.raw_vectors import RawVectors

INDEX_TYPES: tuple[str, ...] = ("flat", "hnsw", "ivf", "ivfpq", "opq")
APPROXIMATE_TYPES: tuple[str, ...] = INDEX_TYPES[1:]
COMPRESSED_TYPES: tuple[str, ...] = ("ivfpq", "opq")
IVF_TYPES: tuple[str, ...] = ("ivf", *COMPRESSED_TYPES)
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 256
PQ_M = 64
PQ_NBITS = 8
PQ_MIN_SUBDIM = 4
RERANK_FACTOR = 16  # docs/index-choice.md: at 1,000,000, 0.944 → 0.966 recall@10 over 8·k
IVF_TRAIN_PER_LIST = 64
MIN_TRAIN_PER_CENTROID = 39  # FAISS warns below this many training vectors per centroid
COMPACT_SHARE = 0.2
INDEX_FILE = "vectors.faiss"
IDS_FILE = "vectors.ids.json"
RAW_FILE = "vectors.raw.npy"
_RECONSTRUCT_BATCH = 65_536
_RERANK_FLOATS = 1 << 20  # candidate rows gathered at once: 4 MiB, so memory stays flat


def single_threaded_queries() -> None:
    """Run FAISS on one OpenMP thread in this process; a serving process calls it at start.

    Process-wide (index builds in the same process become single-threaded too). One query
    gains nothing from more threads, and on a busy 2-core machine OpenMP's spin-waiting
    made a one-query exact search 20× slower; serve more queries with more processes,
    which share the memory-mapped indexes.
    """
    faiss.omp_set_num_threads(1)


def choose_index_type(n: int, settings: Settings) -> str:
    """``flat`` up to `exact_index_max` vectors, `approximate_index` up to
    `compressed_index_min`, `compressed_index` above (the rule: docs/index-choice.md)."""
    for name, value in (
        ("approximate_index", settings.approximate_index),
        ("compressed_index", settings.compressed_index),
    ):
        if value not in APPROXIMATE_TYPES:
            raise MatcherError(
                f"未知的近似索引类型「{value}」（{name}），可选：{'、'.join(APPROXIMATE_TYPES)}"
            )
    if n <= settings.exact_index_max:
        return "flat"
    if n < settings.compressed_index_min:
        return settings.approximate_index
    return settings.compressed_index


def suggested_nlist(n: int) -> int:
    """IVF list count: about 4·√n, but never fewer than 39 training vectors per list."""
    return max(1, min(int(4 * math.sqrt(n)), n // MIN_TRAIN_PER_CENTROID))


def suggested_nprobe(nlist: int) -> int:
    """Lists probed per query: about √nlist, at least 16 (docs/index-choice.md: recall@10
    ≈ 0.96 at 100,000 and 1,000,000 vectors, where 1/32 of the lists cost twice as much at
    1,000,000 for 0.03 more)."""
    return min(nlist, max(16, round(math.sqrt(nlist))))


def pq_subquantizers(dim: int, wanted: int) -> int:
    """PQ sub-quantizers: the largest divisor of `dim` not above `wanted` that leaves each
    at least `PQ_MIN_SUBDIM` dimensions (PQ splits a vector evenly)."""
    most = max(1, min(wanted, dim // PQ_MIN_SUBDIM))
    return max(m for m in range(1, most + 1) if dim % m == 0)


def pq_bits(train_rows: int) -> int:
    """Bits per PQ code: 8, or fewer when too few vectors train 256 centroids each."""
    return max(1, min(PQ_NBITS, int(math.log2(max(1, train_rows / MIN_TRAIN_PER_CENTROID)))))


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
        pq_m: int = PQ_M,
        rerank_factor: int = RERANK_FACTOR,
    ) -> None:
        if index_type not in INDEX_TYPES:
            raise MatcherError(f"未知的索引类型「{index_type}」，可选：{'、'.join(INDEX_TYPES)}")
        if rerank_factor < 1:
            raise MatcherError(f"重排倍数必须为正整数，实际为 {rerank_factor}")
        self.dim = int(dim)
        self.index_type = index_type
        self.nlist = nlist
        self.ef_search = ef_search
        self.nprobe = nprobe
        self.pq_m = pq_subquantizers(self.dim, pq_m)
        self.pq_nbits = PQ_NBITS
        self.rerank_factor = rerank_factor
        self._index = faiss.IndexIDMap(self._make_inner(nlist or 1))
        self._mapped = False  # the FAISS data are read-only views of the loaded file
        self._table = IdTable()
        self._dead: set[int] = set()  # tombstoned positions (every type but flat)
        self._selector: tuple | None = None
        self._raw = RawVectors(self.dim) if self.compressed else None

    @classmethod
    def for_size(
        cls, dim: int, n: int, settings: Settings, index_type: str | None = None
    ) -> VectorIndex:
        """An index whose type suits `n` vectors under `settings` (or `index_type` if given)."""
        return cls(
            dim,
            index_type or choose_index_type(n, settings),
            pq_m=settings.pq_m,
            rerank_factor=settings.rerank_factor,
        )

    @property
    def compressed(self) -> bool:
        """Whether the index stores PQ codes and re-ranks with the original vectors."""
        return self.index_type in COMPRESSED_TYPES

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, record_id: object) -> bool:
        return isinstance(record_id, str) and self._table.positions([record_id])[0] >= 0

    @property
    def ids(self) -> list[str]:
        """Live record ids, in insertion order."""
        return self._table.live_ids()

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
        self._table.check_collisions(ids, labels)
        self.remove(ids)
        self._writable()
        if self.index_type in IVF_TYPES and not self._index.is_trained:
            self._train(vectors)
        self._index.add_with_ids(vectors, labels)
        self._table.append(ids, labels)
        if self._raw is not None:
            self._raw.append(vectors)

    def remove(self, ids: Sequence[str]) -> int:
        """Remove ids (unknown ids are ignored); returns how many were present."""
        unique = list(dict.fromkeys(ids))
        positions = self._table.positions(unique)
        present = [i for i, p in zip(unique, positions.tolist(), strict=True) if p >= 0]
        positions = positions[positions >= 0]
        if not present:
            return 0
        if self.index_type == "flat":
            self._writable()
            self._index.remove_ids(faiss.IDSelectorBatch(ids_to_int64(present)))
            self._table.drop(positions)
        else:
            self._table.kill(positions)
            self._dead.update(positions.tolist())
            self._selector = None
            if len(self._dead) > COMPACT_SHARE * self._index.ntotal:
                self.compact()
        return len(present)

    def compact(self) -> None:
        """Rebuild the inner index from the live vectors, dropping tombstones."""
        ids = self.ids
        vectors = self.reconstruct(ids)
        fresh = VectorIndex(
            self.dim,
            self.index_type,
            ef_search=self.ef_search,
            pq_m=self.pq_m,
            rerank_factor=self.rerank_factor,
        )  # IVF: nlist and nprobe refit
        fresh.add(ids, vectors)
        self.__dict__.update(fresh.__dict__)  # adopt the rebuilt state in place

    def reconstruct(self, ids: Sequence[str]) -> np.ndarray:
        """The stored vectors of `ids`, float32 [len(ids), dim] (originals for PQ types)."""
        positions = self._table.positions(list(ids))
        if (positions < 0).any():
            missing = list(ids)[int(np.flatnonzero(positions < 0)[0])]
            raise MatcherError(f"索引中没有记录「{missing}」")
        if self._raw is not None:
            return self._raw.take(positions)
        out = np.empty((len(positions), self.dim), dtype=np.float32)
        for start in range(0, len(positions), _RECONSTRUCT_BATCH):
            chunk = positions[start : start + _RECONSTRUCT_BATCH]
            out[start : start + len(chunk)] = self._index.index.reconstruct_batch(chunk)
        return out

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[list[str]]]:
        """Top-`k` by inner product: scores float32 [q, min(k, len)] and ids per query.

        A row whose index returns fewer hits (possible with approximate indexes) has a
        shorter id list and `-inf` in the unused score slots; no placeholder id leaks out.
        Compressed types return exact inner products (re-ranked, see the module docs).
        """
        queries = self._check_vectors(queries, "查询向量")
        k = min(int(k), len(self))
        if k <= 0:
            return np.zeros((len(queries), 0), dtype=np.float32), [[] for _ in queries]
        if self.compressed:
            scores, positions = self._reranked(queries, k)
        else:
            scores, positions = self._index.index.search(queries, k, params=self._params(k))
        ids: list[list[str]] = []
        for row_scores, row in zip(scores, positions, strict=True):
            found = row >= 0
            row_scores[~found] = -np.inf
            ids.append(self._table.ids_at(row[found]))
        return scores, ids

    def save(self, directory: Path) -> list[Path]:
        """Write the FAISS file, the id list (and the original vectors for PQ types)
        atomically; returns the paths written."""
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
            "pq_m": self.pq_m,
            "pq_nbits": self.pq_nbits,
            "rerank_factor": self.rerank_factor,
            "ids": self._table.all_ids(),
            "dead": sorted(self._dead),
        }
        with atomic_path(ids_path) as tmp:
            tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        if self._raw is None:
            return [index_path, ids_path]
        self._raw.save(directory / RAW_FILE)
        return [index_path, ids_path, directory / RAW_FILE]

    @classmethod
    def load(cls, directory: Path) -> VectorIndex:
        """Read an index written by `save` (memory-mapped where FAISS can); ids that
        disagree with the FAISS file are refused."""
        index = cls._read(Path(directory))
        release_freed_memory()  # the parsed id list is gone by now
        return index

    @classmethod
    def _read(cls, directory: Path) -> VectorIndex:
        meta = json.loads((directory / IDS_FILE).read_text(encoding="utf-8"))
        index = cls(
            meta["dim"],
            meta["index_type"],
            nlist=meta["nlist"],
            ef_search=meta["ef_search"],
            nprobe=meta["nprobe"],
            pq_m=meta.get("pq_m", PQ_M),
            rerank_factor=meta.get("rerank_factor", RERANK_FACTOR),
        )
        index.pq_nbits = meta.get("pq_nbits", PQ_NBITS)
        index._index, index._mapped = read_index(directory / INDEX_FILE)
        ids = meta["ids"]
        labels = np.fromiter(map(id_to_int, ids), dtype=np.int64, count=len(ids))
        if not np.array_equal(faiss.vector_to_array(index._index.id_map), labels):
            raise IndexMismatchError(
                f"索引「{directory}」的编号列表与向量文件不一致，"
                "请运行 matcher index --rebuild 重建"
            )
        index._dead = set(meta["dead"])
        index._table.restore(ids, labels, index._dead)
        if index.compressed:
            index._raw = RawVectors.open(directory / RAW_FILE, index.dim)
            if len(index._raw) != len(ids):
                raise IndexMismatchError(
                    f"索引「{directory}」的原始向量数与编号列表不一致，"
                    "请运行 matcher index --rebuild 重建"
                )
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
        if self.index_type == "ivf":
            ivf = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
            ivf.set_direct_map_type(faiss.DirectMap.Array)  # reconstruct by position
        else:
            ivf = faiss.IndexIVFPQ(
                quantizer, self.dim, nlist, self.pq_m, self.pq_nbits, faiss.METRIC_INNER_PRODUCT
            )
        _own(ivf, quantizer)
        if self.index_type != "opq":
            return ivf
        rotation = faiss.OPQMatrix(self.dim, self.pq_m)
        rotation.pq = faiss.ProductQuantizer(self.dim, self.pq_m, self.pq_nbits)
        self._opq_pq = rotation.pq  # the rotation's training borrows it; keep it alive
        inner = faiss.IndexPreTransform(rotation, ivf)
        _own(inner, rotation, ivf)
        return inner

    def _train(self, vectors: np.ndarray) -> None:
        nlist = min(self.nlist or suggested_nlist(len(vectors)), len(vectors))
        self.nlist = nlist
        self.nprobe = self.nprobe or suggested_nprobe(nlist)
        sample = vectors
        limit = nlist * IVF_TRAIN_PER_LIST
        if len(vectors) > limit:
            rows = np.random.default_rng(0).choice(len(vectors), limit, replace=False)
            sample = vectors[np.sort(rows)]
        if self.compressed:
            self.pq_nbits = pq_bits(len(sample))
            least = MIN_TRAIN_PER_CENTROID * 2**self.pq_nbits
            if len(sample) < least:  # a tiny index: repeat its rows so k-means can train
                sample = np.resize(sample, (least, self.dim))
        self._index = faiss.IndexIDMap(self._make_inner(nlist))
        self._index.train(sample)

    def _reranked(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k among the compressed index's `rerank_factor × k` candidates."""
        assert self._raw is not None
        short = min(len(self), self.rerank_factor * k)
        _, candidates = self._index.index.search(queries, short, params=self._params(short))
        scores = np.empty((len(queries), k), dtype=np.float32)
        positions = np.empty((len(queries), k), dtype=np.int64)
        step = max(1, _RERANK_FLOATS // (short * self.dim))
        for start in range(0, len(queries), step):
            block = candidates[start : start + step]
            rows = self._raw.take(np.maximum(block, 0))
            exact = np.einsum("qd,qsd->qs", queries[start : start + step], rows)
            exact[block < 0] = -np.inf
            best = np.argsort(-exact, axis=1, kind="stable")[:, :k]
            scores[start : start + len(block)] = np.take_along_axis(exact, best, axis=1)
            positions[start : start + len(block)] = np.take_along_axis(block, best, axis=1)
        return scores, positions

    def _params(self, k: int) -> faiss.SearchParameters | None:
        if self._dead and self._selector is None:
            batch = faiss.IDSelectorBatch(np.fromiter(self._dead, dtype=np.int64))
            self._selector = (batch, faiss.IDSelectorNot(batch))  # keep both alive
        selector = self._selector[1] if self._dead and self._selector else None
        if self.index_type == "hnsw":
            return faiss.SearchParametersHNSW(efSearch=max(self.ef_search, k), sel=selector)
        if self.index_type == "flat":
            return None
        ivf = faiss.SearchParametersIVF(nprobe=self.nprobe or 1, sel=selector)
        if self.index_type != "opq":
            return ivf
        params = faiss.SearchParametersPreTransform(index_params=ivf)
        params.referenced_objects = [ivf]  # the C++ object only points at it
        return params

    def _writable(self) -> None:
        """Copy a memory-mapped FAISS index into process memory before changing it."""
        if self._mapped:
            self._index = faiss.deserialize_index(faiss.serialize_index(self._index))
            self._mapped = False

    def _check_vectors(self, vectors: np.ndarray, what: str) -> np.ndarray:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise MatcherError(f"{what}的形状应为 [n, {self.dim}]，实际为 {list(vectors.shape)}")
        return vectors


def read_index(path: Path) -> tuple[faiss.Index, bool]:
    """The FAISS index at `path`, memory-mapped read-only where FAISS supports it; the flag
    says whether it is mapped."""
    flag = getattr(faiss, "IO_FLAG_MMAP_IFC", None)
    if flag is not None:
        try:
            return faiss.read_index(str(path), flag), True
        except RuntimeError:
            pass  # a format or file system FAISS cannot map: read it normally below
    return faiss.read_index(str(path)), False


def release_freed_memory() -> None:
    """Return the C heap's freed pages to the OS (glibc; elsewhere nothing happens).

    Loading 1,000,000 ids leaves ~40 MB of freed temporaries in the heap that would
    otherwise stay resident in every worker (measured: 71 MB private after a load, 32 MB
    after trimming), as much as the PQ codes of 500,000 vectors.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.malloc_trim(0)


def _own(parent: faiss.Index, *children: object) -> None:
    """Let the C++ `parent` free `children` (created in Python) when it is freed."""
    parent.own_fields = True
    for child in children:
        child.this.disown()
