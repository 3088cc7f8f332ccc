"""Payment arrangements and their explicit eligibility rules.

Rules, checked in this order; the first that fails is named in ``rule``:

1. ``balance_due``: there is an unpaid balance.
2. ``one_active_arrangement``: no other arrangement is active.
3. ``overdue_at_most_30_days``: the oldest unpaid bill is at most 30 days past due.
4. ``extension_at_most_14_days`` (extension): the new date is after today and at most
   14 days from today.
5. ``instalments_2_to_6`` (instalments): between 2 and 6 monthly instalments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Arrangement, Customer
from bot.db.types import money
from bot.services import audit
from bot.services.balance import balance, days_overdue, unpaid_bills
from bot.services.errors import DomainError
from bot.services.money import as_str

MAX_OVERDUE_DAYS = 30
MAX_EXTENSION_DAYS = 14
MIN_INSTALMENTS, MAX_INSTALMENTS = 2, 6


@dataclass
class Check:
    rule: str
    passed: bool
    message: str


def _checks(
    db: Session,
    customer: Customer,
    kind: str,
    extend_to: Optional[date],
    instalments: Optional[int],
    today: date,
) -> tuple[list[Check], Decimal]:
    bills = unpaid_bills(db, customer)
    due = balance(bills)
    active = db.execute(
        select(Arrangement.id).where(
            Arrangement.customer_id == customer.id, Arrangement.status == "active"
        )
    ).first()
    overdue = days_overdue(bills, today)
    checks = [
        Check("balance_due", due > 0, "There is no balance due to arrange."),
        Check(
            "one_active_arrangement",
            active is None,
            "There is already an active payment arrangement on this account.",
        ),
        Check(
            "overdue_at_most_30_days",
            overdue <= MAX_OVERDUE_DAYS,
            f"The bill is {overdue} days overdue; arrangements are possible up to "
            f"{MAX_OVERDUE_DAYS} days.",
        ),
    ]
    if kind == "extension":
        latest = today + timedelta(days=MAX_EXTENSION_DAYS)
        ok = extend_to is not None and today < extend_to <= latest
        checks.append(
            Check(
                "extension_at_most_14_days",
                ok,
                f"An extension can move the payment date to at most {latest.isoformat()} "
                f"({MAX_EXTENSION_DAYS} days from today).",
            )
        )
    else:
        ok = instalments is not None and MIN_INSTALMENTS <= instalments <= MAX_INSTALMENTS
        checks.append(
            Check(
                "instalments_2_to_6",
                ok,
                f"Instalment plans have {MIN_INSTALMENTS} to {MAX_INSTALMENTS} monthly payments.",
            )
        )
    return checks, due


def eligibility(
    db: Session,
    customer: Customer,
    *,
    kind: str,
    extend_to: Optional[date],
    instalments: Optional[int],
    today: date,
    currency: str,
) -> dict[str, Any]:
    checks, due = _checks(db, customer, kind, extend_to, instalments, today)
    failed = next((c for c in checks if not c.passed), None)
    return {
        "eligible": failed is None,
        "kind": kind,
        "rule": failed.rule if failed else "",
        "reason": failed.message if failed else "",
        "balance": as_str(due),
        "currency": currency,
        "latest_extension_date": today + timedelta(days=MAX_EXTENSION_DAYS),
        "rules": [{"rule": c.rule, "passed": c.passed, "message": c.message} for c in checks],
    }


def schedule(amount: Decimal, count: int, first: date) -> list[dict[str, Any]]:
    part = money(amount / count)
    rows = []
    for index in range(count):
        value = part if index < count - 1 else amount - part * (count - 1)
        rows.append({"due_date": first + timedelta(days=30 * index), "amount": as_str(value)})
    return rows


def arrangement_view(arrangement: Arrangement, currency: str) -> dict[str, Any]:
    view: dict[str, Any] = {
        "reference": f"AR-{arrangement.id:06d}",
        "kind": arrangement.kind,
        "status": arrangement.status,
        "amount": as_str(arrangement.amount),
        "currency": currency,
        "extend_to": arrangement.extend_to,
        "instalments": arrangement.instalments,
        "created_at": arrangement.created_at,
        "schedule": [],
    }
    if arrangement.kind == "instalments" and arrangement.instalments:
        first = arrangement.created_at.date() + timedelta(days=7)
        view["schedule"] = schedule(arrangement.amount, arrangement.instalments, first)
    else:
        view["schedule"] = [
            {"due_date": arrangement.extend_to, "amount": as_str(arrangement.amount)}
        ]
    return view


def create(
    db: Session,
    customer: Customer,
    *,
    kind: str,
    extend_to: Optional[date],
    instalments: Optional[int],
    channel: str,
    now: datetime,
    currency: str,
) -> dict[str, Any]:
    today = now.date()
    # lock the customer's unpaid bills so two arrangements cannot race past rule 2
    bills = unpaid_bills(db, customer, for_update=True)
    checks, due = _checks(db, customer, kind, extend_to, instalments, today)
    failed = next((c for c in checks if not c.passed), None)
    if failed is not None:
        raise DomainError(409, "arrangement_not_eligible", failed.message, rule=failed.rule)
    arrangement = Arrangement(
        customer_id=customer.id,
        bill_id=bills[-1].id,
        kind=kind,
        status="active",
        amount=due,
        extend_to=extend_to if kind == "extension" else None,
        instalments=instalments if kind == "instalments" else None,
        channel=channel,
        created_at=now,
    )
    db.add(arrangement)
    db.flush()
    audit.record(
        db,
        now=now,
        action="arrangement_created",
        entity="arrangement",
        entity_id=arrangement.id,
        channel=channel,
        customer_id=customer.id,
        details={"kind": kind, "amount": as_str(due)},
    )
    return arrangement_view(arrangement, currency)
