"""Database backends for tests: a SQLite file, or a throw-away PostgreSQL schema.

PostgreSQL comes from `MATCHER_TEST_POSTGRES_URL` (default: trust auth on 127.0.0.1,
database `test`). When it is unreachable the tests fail, unless `MATCHER_SKIP_POSTGRES=1`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from storage.db import make_engine, upgrade
from storage.models import Base

BACKENDS = ("sqlite", "postgresql")
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    return os.environ.get("MATCHER_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def require_postgres() -> None:
    """Fail (or skip, with MATCHER_SKIP_POSTGRES=1) when PostgreSQL cannot be reached."""
    probe = create_engine(postgres_url(), connect_args={"connect_timeout": 5})
    try:
        with probe.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        message = f"PostgreSQL unreachable at {postgres_url()}: {error.orig}"
        if os.environ.get("MATCHER_SKIP_POSTGRES") == "1":
            pytest.skip(message)
        pytest.fail(f"{message}\nStart PostgreSQL or set MATCHER_SKIP_POSTGRES=1.", pytrace=False)
    finally:
        probe.dispose()


def new_schema_name() -> str:
    return f"test_{uuid.uuid4().hex[:8]}"


def drop_schema(schema: str) -> None:
    admin = create_engine(postgres_url())
    try:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    finally:
        admin.dispose()


@contextmanager
def backend_url(backend: str, tmp_path: Path | None) -> Iterator[tuple[str, str | None]]:
    """(url, schema) of an empty database on `backend` (SQLite: under `tmp_path`), removed
    afterwards."""
    if backend == "sqlite":
        assert tmp_path is not None, "SQLite needs a folder"
        yield f"sqlite:///{tmp_path / 'db' / 'matcher.db'}", None
        return
    require_postgres()
    schema = new_schema_name()
    try:
        yield postgres_url(), schema
    finally:
        drop_schema(schema)


@contextmanager
def migrated_engine(backend: str, tmp_path: Path | None = None) -> Iterator[Engine]:
    """An engine on an empty, migrated database of `backend`."""
    with backend_url(backend, tmp_path) as (url, schema):
        engine = make_engine(url, schema)
        try:
            upgrade(engine)
            yield engine
        finally:
            engine.dispose()


def empty_tables(engine: Engine) -> None:
    """Delete every row (the schema and Alembic's version stay)."""
    names = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
