"""Bills: the current one, the history, and a line-by-line comparison."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Bill, Customer
from bot.services.errors import DomainError
from bot.services.money import as_str


def effective_status(bill: Bill, today: date) -> str:
    if bill.amount_due <= 0:
        return "paid"
    return "overdue" if today > bill.due_date else "open"


def current_bill(db: Session, customer: Customer) -> Optional[Bill]:
    return db.execute(
        select(Bill)
        .where(Bill.customer_id == customer.id)
        .order_by(Bill.issue_date.desc(), Bill.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def require_current_bill(db: Session, customer: Customer) -> Bill:
    bill = current_bill(db, customer)
    if bill is None:
        raise DomainError(404, "no_bill", "There is no bill on this account yet.")
    return bill


def history(db: Session, customer: Customer, limit: int = 12) -> list[Bill]:
    return list(
        db.execute(
            select(Bill)
            .where(Bill.customer_id == customer.id)
            .order_by(Bill.issue_date.desc(), Bill.id.desc())
            .limit(limit)
        ).scalars()
    )


def owned_bill(db: Session, customer: Customer, bill_id: int) -> Bill:
    bill = db.execute(
        select(Bill).where(Bill.id == bill_id, Bill.customer_id == customer.id)
    ).scalar_one_or_none()
    if bill is None:
        raise DomainError(404, "bill_not_found", "There is no such bill on this account.")
    return bill


def previous_bill(db: Session, bill: Bill) -> Optional[Bill]:
    return db.execute(
        select(Bill)
        .where(
            Bill.customer_id == bill.customer_id,
            (Bill.issue_date < bill.issue_date)
            | ((Bill.issue_date == bill.issue_date) & (Bill.id < bill.id)),
        )
        .order_by(Bill.issue_date.desc(), Bill.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def bill_summary(bill: Bill, today: date, currency: str) -> dict[str, Any]:
    return {
        "bill_id": bill.id,
        "reference": bill.reference,
        "period_start": bill.period_start,
        "period_end": bill.period_end,
        "issue_date": bill.issue_date,
        "due_date": bill.due_date,
        "total": as_str(bill.total),
        "amount_due": as_str(bill.amount_due),
        "status": effective_status(bill, today),
        "currency": currency,
    }


def bill_detail(bill: Bill, today: date, currency: str) -> dict[str, Any]:
    body = bill_summary(bill, today, currency)
    body["lines"] = [
        {
            "code": line.code,
            "kind": line.kind,
            "description": line.description,
            "amount": as_str(line.amount),
        }
        for line in bill.lines
    ]
    return body


def comparison(
    db: Session, customer: Customer, bill_id: int, today: date, currency: str
) -> dict[str, Any]:
    bill = owned_bill(db, customer, bill_id)
    previous = previous_bill(db, bill)
    if previous is None:
        raise DomainError(
            404, "no_previous_bill", "This is the first bill; there is nothing to compare."
        )
    before = {line.code: line for line in previous.lines}
    after = {line.code: line for line in bill.lines}
    codes = [line.code for line in bill.lines] + [c for c in before if c not in after]
    lines = []
    for code in codes:
        old, new = before.get(code), after.get(code)
        old_amount = old.amount if old else Decimal("0.00")
        new_amount = new.amount if new else Decimal("0.00")
        change = "unchanged"
        if old is None:
            change = "added"
        elif new is None:
            change = "removed"
        elif new_amount != old_amount:
            change = "changed"
        source = new or old
        assert source is not None
        lines.append(
            {
                "code": code,
                "description": source.description,
                "previous_amount": as_str(old_amount),
                "current_amount": as_str(new_amount),
                "difference": as_str(new_amount - old_amount),
                "change": change,
            }
        )
    return {
        "bill": bill_summary(bill, today, currency),
        "previous_bill": bill_summary(previous, today, currency),
        "total_difference": as_str(bill.total - previous.total),
        "currency": currency,
        "lines": lines,
    }
