"""The readers–writer lock: readers share, a writer is alone, writers are not starved."""

from __future__ import annotations

import threading
import time

from service.rwlock import ReadWriteLock


def test_readers_overlap():
    lock = ReadWriteLock()
    inside = threading.Barrier(2, timeout=5)

    def read():
        with lock.reading():
            inside.wait()  # both readers must be inside at once, or this times out

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not inside.broken


def test_writer_excludes_readers_and_is_reentrant():
    lock = ReadWriteLock()
    events: list[str] = []

    def read():
        with lock.reading():
            events.append("reader")

    with lock:
        with lock, lock.reading():  # re-entrant, and the writer may read
            events.append("writer")
        reader = threading.Thread(target=read)
        reader.start()
        time.sleep(0.1)
        assert events == ["writer"]  # the reader waits for the writer
    reader.join(timeout=5)
    assert events == ["writer", "reader"]


def test_waiting_writer_blocks_new_readers():
    lock = ReadWriteLock()
    order: list[str] = []
    first_reader_in = threading.Event()
    release_first = threading.Event()

    def long_reader():
        with lock.reading():
            first_reader_in.set()
            release_first.wait(5)
        order.append("reader-1 out")

    def writer():
        with lock:
            order.append("writer")

    def late_reader():
        with lock.reading():
            order.append("reader-2")

    t1 = threading.Thread(target=long_reader)
    t1.start()
    first_reader_in.wait(5)
    t2 = threading.Thread(target=writer)
    t2.start()
    time.sleep(0.1)  # the writer is now waiting
    t3 = threading.Thread(target=late_reader)
    t3.start()
    time.sleep(0.1)
    assert "reader-2" not in order  # queued behind the waiting writer
    release_first.set()
    for thread in (t1, t2, t3):
        thread.join(timeout=5)
    assert order.index("writer") < order.index("reader-2")
