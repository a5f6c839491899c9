"""The lexical index: a fitted `LexicalEncoder` plus the CSR matrix of its documents.

Search is exact (sparse dot product). Documents added after `fit` are encoded with the
fitted vocabulary and idf; `changed_since_fit` counts them so the owner can refit once
the vocabulary has drifted (see `needs_refit`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from matcher.atomic import atomic_path
from matcher.embed.lexical import LexicalEncoder
from matcher.errors import IndexMismatchError, MatcherError

ENCODER_FILE = "lexical.json"
MATRIX_FILE = "matrix.npz"
IDS_FILE = "sparse.ids.json"
REFIT_SHARE = 0.2
_QUERY_BLOCK = 64


class SparseIndex:
    """Exact lexical search; `search` returns `(scores, ids)` like `VectorIndex`."""

    def __init__(self, encoder: LexicalEncoder) -> None:
        if encoder.vocabulary_ is None:
            raise MatcherError("词法编码器尚未训练（请先调用 fit）")
        self.encoder = encoder
        self.matrix = sparse.csr_matrix((0, encoder.dim), dtype=np.float32)
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._matrix_t: sparse.csr_matrix | None = None
        self.changed_since_fit = 0

    @classmethod
    def build(
        cls, ids: Sequence[str], texts: Sequence[str], encoder: LexicalEncoder | None = None
    ) -> SparseIndex:
        """Fit `encoder` (a default `LexicalEncoder` if None) on `texts` and index them."""
        index = cls((encoder or LexicalEncoder()).fit(list(texts)))
        index.add(ids, texts)
        index.changed_since_fit = 0
        return index

    @property
    def name(self) -> str:
        return self.encoder.name

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._rows

    def needs_refit(self) -> bool:
        """True once more than `REFIT_SHARE` of the documents came after the last fit."""
        return self.changed_since_fit > REFIT_SHARE * max(len(self), 1)

    def add(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        """Encode and add texts under `ids`; an id already present is replaced."""
        ids, texts = list(ids), list(texts)
        if len(ids) != len(texts):
            raise MatcherError(f"编号数（{len(ids)}）与文本数（{len(texts)}）不一致")
        last = {record_id: i for i, record_id in enumerate(ids)}
        if not last:
            return
        self.remove(list(last))
        rows = self.encoder.encode([texts[i] for i in last.values()])
        self.matrix = sparse.vstack([self.matrix, rows], format="csr", dtype=np.float32)
        self._matrix_t = None
        start = len(self._ids)
        self._ids.extend(last)
        self._rows.update((record_id, start + i) for i, record_id in enumerate(last))
        self.changed_since_fit += len(last)

    def remove(self, ids: Sequence[str]) -> int:
        """Remove ids (unknown ids are ignored); returns how many were present."""
        gone = {i for i in ids if i in self._rows}
        if not gone:
            return 0
        keep = [row for row, record_id in enumerate(self._ids) if record_id not in gone]
        self.matrix = self.matrix[keep]
        self._matrix_t = None
        self._ids = [self._ids[row] for row in keep]
        self._rows = {record_id: row for row, record_id in enumerate(self._ids)}
        return len(gone)

    def search(self, queries: sparse.csr_matrix, k: int) -> tuple[np.ndarray, list[list[str]]]:
        """Top-`k` by sparse dot product: scores float32 [q, min(k, len)] and ids per query.

        Documents sharing no term with a query score 0 and are left out of its id list
        (its unused score slots hold `-inf`).
        """
        queries = sparse.csr_matrix(queries, dtype=np.float32)
        if queries.shape[1] != self.encoder.dim:
            raise MatcherError(
                f"查询向量的维度应为 {self.encoder.dim}（词表大小），实际为 {queries.shape[1]}"
            )
        k = max(0, min(int(k), len(self)))
        scores = np.full((queries.shape[0], k), -np.inf, dtype=np.float32)
        ids: list[list[str]] = [[] for _ in range(queries.shape[0])]
        if k == 0:
            return scores, ids
        for start in range(0, queries.shape[0], _QUERY_BLOCK):
            product = (queries[start : start + _QUERY_BLOCK] @ self._transposed()).tocsr()
            for offset in range(product.shape[0]):
                lo, hi = product.indptr[offset], product.indptr[offset + 1]
                values, rows = product.data[lo:hi], product.indices[lo:hi]
                hit = values > 0
                values, rows = values[hit], rows[hit]
                if len(values) > k:
                    best = np.argpartition(-values, k - 1)[:k]
                    values, rows = values[best], rows[best]
                order = np.lexsort((rows, -values))  # score descending, then insertion order
                scores[start + offset, : len(order)] = values[order]
                ids[start + offset] = [self._ids[r] for r in rows[order]]
        return scores, ids

    def score(self, query: sparse.csr_matrix, ids: Sequence[str]) -> np.ndarray:
        """Exact scores of one query (a [1, dim] CSR row) against `ids`: float32 [len(ids)]."""
        query = sparse.csr_matrix(query, dtype=np.float32)
        if query.shape != (1, self.encoder.dim):
            raise MatcherError(f"查询应为 1 × {self.encoder.dim} 的稀疏向量，实际为 {query.shape}")
        missing = [i for i in ids if i not in self._rows]
        if missing:
            raise MatcherError(f"词法索引中没有记录「{missing[0]}」")
        rows = self.matrix[[self._rows[i] for i in ids]]
        return np.asarray((rows @ query.T).toarray(), dtype=np.float32).ravel()

    def search_texts(self, texts: Sequence[str], k: int) -> tuple[np.ndarray, list[list[str]]]:
        """`search` for raw query texts, encoded with this index's fitted encoder."""
        return self.search(self.encoder.encode(list(texts)), k)

    def _transposed(self) -> sparse.csr_matrix:
        if self._matrix_t is None:
            self._matrix_t = self.matrix.T.tocsr()
        return self._matrix_t

    def save(self, directory: Path) -> list[Path]:
        """Write encoder state, matrix and ids atomically; returns the three paths."""
        directory = Path(directory)
        paths = [directory / ENCODER_FILE, directory / MATRIX_FILE, directory / IDS_FILE]
        self.encoder.save(paths[0])
        with atomic_path(paths[1]) as tmp, tmp.open("wb") as handle:
            sparse.save_npz(handle, self.matrix, compressed=False)
        meta = {"ids": self._ids, "changed_since_fit": self.changed_since_fit}
        with atomic_path(paths[2]) as tmp:
            tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return paths

    @classmethod
    def load(cls, directory: Path) -> SparseIndex:
        """Read an index written by `save`."""
        directory = Path(directory)
        index = cls(LexicalEncoder.load(directory / ENCODER_FILE))
        index.matrix = sparse.load_npz(directory / MATRIX_FILE).tocsr()
        meta = json.loads((directory / IDS_FILE).read_text(encoding="utf-8"))
        index._ids = list(meta["ids"])
        index._rows = {record_id: row for row, record_id in enumerate(index._ids)}
        index.changed_since_fit = int(meta["changed_since_fit"])
        if index.matrix.shape != (len(index._ids), index.encoder.dim):
            raise IndexMismatchError(
                f"词法索引「{directory}」的矩阵与编号列表不一致，"
                "请运行 matcher index --rebuild 重建"
            )
        return index
