"""Turn customer specs into rows and bulk-insert them with explicit ids (fast at 2M)."""

from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from bot.db.models import (
    Arrangement,
    Bill,
    BillLine,
    Customer,
    PaymentMethod,
    ServiceRequest,
    UsageCycle,
)
from bot.db.types import money
from bot.seed.data import PLACES, STREETS, CustomerSpec

TAX_RATE = Decimal("0.08")
USAGE_CHARGES = [
    Decimal("0.00"),
    Decimal("0.00"),
    Decimal("4.99"),
    Decimal("12.50"),
    Decimal("7.25"),
]
# bill scenario -> (days since issue of the current bill, status)
SCENARIOS = {
    "open": (5, "open"),
    "paid": (5, "paid"),
    "overdue": (35, "overdue"),
    "long_overdue": (70, "overdue"),
}
DUE_AFTER_DAYS = 21
CYCLE_DAYS = 30
CITY = {postcode: (city, state) for postcode, city, state in PLACES}

TABLES: list[Table] = [
    Customer.__table__,  # type: ignore[list-item]
    PaymentMethod.__table__,  # type: ignore[list-item]
    Bill.__table__,  # type: ignore[list-item]
    BillLine.__table__,  # type: ignore[list-item]
    UsageCycle.__table__,  # type: ignore[list-item]
    ServiceRequest.__table__,  # type: ignore[list-item]
    Arrangement.__table__,  # type: ignore[list-item]
]


