"""A readers–writer lock: many recommendation queries at once, or one writer.

`with lock:` takes the write side (re-entrant for its thread, which may also read), so code
written for a plain RLock keeps its meaning; `with lock.reading():` takes the read side.
A waiting writer blocks new readers, so writes are never starved.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ReadWriteLock:
    """Many readers or one re-entrant writer."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._writer: int | None = None
        self._depth = 0
        self._waiting_writers = 0

    def acquire(self) -> None:
        me = threading.get_ident()
        with self._condition:
            if self._writer == me:
                self._depth += 1
                return
            self._waiting_writers += 1
            self._condition.wait_for(lambda: self._writer is None and self._readers == 0)
            self._waiting_writers -= 1
            self._writer, self._depth = me, 1

    def release(self) -> None:
        with self._condition:
            self._depth -= 1
            if self._depth == 0:
                self._writer = None
                self._condition.notify_all()

    def __enter__(self) -> ReadWriteLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """The read side; inside the same thread's write section it just runs."""
        if self._writer == threading.get_ident():
            yield
            return
        with self._condition:
            self._condition.wait_for(lambda: self._writer is None and not self._waiting_writers)
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                if self._readers == 0:
                    self._condition.notify_all()
