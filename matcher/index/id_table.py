"""Record ids by index position, kept in numpy arrays (about 24 bytes per vector).

A `VectorIndex` addresses vectors by their position in the inner FAISS index. This table
maps positions to record ids and live record ids back to positions. Python dicts and
strings cost about 280 bytes per vector (measured at 1,000,000 ids), more than a
compressed index itself (about 80), so the table keeps three arrays instead:

- ``_ids``: the UTF-8 record id at each position (removed positions included), fixed width;
- ``_keys``: the int64 labels (`matcher.index.ids.id_to_int`) of the live positions, sorted;
- ``_slots``: the position of each key.

A lookup hashes the id, binary-searches the keys and compares the stored id, so two ids
with one label are told apart (and refused on add). Adding or removing copies the key
arrays once per call (a few milliseconds at 1,000,000 vectors).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.errors import MatcherError
from matcher.index.ids import ids_to_int64


def _encode(ids: Sequence[str]) -> np.ndarray:
    return np.array([record_id.encode("utf-8") for record_id in ids], dtype=np.bytes_)


class IdTable:
    """Positions ↔ record ids; removed positions stay until `drop` renumbers them away."""

    def __init__(self) -> None:
        self._ids = np.zeros(0, dtype="S1")
        self._keys = np.zeros(0, dtype=np.int64)
        self._slots = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        """Live ids."""
        return len(self._keys)

    @property
    def size(self) -> int:
        """Positions in use, removed ones included."""
        return len(self._ids)

    def nbytes(self) -> int:
        """Memory the arrays hold."""
        return self._ids.nbytes + self._keys.nbytes + self._slots.nbytes

    def positions(self, ids: Sequence[str]) -> np.ndarray:
        """The position of each live id, -1 for ids not present."""
        if not len(ids) or not len(self._keys):
            return np.full(len(ids), -1, dtype=np.int64)
        labels = ids_to_int64(ids)
        at = np.minimum(np.searchsorted(self._keys, labels), len(self._keys) - 1)
        slots = self._slots[at]
        found = (self._keys[at] == labels) & (self._ids[slots] == _encode(ids))
        return np.where(found, slots, -1)

    def ids_at(self, positions: np.ndarray) -> list[str]:
        """Record ids stored at `positions`."""
        return [raw.decode("utf-8") for raw in self._ids[positions].tolist()]

    def live_positions(self) -> np.ndarray:
        """Positions of the live ids, ascending (insertion order)."""
        return np.sort(self._slots)

    def live_ids(self) -> list[str]:
        """Live record ids in insertion order."""
        return self.ids_at(self.live_positions())

    def append(self, ids: Sequence[str], labels: np.ndarray) -> None:
        """Give `ids` (absent, distinct, checked by `check_collisions`) the next positions."""
        start = len(self._ids)
        self._ids = np.concatenate([self._ids, _encode(ids)])
        self._insert(labels, np.arange(start, start + len(ids), dtype=np.int64))

    def check_collisions(self, ids: Sequence[str], labels: np.ndarray) -> None:
        """Raise when a label of `ids` belongs to a different live id."""
        if not len(self._keys):
            return
        at = np.minimum(np.searchsorted(self._keys, labels), len(self._keys) - 1)
        slots = self._slots[at]
        clash = (self._keys[at] == labels) & (self._ids[slots] != _encode(ids))
        if clash.any():
            i = int(np.flatnonzero(clash)[0])
            owner = self.ids_at(slots[i : i + 1])[0]
            raise MatcherError(
                f"记录编号「{owner}」与「{ids[i]}」的索引编号冲突，请修改其中一个编号"
            )

    def kill(self, positions: np.ndarray) -> None:
        """Forget the ids at `positions` for lookups; the positions themselves stay."""
        gone = np.zeros(len(self._ids), dtype=bool)
        gone[positions] = True
        keep = ~gone[self._slots]
        self._keys, self._slots = self._keys[keep], self._slots[keep]

    def drop(self, positions: np.ndarray) -> None:
        """Remove `positions` entirely; later positions move down to close the gaps."""
        self.kill(positions)
        kept = np.ones(len(self._ids), dtype=bool)
        kept[positions] = False
        renumber = np.cumsum(kept) - 1
        self._ids = self._ids[kept]
        self._slots = renumber[self._slots]

    def restore(self, ids: Sequence[str], labels: np.ndarray, dead: set[int]) -> None:
        """Rebuild from a saved id list (one per position) and the removed positions."""
        self._ids = _encode(ids) if len(ids) else np.zeros(0, dtype="S1")
        alive = np.ones(len(ids), dtype=bool)
        alive[np.fromiter(dead, dtype=np.int64, count=len(dead))] = False
        live = np.flatnonzero(alive)
        order = np.argsort(labels[live], kind="stable")
        self._keys, self._slots = labels[live][order], live[order]

    def all_ids(self) -> list[str]:
        """The record id at every position, removed ones included (for saving)."""
        return self.ids_at(np.arange(len(self._ids)))

    def _insert(self, labels: np.ndarray, slots: np.ndarray) -> None:
        order = np.argsort(labels, kind="stable")
        at = np.searchsorted(self._keys, labels[order])
        self._keys = np.insert(self._keys, at, labels[order])
        self._slots = np.insert(self._slots, at, slots[order])
