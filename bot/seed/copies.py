"""Demo only: a fresh copy of a hand-picked demo identity, with its own number and account.

Each copy starts in exactly the state the README's demo table describes (an open bill,
declining cards, an active extension, ...), whatever other conversations did to the
original, so a demonstration or a dialogue test never depends on what ran before it.
Copies are numbered ``AC20000001``, ``AC20000002``, ... with the phones
``+1 202 555 2001``, ... (the 555 exchange: never a real line, see ``phones.py``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.db.models import Customer, Plan
from bot.seed import reset_sequences
from bot.seed.builder import RowBuilder, max_ids
from bot.seed.data import DEMO_SPECS

FIRST_COPY = 20_000_000
MAX_COPIES = 7_999  # phones 555-2001 ... 555-9999


@dataclass(frozen=True)
class PersonaCopy:
    account_number: str
    phone: str
    email: str
    name: str


class TooManyCopies(Exception):
    """Every copy number is taken: reseed the demo database."""


def copy_persona(conn: Connection, account_number: str, now: datetime) -> Optional[PersonaCopy]:
    """Insert a copy of the demo identity ``account_number``; None if it is not one."""
    spec = next((s for s in DEMO_SPECS if s.account_number == account_number), None)
    if spec is None:
        return None
    taken = conn.execute(
        select(func.count())
        .select_from(Customer.__table__)
        .where(Customer.account_number.like("AC2_______"))
    ).scalar_one()
    number = int(taken) + 1
    if number > MAX_COPIES:
        raise TooManyCopies(f"all {MAX_COPIES} demo copies are taken")
    copy = replace(
        spec,
        account_number=f"AC{FIRST_COPY + number:08d}",
        phone=f"+1202555{2000 + number:04d}",
        pilot=True,
    )
    plans = {row.code: (row.id, row.monthly_price) for row in conn.execute(select(Plan.__table__))}
    builder = RowBuilder(plans, now.date(), now, max_ids(conn))  # type: ignore[arg-type]
    builder.add(copy, random.Random(number))  # noqa: S311 (demo data)
    builder.flush(conn)
    if conn.dialect.name == "postgresql":
        reset_sequences(conn)
    email = conn.execute(
        select(Customer.email).where(Customer.account_number == copy.account_number)
    ).scalar_one()
    return PersonaCopy(
        account_number=copy.account_number,
        phone=copy.phone,
        email=str(email),
        name=f"{copy.first_name} {copy.last_name}",
    )
