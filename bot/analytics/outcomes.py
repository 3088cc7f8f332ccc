"""Business outcomes from the backend of record: payments, service requests and
handoff tickets, plan changes and payment arrangements, pilot versus the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection, Engine

from bot.analytics.cohorts import backend_exists
from bot.analytics.period import Filters
from bot.db.engine import make_engine
from bot.db.models import Arrangement, Customer, Payment, PlanChange, ServiceRequest
from bot.db.types import Money

GROUPS = ("pilot", "non_pilot")


@dataclass
class Outcomes:
    # outcome name -> group (pilot / non_pilot) -> count
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    paid: dict[str, Decimal] = field(default_factory=dict)

    def add(self, name: str, pilot: Any, n: int) -> None:
        group = "pilot" if pilot else "non_pilot"
        row = self.counts.setdefault(name, dict.fromkeys(GROUPS, 0))
        row[group] += int(n)

    def total(self, name: str) -> int:
        return sum(self.counts.get(name, {}).values())


def _when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def _grouped(conn: Connection, model: Any, f: Filters, *extra: Any, where: tuple[Any, ...] = ()
             ) -> list[Any]:
    conditions = [model.created_at >= _when(f.start), model.created_at < _when(f.end), *where]
    if f.channel is not None:
        conditions.append(model.channel == f.channel)
    query = (
        select(Customer.pilot, *extra, func.count())
        .select_from(model)
        .join(Customer, Customer.id == model.customer_id)
        .where(*conditions)
        .group_by(Customer.pilot, *extra)
    )
    return list(conn.execute(query))


def outcomes(conn: Connection, f: Filters) -> Outcomes:
    result = Outcomes()
    amount = func.sum(Payment.amount, type_=Money)
    paid_rows = conn.execute(
        select(Customer.pilot, amount)
        .select_from(Payment).join(Customer, Customer.id == Payment.customer_id)
        .where(Payment.created_at >= _when(f.start), Payment.created_at < _when(f.end),
               Payment.status == "succeeded",
               *(() if f.channel is None else (Payment.channel == f.channel,)))
        .group_by(Customer.pilot)
    )
    for pilot, total in paid_rows:
        result.paid["pilot" if pilot else "non_pilot"] = total or Decimal("0.00")
    for pilot, status, n in _grouped(conn, Payment, f, Payment.status):
        result.add(f"payments_{status}", pilot, n)
    for pilot, category, n in _grouped(conn, ServiceRequest, f, ServiceRequest.category):
        result.add(f"requests_{category}", pilot, n)
    for pilot, n in _grouped(conn, PlanChange, f):
        result.add("plan_changes", pilot, n)
    for pilot, n in _grouped(conn, Arrangement, f):
        result.add("arrangements", pilot, n)
    return result


def backend_outcomes(database_url: str, f: Filters) -> Optional[Outcomes]:
    """The outcomes, or None when there is no backend database with these tables."""
    if not backend_exists(database_url):
        return None
    engine: Engine = make_engine(database_url)
    try:
        if not inspect(engine).has_table(Payment.__tablename__):
            return None
        with engine.connect() as conn:
            return outcomes(conn, f)
    finally:
        engine.dispose()
