"""The original float32 vectors of a compressed index, kept for exact re-ranking.

Saved as a ``.npy`` next to the FAISS file and memory-mapped read-only on load, so the
vectors stay on disk (in the shared, evictable page cache) instead of in each process's
memory: a re-ranked query reads only its short list of rows, and the mapping is advised
as random access so the kernel does not read ahead around each row. Rows added after
loading are kept in memory until the next `save`, which writes everything and maps the
new file.
"""

from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np

from matcher.atomic import atomic_path
from matcher.errors import IndexMismatchError

_COPY_ROWS = 65_536


class RawVectors:
    """Float32 rows by index position: a memory-mapped base plus rows appended since."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._base = np.zeros((0, dim), dtype=np.float32)
        self.mapped = False  # whether the base rows are a memory-mapped file
        self._tail: list[np.ndarray] = []
        self._tail_rows = 0
        self._joined: np.ndarray | None = None  # the tail as one array, built on demand

    @classmethod
    def open(cls, path: Path, dim: int) -> RawVectors:
        """The rows saved at `path`, memory-mapped read-only."""
        raw = cls(dim)
        raw._base, raw.mapped = map_rows(path, dim), True
        return raw

    def __len__(self) -> int:
        return len(self._base) + self._tail_rows

    def resident_bytes(self) -> int:
        """Bytes held in process memory (a mapped base counts as none)."""
        base = 0 if self.mapped else self._base.nbytes
        return base + self._tail_rows * self.dim * 4

    def append(self, vectors: np.ndarray) -> None:
        """Store `vectors` at the next positions."""
        self._tail.append(np.array(vectors, dtype=np.float32))
        self._tail_rows += len(vectors)
        self._joined = None

    def take(self, positions: np.ndarray) -> np.ndarray:
        """Rows at `positions` (any shape of int64), shaped positions.shape + (dim,)."""
        flat = positions.reshape(-1)
        out = np.empty((len(flat), self.dim), dtype=np.float32)
        in_base = flat < len(self._base)
        out[in_base] = self._base[flat[in_base]]
        if not in_base.all():
            out[~in_base] = self._tail_array()[flat[~in_base] - len(self._base)]
        return out.reshape(*positions.shape, self.dim)

    def save(self, path: Path) -> None:
        """Write all rows to `path` atomically (in chunks), then map that file."""
        with atomic_path(path) as tmp:
            if len(self):
                out = np.lib.format.open_memmap(
                    tmp, mode="w+", dtype=np.float32, shape=(len(self), self.dim)
                )
                for start in range(0, len(self._base), _COPY_ROWS):
                    out[start : start + _COPY_ROWS] = self._base[start : start + _COPY_ROWS]
                out[len(self._base) :] = self._tail_array()
                out.flush()
                del out
            else:
                with tmp.open("wb") as handle:
                    np.save(handle, self._base)
        self._base, self.mapped = map_rows(path, self.dim), True
        self._tail, self._tail_rows, self._joined = [], 0, None

    def _tail_array(self) -> np.ndarray:
        if self._joined is None:
            self._joined = np.concatenate([np.zeros((0, self.dim), np.float32), *self._tail])
            self._tail = [self._joined]
        return self._joined


def map_rows(path: Path, dim: int) -> np.ndarray:
    """Map the float32 rows of the ``.npy`` at `path` read-only, advised as random access;
    a file of another shape raises."""
    with path.open("rb") as handle:
        version = np.lib.format.read_magic(handle)
        read_header = {
            (1, 0): np.lib.format.read_array_header_1_0,
            (2, 0): np.lib.format.read_array_header_2_0,
        }.get(version)
        shape, fortran, dtype = read_header(handle) if read_header else ((), False, None)
        if len(shape) != 2 or shape[1] != dim or dtype != np.float32 or fortran:
            raise IndexMismatchError(
                f"原始向量文件「{path}」的形状 {list(shape)} 与索引维度 {dim} 不符，"
                "请运行 matcher index --rebuild 重建"
            )
        if shape[0] == 0:
            return np.zeros((0, dim), dtype=np.float32)
        offset = handle.tell()
        mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(mmap, "MADV_RANDOM"):
        mapping.madvise(mmap.MADV_RANDOM)
    rows = np.frombuffer(mapping, dtype=np.float32, count=shape[0] * dim, offset=offset)
    return rows.reshape(shape)
