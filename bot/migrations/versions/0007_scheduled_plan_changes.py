"""Plan changes are scheduled: they take effect on their effective date, can be cancelled.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 02:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_changes") as batch:
        # Changes recorded before were applied when they were made.
        batch.add_column(
            sa.Column("status", sa.String(length=12), nullable=False, server_default="applied")
        )
        batch.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
    op.create_index(
        "ix_plan_changes_customer_status", "plan_changes", ["customer_id", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_plan_changes_customer_status", table_name="plan_changes")
    with op.batch_alter_table("plan_changes") as batch:
        batch.drop_column("decided_at")
        batch.drop_column("status")
