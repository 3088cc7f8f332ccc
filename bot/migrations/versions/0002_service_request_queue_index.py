"""Index service requests by category and status (the handoff queue estimate).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:00:00
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_service_requests_category_status", "service_requests", ["category", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_service_requests_category_status", table_name="service_requests")