class RowBuilder:
    """Accumulates rows for a chunk of customers; ids continue across chunks."""

    def __init__(
        self,
        plans: dict[str, tuple[int, Decimal]],
        today: date,
        now: datetime,
        first_ids: dict[str, int],
    ) -> None:
        self.plans = plans
        self.today = today
        self.now = now
        self.next_id = dict(first_ids)
        self.rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}

    def _id(self, table: str) -> int:
        value = self.next_id.get(table, 1)
        self.next_id[table] = value + 1
        return value

    def _bill(
        self,
        rng: random.Random,
        customer_id: int,
        spec: CustomerSpec,
        issue: date,
        paid: bool,
        status: str,
    ) -> tuple[int, Decimal]:
        bill_id = self._id("bills")
        plan_price = self.plans[spec.plan_code][1]
        lines = [("plan", "plan", f"{spec.plan_code} monthly plan", plan_price)]
        if spec.addon:
            lines.append(
                ("addon", f"addon:{spec.addon}", f"{spec.addon} add-on", self.plans[spec.addon][1])
            )
        usage = rng.choice(USAGE_CHARGES)
        if usage:
            lines.append(("usage", "usage:extra", "Usage beyond your allowance", usage))
        subtotal = sum((line[3] for line in lines), Decimal("0"))
        lines.append(("tax", "tax", "Taxes and fees", money(subtotal * TAX_RATE)))
        total = money(sum((line[3] for line in lines), Decimal("0")))
        for position, (kind, code, description, amount) in enumerate(lines, start=1):
            self.rows["bill_lines"].append(
                {
                    "id": self._id("bill_lines"),
                    "bill_id": bill_id,
                    "position": position,
                    "kind": kind,
                    "code": code,
                    "description": description,
                    "amount": amount,
                }
            )
        period_end = issue - timedelta(days=1)
        self.rows["bills"].append(
            {
                "id": bill_id,
                "customer_id": customer_id,
                "reference": f"B{bill_id:09d}",
                "period_start": period_end - timedelta(days=CYCLE_DAYS - 1),
                "period_end": period_end,
                "issue_date": issue,
                "due_date": issue + timedelta(days=DUE_AFTER_DAYS),
                "total": total,
                "amount_due": Decimal("0.00") if paid else total,
                "status": "paid" if paid else status,
            }
        )
        return bill_id, total

    def add(self, spec: CustomerSpec, rng: random.Random) -> None:
        customer_id = self._id("customers")
        days_ago, status = SCENARIOS[spec.bill]
        issue = self.today - timedelta(days=days_ago)
        city, state = CITY.get(spec.postcode, ("Washington", "DC"))
        self.rows["customers"].append(
            {
                "id": customer_id,
                "account_number": spec.account_number,
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "phone": spec.phone,
                "email": f"{spec.first_name}.{spec.last_name}{customer_id}@example.com".lower(),
                "address": f"{rng.randint(1, 9999)} {rng.choice(STREETS)} St, {city}, {state}",
                "postcode": spec.postcode,
                "status": spec.status,
                "plan_id": self.plans[spec.plan_code][0],
                "contract_end_date": self.today + timedelta(days=rng.randint(-60, 700)),
                "pilot": spec.pilot,
                "created_at": self.now - timedelta(days=rng.randint(60, 3000)),
            }
        )
        for index, (brand, last4, token) in enumerate(spec.cards):
            self.rows["payment_methods"].append(
                {
                    "id": self._id("payment_methods"),
                    "customer_id": customer_id,
                    "gateway_token": token,
                    "brand": brand,
                    "last4": last4,
                    "exp_month": rng.randint(1, 12),
                    "exp_year": self.today.year + rng.randint(1, 4),
                    "is_default": index == 0,
                }
            )
        self._bill(rng, customer_id, spec, issue - timedelta(days=CYCLE_DAYS), True, "paid")
        bill_id, total = self._bill(rng, customer_id, spec, issue, spec.bill == "paid", status)
        cycle_start = issue
        self.rows["usage_cycles"].append(
            {
                "id": self._id("usage_cycles"),
                "customer_id": customer_id,
                "period_start": cycle_start,
                "period_end": cycle_start + timedelta(days=CYCLE_DAYS - 1),
                "data_mb": rng.randint(0, 18000),
                "minutes": rng.randint(0, 450),
                "texts": rng.randint(0, 900),
            }
        )
        if spec.ticket:
            self._ticket(customer_id, spec.ticket, rng)
        if spec.arrangement:
            self.rows["arrangements"].append(
                {
                    "id": self._id("arrangements"),
                    "customer_id": customer_id,
                    "bill_id": bill_id,
                    "kind": "extension",
                    "status": "active",
                    "amount": total,
                    "extend_to": self.today + timedelta(days=7),
                    "instalments": None,
                    "channel": "seed",
                    "created_at": self.now - timedelta(days=2),
                }
            )

    def _ticket(self, customer_id: int, ticket: tuple[str, str, str], rng: random.Random) -> None:
        ticket_id = self._id("service_requests")
        created = self.now - timedelta(hours=rng.randint(2, 200))
        category, status, description = ticket
        self.rows["service_requests"].append(
            {
                "id": ticket_id,
                "reference": f"SR-{100000 + ticket_id}",
                "customer_id": customer_id,
                "category": category,
                "description": description,
                "status": status,
                "appointment_start": None,
                "channel": "seed",
                "conversation_id": None,
                "transcript": None,
                "created_at": created,
                "updated_at": created,
            }
        )

    def flush(self, conn: Connection) -> int:
        """Insert the accumulated rows (parents first) and return the customer count."""
        count = len(self.rows["customers"])
        for table in TABLES:
            rows = self.rows[table.name]
            if not rows:
                continue
            if conn.dialect.name == "postgresql":
                copy_rows(conn, table, rows)
            elif conn.dialect.name == "sqlite":
                sqlite_rows(conn, table, rows)
            else:
                conn.execute(table.insert(), rows)
            rows.clear()
        return count


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(money(value))
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _sqlite_value(value: Any) -> Any:
    """The storage format SQLAlchemy's SQLite types use (so reads parse it back)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(money(value))
    return value


def sqlite_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Plain DB-API executemany: skips per-value SQLAlchemy processing (2x faster)."""
    columns = [c.name for c in table.columns]
    quoted = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(
            f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})',  # noqa: S608
            [tuple(_sqlite_value(row.get(name)) for name in columns) for row in rows],
        )
    finally:
        cursor.close()


def copy_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY: several times faster than INSERT for millions of rows."""
    columns = [c.name for c in table.columns]
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(row.get(name)) for name in columns))
        buffer.write("\n")
    buffer.seek(0)
    cursor = conn.connection.cursor()
    try:
        quoted = ", ".join(f'"{name}"' for name in columns)
        cursor.copy_expert(f'COPY "{table.name}" ({quoted}) FROM STDIN', buffer)
    finally:
        cursor.close()


def max_ids(conn: Connection) -> dict[str, int]:
    from sqlalchemy import func, select

    result: dict[str, int] = {}
    for table in TABLES:
        current: Optional[int] = conn.execute(select(func.max(table.c.id))).scalar()
        result[table.name] = (current or 0) + 1
    return result
