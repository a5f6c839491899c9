"""Write transactions that read what they are about to change without racing other writers.

On PostgreSQL a transaction reads the rows it will change with `SELECT ... FOR UPDATE`, which
locks them until it ends. SQLite ignores `FOR UPDATE`, and its driver only starts a
transaction at the first write, so a read before it is not protected at all; `BEGIN
IMMEDIATE` takes the database's write lock up front instead (other writers wait, up to the
busy timeout; readers go on under WAL).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the write lock (SQLite) from its start;
    committed when the block ends, rolled back when it raises."""
    with engine.connect() as connection, connection.begin():
        if connection.dialect.name == "sqlite":  # the driver has not sent BEGIN yet
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield connection
