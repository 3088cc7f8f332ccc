"""Deterministic demo data: ``seed(url, customers=300, random_seed=7)``.

The hand-picked demo identities come first (AC10000001...), then generated customers
covering every case. Running it on a database that already has customers does nothing.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from bot.db.engine import make_engine
from bot.db.models import Customer, Outage, Plan
from bot.seed.builder import TABLES, RowBuilder, max_ids
from bot.seed.data import (
    BULK_PLAN_WEIGHTS,
    CARD_APPROVE,
    CARD_DECLINE,
    CARD_NO_FUNDS,
    DEMO_IDENTITIES,
    DEMO_SPECS,
    FIRST_NAMES,
    LAST_NAMES,
    OUTAGES,
    PLACES,
    PLANS,
    CustomerSpec,
)
from bot.seed.phones import generated_phone

__all__ = ["DEMO_IDENTITIES", "SeedReport", "seed"]

CHUNK = 5000
logger = logging.getLogger("bot.seed")
TICKET_TEXT = {
    "fault": "No dial tone on the landline",
    "sim_replacement": "SIM card damaged",
    "installation": "Install fiber router",
    "relocation": "Moving to a new address next month",
}


@dataclass
class SeedReport:
    created: bool
    customers: int
    seconds: float
    message: str
    demo_identities: list[dict[str, str]] = field(default_factory=lambda: list(DEMO_IDENTITIES))

    def __str__(self) -> str:
        return f"{self.message} ({self.seconds:.1f} s)"


def bulk_specs(count: int, rng: random.Random, start_index: int) -> Iterator[CustomerSpec]:
    """Generated customers; every case appears at a steady rate."""
    plan_codes = list(BULK_PLAN_WEIGHTS)
    weights = list(BULK_PLAN_WEIGHTS.values())
    postcodes = [p[0] for p in PLACES]
    for k in range(count):
        index = start_index + k
        roll = rng.random()
        status, bill = "active", rng.choice(["open", "open", "paid"])
        if roll < 0.08:
            bill = "overdue"
        elif roll < 0.10:
            status, bill = "suspended", "long_overdue"
        elif roll < 0.11:
            status, bill = "closed", "paid"
        card = CARD_APPROVE
        card_roll = rng.random()
        if card_roll < 0.02:
            card = CARD_DECLINE
        elif card_roll < 0.03:
            card = CARD_NO_FUNDS
        ticket = None
        if rng.random() < 0.04:
            category = rng.choice(list(TICKET_TEXT))
            ticket = (
                category,
                rng.choice(["open", "in_progress", "resolved"]),
                TICKET_TEXT[category],
            )
        yield CustomerSpec(
            account_number=f"AC{10000000 + index:08d}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            phone=generated_phone(k),
            postcode=rng.choice(postcodes),
            plan_code=rng.choices(plan_codes, weights)[0],
            status=status,
            bill=bill,
            cards=(
                (rng.choice(["Visa", "Mastercard", "Amex"]), f"{rng.randint(0, 9999):04d}", card),
            ),
            ticket=ticket,
            arrangement=bill == "overdue" and rng.random() < 0.2,
            pilot=rng.random() < 0.1,
            addon=rng.choice([None, None, None, "INTL", "DATA5"]),
        )


def _insert_catalogue(conn: Connection) -> dict[str, tuple[int, object]]:
    existing = {row.code: row for row in conn.execute(select(Plan.__table__))}
    for code, name, kind, price, data_gb, minutes, texts in PLANS:
        if code not in existing:
            conn.execute(
                Plan.__table__.insert().values(
                    code=code,
                    name=name,
                    kind=kind,
                    monthly_price=price,
                    data_gb=data_gb,
                    minutes=minutes,
                    texts=texts,
                    available=True,
                )
            )
    return {row.code: (row.id, row.monthly_price) for row in conn.execute(select(Plan.__table__))}


def _insert_outages(conn: Connection, now: datetime) -> None:
    for postcode, services, description, started, fix in OUTAGES:
        conn.execute(
            Outage.__table__.insert().values(
                postcode=postcode,
                services=services,
                description=description,
                started_at=now - timedelta(hours=started),
                expected_fix_at=now + timedelta(hours=fix),
                resolved_at=None,
            )
        )


def _finish(conn: Connection) -> None:
    """Move PostgreSQL's id sequences past the explicit ids; refresh planner statistics."""
    if conn.dialect.name == "postgresql":
        reset_sequences(conn)
    conn.execute(text("ANALYZE"))


def reset_sequences(conn: Connection) -> None:
    for table in TABLES:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def seed(
    database_url: str,
    customers: int = 300,
    random_seed: int = 7,
    *,
    now: Optional[datetime] = None,
    progress: Optional[Callable[[int], None]] = None,
) -> SeedReport:
    """Create the demo data once; a database that already has customers is left alone."""
    started = time.perf_counter()
    now = now or datetime.now(timezone.utc)
    today: date = now.date()
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            existing = conn.execute(select(func.count()).select_from(Customer.__table__)).scalar()
            if existing:
                return SeedReport(
                    False,
                    int(existing or 0),
                    time.perf_counter() - started,
                    f"The database already has {existing} customers; nothing was seeded.",
                )
            plans = _insert_catalogue(conn)
            _insert_outages(conn, now)
        rng = random.Random(random_seed)  # noqa: S311  (demo data, not secrets)
        builder = RowBuilder(plans, today, now, {})  # type: ignore[arg-type]
        with engine.begin() as conn:
            builder.next_id = max_ids(conn)
            demo = DEMO_SPECS[: max(customers, 0)]
            for spec in demo:
                builder.add(spec, rng)
            written = builder.flush(conn)
        remaining = max(customers - len(DEMO_SPECS), 0)
        specs = bulk_specs(remaining, rng, start_index=len(DEMO_SPECS) + 1)
        while remaining > 0:
            batch = min(CHUNK, remaining)
            with engine.begin() as conn:
                for _ in range(batch):
                    builder.add(next(specs), rng)
                written += builder.flush(conn)
            remaining -= batch
            if progress:
                progress(written)
            if written % 100_000 < CHUNK:
                logger.info("seeded %d customers", written)
        with engine.begin() as conn:
            _finish(conn)
    finally:
        engine.dispose()
    return SeedReport(True, written, time.perf_counter() - started, f"Seeded {written} customers.")
