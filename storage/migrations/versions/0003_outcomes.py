"""Outcomes (跟踪问效): meeting and financing outcomes, and their append-only change history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)
OUTCOME_ID = sa.String().with_variant(sa.String(collation="C"), "postgresql")


def _state_columns() -> list[sa.Column]:
    """What both outcome tables end with: notes, next follow-up, last change."""
    return [
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("next_follow_up", sa.Date(), nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.Column("updated_by", sa.String(), nullable=False),
    ]


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "meeting_outcomes",
        sa.Column("id", OUTCOME_ID, nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("a", sa.String(), nullable=False),
        sa.Column("b", sa.String(), nullable=False),
        sa.Column("attendance", sa.String(length=16), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("signed_amount", sa.Float(), nullable=True),
        *_state_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_outcomes")),
    )
    _indexes("meeting_outcomes", "event_id", "next_follow_up")
    op.create_table(
        "finance_outcomes",
        sa.Column("id", OUTCOME_ID, nullable=False),
        sa.Column("enterprise_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("first_loan", sa.Boolean(), nullable=False),
        *_state_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_outcomes")),
    )
    _indexes("finance_outcomes", "enterprise_id", "product_id", "event_id", "next_follow_up")
    op.create_table(
        "outcome_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", OUTCOME_ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("who", sa.String(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("correction", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_history")),
    )
    _indexes("outcome_history", "outcome_id")


def downgrade() -> None:
    for table in ("outcome_history", "finance_outcomes", "meeting_outcomes"):
        op.drop_table(table)
