"""Stable mapping from string record ids to the int64 labels FAISS stores."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

from matcher.errors import MatcherError

_MASK_63 = (1 << 63) - 1


def id_to_int(record_id: str) -> int:
    """A stable non-negative int64 for `record_id` (blake2b, 8 bytes, 63 bits)."""
    digest = hashlib.blake2b(record_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & _MASK_63


def ids_to_int64(record_ids: Iterable[str]) -> np.ndarray:
    """Labels of many ids as an int64 array; two different ids with one label raise an error."""
    seen: dict[int, str] = {}
    labels = []
    for record_id in record_ids:
        label = id_to_int(record_id)
        other = seen.setdefault(label, record_id)
        if other != record_id:
            raise MatcherError(
                f"记录编号「{other}」与「{record_id}」的索引编号冲突，请修改其中一个编号"
            )
        labels.append(label)
    return np.asarray(labels, dtype=np.int64)
