"""Engines and migrations on both backends: schema equals the models, upgrades are idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from matcher.errors import MatcherError
from matcher.types import Offer
from storage.db import make_engine, upgrade
from storage.models import ApiKeyRow, Base
from storage.records import SqlRecordStore
from tests.storage.backends import backend_url, empty_tables, postgres_url

TABLES = {
    "enterprises", "needs", "tech_results", "finance_products", "policies", "offers",
    "kind_versions", "api_keys", "audit_log", "events", "meeting_outcomes", "finance_outcomes",
    "outcome_history", "jobs", "web_sessions", "staged_records", "alembic_version", "outbox",
    "surveys",
}  # fmt: skip


def _diff(engine) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def _head(engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_migrations_create_exactly_the_models_and_are_idempotent(backend, tmp_path):
    with backend_url(backend, tmp_path) as (url, schema):
        engine = make_engine(url, schema)
        try:
            assert _head(engine) is None
            upgrade(engine)
            assert set(inspect(engine).get_table_names()) == TABLES
            assert _diff(engine) == []
            assert _head(engine) == "0007"
            upgrade(engine)  # a second run is a no-op
            assert _diff(engine) == []
            assert _head(engine) == "0007"
            with engine.begin() as connection:  # the comparison does see differences
                connection.execute(text("DROP INDEX ix_needs_kind"))
            assert [change[0] for change in _diff(engine)] == ["add_index"]
        finally:
            engine.dispose()


def test_postgres_schemas_keep_databases_apart(postgres_engine):
    empty_tables(postgres_engine)
    with postgres_engine.connect() as connection:
        schema = connection.scalar(text("SELECT current_schema()"))
    assert schema.startswith("test_")
    plain = create_engine(postgres_url())
    try:
        assert set(inspect(plain).get_table_names(schema=schema)) == TABLES
    finally:
        plain.dispose()
    with backend_url("postgresql", None) as (url, other_schema):
        other = make_engine(url, other_schema)
        try:
            upgrade(other)
            SqlRecordStore(other).upsert("offer", [Offer(id="O1", enterprise_id="E1", text="焊接")])
            assert SqlRecordStore(other).count("offer") == 1
            assert SqlRecordStore(postgres_engine).count("offer") == 0
        finally:
            other.dispose()


def test_sqlite_file_gets_its_folder_and_wal(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 'matcher.db'}")
    try:
        upgrade(engine)
        assert (tmp_path / "a" / "b" / "matcher.db").exists()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_bad_engine_arguments_are_chinese_errors(tmp_path):
    with pytest.raises(MatcherError, match="SQLite 数据库不支持 schema"):
        make_engine(f"sqlite:///{tmp_path / 'x.db'}", schema="tenant")
    with pytest.raises(MatcherError, match="schema 名称「Bad-Name」无效"):
        make_engine(postgres_url(), schema="Bad-Name")
    with pytest.raises(MatcherError, match="不支持的数据库：mysql"):
        make_engine("mysql://u@localhost/db")


def test_timestamps_come_back_timezone_aware_utc(engine):
    at = datetime(2026, 11, 25, 10, 30, tzinfo=timezone(timedelta(hours=8)))
    with engine.begin() as connection:
        connection.execute(
            ApiKeyRow.__table__.insert().values(
                name="k", role="admin", prefix="mk_abcde", key_hash="0" * 64, created_at=at
            )
        )
        stored = connection.scalar(ApiKeyRow.__table__.select().with_only_columns(
            ApiKeyRow.created_at))  # fmt: skip
    assert stored == at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored.astimezone(UTC).hour == 2
