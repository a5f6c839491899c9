"""Every storage test runs on SQLite (a new file per test) and on PostgreSQL (one schema
per test session and worker, migrated once and emptied before each test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.storage.backends import BACKENDS, empty_tables, migrated_engine


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    with migrated_engine("postgresql") as engine:
        yield engine


@pytest.fixture
def engine(request, backend, tmp_path) -> Iterator[Engine]:
    """An empty, migrated database on `backend`."""
    if backend == "sqlite":
        with migrated_engine(backend, tmp_path) as engine:
            yield engine
    else:
        engine = request.getfixturevalue("postgres_engine")
        empty_tables(engine)
        yield engine
