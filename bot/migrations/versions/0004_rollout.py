"""Controlled rollout: per-channel configuration, the audit of changes, refusal counts.

The allow-list is the existing ``customers.pilot`` flag. No rows are inserted: a
channel without a row is enabled at the default percentage (TCN_ROLLOUT_DEFAULT_PERCENTAGE).
Revises 0003 (the operators migration, written at the same time) to keep one head.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 01:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollout_channels",
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("percentage", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_rollout_channels")),
    )
    op.create_table(
        "rollout_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollout_changes")),
    )
    op.create_index("ix_rollout_changes_created", "rollout_changes", ["created_at"])
    op.create_table(
        "rollout_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollout_refusals")),
        sa.UniqueConstraint("day", "channel", "reason", name="uq_rollout_refusals_day_channel"),
    )


def downgrade() -> None:
    op.drop_table("rollout_refusals")
    op.drop_index("ix_rollout_changes_created", table_name="rollout_changes")
    op.drop_table("rollout_changes")
    op.drop_table("rollout_channels")
