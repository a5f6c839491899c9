"""Staged records: a streamed import sets its records aside here, chunk by chunk (a killed
import resumes from them), and publishes them all in one transaction.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

RECORD_ID = sa.String(length=64).with_variant(sa.String(length=64, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "staged_records",
        sa.Column("batch", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("part", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("id", RECORD_ID, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("staged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("batch", "kind", "part", "id", name=op.f("pk_staged_records")),
    )


def downgrade() -> None:
    op.drop_table("staged_records")
