"""`RecordCache`: parsed records by (kind, id), each kept with the row version it was read at.

A read asks the database for the current versions of the ids (primary key and one integer
column, no JSON) and parses only the rows it does not hold at that version, so a cached
record is never served stale. Least recently used entries go first beyond `capacity`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from matcher.types import Record

CAPACITY = 50_000


class RecordCache:
    """A bounded, thread-safe map (kind, id) → (version, record)."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[tuple[str, str], tuple[int, Record]] = OrderedDict()
        self._lock = threading.Lock()

    def fresh(self, kind: str, versions: dict[str, int]) -> tuple[dict[str, Record], list[str]]:
        """(records held at the stated versions, ids to read again)."""
        found: dict[str, Record] = {}
        stale: list[str] = []
        with self._lock:
            for record_id, version in versions.items():
                entry = self._entries.get((kind, record_id))
                if entry is not None and entry[0] == version:
                    self._entries.move_to_end((kind, record_id))
                    found[record_id] = entry[1]
                else:
                    stale.append(record_id)
        return found, stale

    def put(self, kind: str, version: int, record: Record) -> None:
        with self._lock:
            self._entries[(kind, record.id)] = (version, record)
            self._entries.move_to_end((kind, record.id))
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
