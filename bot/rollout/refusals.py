"""Counting who is turned away: one row per (day, channel, reason), incremented."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.rollout.models import RolloutRefusal

REASONS = ("not_selected", "channel_disabled")


def record(db: Session, *, day: date, channel: str, reason: str) -> None:
    """Add one refusal (an atomic upsert, safe under concurrent refusals)."""
    table = RolloutRefusal.__table__
    dialect = db.get_bind().dialect.name
    maker: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = maker(table).values(day=day, channel=channel, reason=reason, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=["day", "channel", "reason"],
        set_={"count": table.c.count + 1},
    )
    db.execute(statement)


def counts(db: Session, *, start: date, end: date) -> list[tuple[date, str, str, int]]:
    """Refusals in ``[start, end)``: (day, channel, reason, count), oldest first."""
    rows = db.execute(
        select(
            RolloutRefusal.day, RolloutRefusal.channel, RolloutRefusal.reason,
            RolloutRefusal.count,
        )
        .where(RolloutRefusal.day >= start, RolloutRefusal.day < end)
        .order_by(RolloutRefusal.day, RolloutRefusal.channel, RolloutRefusal.reason)
    )
    return [(d, str(c), str(r), int(n)) for d, c, r, n in rows]
