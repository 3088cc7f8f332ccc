"""Who the controlled rollout turned away, from the backend of record.

The backend counts every refusal per (day, rollout channel, reason) in
``rollout_refusals`` (bot/rollout/refusals.py). This reads a period's counts grouped
in SQL, per channel and reason, and per month, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Optional

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection, Engine

from bot.analytics.cohorts import backend_exists
from bot.analytics.period import Filters
from bot.db.engine import make_engine
from bot.rollout.channels import rollout_channel
from bot.rollout.models import RolloutRefusal


@dataclass
class Refusals:
    # (rollout channel, reason) -> refusals in the period
    by_channel: dict[tuple[str, str], int] = field(default_factory=dict)
    # "YYYY-MM" -> refusals in that month of the period
    by_month: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())


def _day(epoch: float) -> date:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).date()


def refusals(conn: Connection, f: Filters) -> Refusals:
    t = RolloutRefusal
    where = [t.day >= _day(f.start), t.day < _day(f.end)]
    if f.channel is not None:
        where.append(t.channel == rollout_channel(f.channel))
    result = Refusals()
    for channel, reason, n in conn.execute(
        select(t.channel, t.reason, func.sum(t.count)).where(*where)
        .group_by(t.channel, t.reason).order_by(t.channel, t.reason)
    ):
        result.by_channel[(str(channel), str(reason))] = int(n or 0)
    days = conn.execute(select(t.day, func.sum(t.count)).where(*where).group_by(t.day))
    for day, n in days:
        month = f"{day:%Y-%m}" if isinstance(day, date) else str(day)[:7]
        result.by_month[month] = result.by_month.get(month, 0) + int(n or 0)
    return result


def backend_refusals(database_url: str, f: Filters) -> Optional[Refusals]:
    """The period's refusals, or None without a backend database holding the table."""
    if not backend_exists(database_url):
        return None
    engine: Engine = make_engine(database_url)
    try:
        if not inspect(engine).has_table(RolloutRefusal.__tablename__):
            return None
        with engine.connect() as conn:
            return refusals(conn, f)
    finally:
        engine.dispose()
