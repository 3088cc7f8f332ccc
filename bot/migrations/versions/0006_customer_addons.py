"""Add-ons bought by customers (POST /me/addons).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 01:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_addons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("monthly_price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_customer_addons_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_customer_addons_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_addons")),
    )
    op.create_index(
        "ix_customer_addons_customer_status", "customer_addons", ["customer_id", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_customer_addons_customer_status", table_name="customer_addons")
    op.drop_table("customer_addons")
