"""Engines (SQLite file or PostgreSQL, optionally in one schema) and migrations to head."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url, text

from matcher.errors import MatcherError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str, schema: str | None = None) -> Engine:
    """An engine for a SQLite file or PostgreSQL (`postgresql+psycopg://...`).

    SQLite: the file's folder is created, WAL journal, foreign keys on, usable from any
    thread. PostgreSQL with `schema`: the schema is created when missing and is the only
    entry of every connection's `search_path`, so all tables (Alembic's too) live there.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if schema is not None:
            raise MatcherError("SQLite 数据库不支持 schema（database_schema 只用于 PostgreSQL）")
        return _sqlite_engine(url, parsed.database)
    if backend != "postgresql":
        raise MatcherError(f"不支持的数据库：{backend}（可用 sqlite 或 postgresql）")
    if schema is None:
        return create_engine(url, json_serializer=_dump_json, pool_pre_ping=True)
    if not _SCHEMA_NAME.fullmatch(schema):
        raise MatcherError(f"schema 名称「{schema}」无效：只能包含小写字母、数字和下划线")
    engine = create_engine(
        url,
        json_serializer=_dump_json,
        pool_pre_ping=True,
        connect_args={"options": f"-csearch_path={schema}"},
    )
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    return engine


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, json_serializer=_dump_json, connect_args={"check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


def alembic_config() -> Config:
    """An Alembic configuration for the migrations shipped in this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine) -> None:
    """Run the migrations up to head (idempotent)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
