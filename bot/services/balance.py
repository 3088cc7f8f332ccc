"""What a customer owes: the unpaid bills, oldest first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Bill, Customer


def unpaid_bills(db: Session, customer: Customer, *, for_update: bool = False) -> list[Bill]:
    query = (
        select(Bill)
        .where(Bill.customer_id == customer.id, Bill.amount_due > 0)
        .order_by(Bill.due_date, Bill.id)
    )
    if for_update:
        query = query.with_for_update()
    return list(db.execute(query).scalars())


def balance(bills: list[Bill]) -> Decimal:
    return sum((b.amount_due for b in bills), Decimal("0.00"))


def days_overdue(bills: list[Bill], today: date) -> int:
    oldest: Optional[Bill] = bills[0] if bills else None
    if oldest is None:
        return 0
    return max((today - oldest.due_date).days, 0)


def apply_payment(bills: list[Bill], amount: Decimal, today: date) -> None:
    """Settle the oldest bills first."""
    left = amount
    for bill in bills:
        if left <= 0:
            break
        part = min(left, bill.amount_due)
        bill.amount_due = bill.amount_due - part
        left -= part
        if bill.amount_due == 0:
            bill.status = "paid"
        elif today > bill.due_date:
            bill.status = "overdue"
