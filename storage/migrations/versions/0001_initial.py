"""Initial schema: record tables, kind versions, API keys, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def _record_table(name: str, *columns: sa.Column, indexed: tuple[str, ...]) -> None:
    """A record table: id, JSON data, content hash, updated_at, then its typed columns."""
    record_id = sa.String(length=64).with_variant(sa.String(length=64, collation="C"), "postgresql")
    op.create_table(
        name,
        sa.Column("id", record_id, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    for column in indexed:
        op.create_index(op.f(f"ix_{name}_{column}"), name, [column])


def upgrade() -> None:
    _record_table(
        "enterprises",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("district", sa.String(), nullable=False),
        sa.Column("chain", sa.String(), nullable=False),
        sa.Column("tiers", sa.String(), nullable=False),
        sa.Column("size", sa.String(), nullable=False),
        indexed=("name", "district", "chain", "size"),
    )
    _record_table(
        "needs",
        sa.Column("enterprise_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        indexed=("enterprise_id", "kind"),
    )
    _record_table(
        "tech_results",
        sa.Column("university", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        indexed=("university", "field", "title"),
    )
    _record_table(
        "finance_products",
        sa.Column("bank", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        indexed=("bank", "type", "name"),
    )
    _record_table(
        "policies",
        sa.Column("issuer", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        indexed=("issuer", "title", "valid_to"),
    )
    _record_table(
        "offers",
        sa.Column("enterprise_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        indexed=("enterprise_id",),
    )
    op.create_table(
        "kind_versions",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_kind_versions")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("scope_id", sa.String(), nullable=True),
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("actor_key_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("record_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_key_id"], ["api_keys.id"], name=op.f("fk_audit_log_actor_key_id_api_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_actor_key_id"), "audit_log", ["actor_key_id"])


def downgrade() -> None:
    for table in (
        "audit_log", "api_keys", "kind_versions",
        "offers", "policies", "finance_products", "tech_results", "needs", "enterprises",
    ):  # fmt: skip
        op.drop_table(table)
