"""The service's database: SQLAlchemy models and repositories, Alembic migrations.

SQLite by default, PostgreSQL by URL. Imports only `matcher` (types, store protocol).
"""
