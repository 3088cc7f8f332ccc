"""Outbox: email subject, failure reason, and no one-time code kept in clear.

Adds ``outbox_messages.subject`` (emails) and ``failure_reason`` (why a transport
refused a message). New rows are written with the code already redacted; this
migration redacts the codes of rows written before it (the 6-digit code in
"Your TeleComNet code is 123456."). The downgrade drops the two columns; redacted
codes stay redacted.

Revises 0004 (the rollout migration, written at the same time) to keep one head.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 01:40:00
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CODE = re.compile(r"(code is )\d{6}\b")
REDACTED = r"\g<1>[code withheld]"


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("failure_reason", sa.String(length=200), nullable=True))
    outbox = sa.table("outbox_messages", sa.column("id", sa.Integer), sa.column("body", sa.Text))
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(outbox.c.id, outbox.c.body).where(outbox.c.body.like("%code is %"))
    ).all()
    for row_id, body in rows:
        redacted = CODE.sub(REDACTED, body)
        if redacted != body:
            conn.execute(outbox.update().where(outbox.c.id == row_id).values(body=redacted))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("failure_reason")
        batch_op.drop_column("subject")
