"""Saved payment methods, payments (idempotent, through the gateway), payment links."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Arrangement, Bill, Customer, Payment, PaymentMethod
from bot.services import audit, idempotency
from bot.services.balance import apply_payment, balance, days_overdue, unpaid_bills
from bot.services.errors import DomainError
from bot.services.gateway import GatewayTimeout, PaymentGateway
from bot.services.money import as_str
from bot.settings import Settings

DECLINE_MESSAGES = {
    "card_declined": "The card was declined. Please use another card or a secure payment link.",
    "insufficient_funds": "The card was declined for insufficient funds.",
}


def method_label(method: PaymentMethod) -> str:
    return f"{method.brand} ending {method.last4}"


def method_view(method: PaymentMethod) -> dict[str, Any]:
    return {
        "id": method.id,
        "label": method_label(method),
        "brand": method.brand,
        "last4": method.last4,
        "exp_month": method.exp_month,
        "exp_year": method.exp_year,
        "is_default": method.is_default,
    }


def payment_view(payment: Payment, currency: str) -> dict[str, Any]:
    return {
        "payment_id": payment.id,
        "reference": f"PAY-{payment.id:08d}",
        "amount": as_str(payment.amount),
        "currency": currency,
        "status": payment.status,
        "failure_code": payment.failure_code,
        "method": method_label(payment.method) if payment.method else "",
        "payment_method_id": payment.payment_method_id,
        "created_at": payment.created_at.isoformat(),
    }


def methods(db: Session, customer: Customer) -> list[PaymentMethod]:
    return list(
        db.execute(
            select(PaymentMethod)
            .where(PaymentMethod.customer_id == customer.id)
            .order_by(PaymentMethod.is_default.desc(), PaymentMethod.id)
        ).scalars()
    )


def history(db: Session, customer: Customer, limit: int = 20) -> list[Payment]:
    return list(
        db.execute(
            select(Payment)
            .where(Payment.customer_id == customer.id)
            .order_by(Payment.created_at.desc(), Payment.id.desc())
            .limit(limit)
        ).scalars()
    )


def check_amount(
    db: Session, customer: Customer, amount: Decimal, *, lock: bool = False
) -> list[Bill]:
    """The unpaid bills (locked when asked), once the amount is known to be payable."""
    bills = unpaid_bills(db, customer, for_update=lock)
    due = balance(bills)
    if due <= 0:
        raise DomainError(409, "no_balance_due", "There is nothing to pay right now.")
    if amount > due:
        raise DomainError(
            422,
            "amount_exceeds_balance",
            f"The amount is more than the balance due ({as_str(due)}).",
            balance=as_str(due),
        )
    return bills


def create_payment(
    db: Session,
    settings: Settings,
    gateway: PaymentGateway,
    *,
    customer: Customer,
    channel: str,
    amount: Decimal,
    payment_method_id: int,
    key: str,
    now: datetime,
) -> idempotency.Outcome:
    customer_id = customer.id

    def charge() -> idempotency.Outcome:
        owner = db.get(Customer, customer_id)
        assert owner is not None
        method = db.execute(
            select(PaymentMethod).where(
                PaymentMethod.id == payment_method_id, PaymentMethod.customer_id == customer_id
            )
        ).scalar_one_or_none()
        if method is None:
            raise DomainError(404, "payment_method_not_found", "There is no such saved card.")
        bills = check_amount(db, owner, amount, lock=True)
        payment = Payment(
            customer_id=customer_id,
            payment_method_id=method.id,
            amount=amount,
            status="pending",
            idempotency_key=key,
            channel=channel,
            created_at=now,
        )
        db.add(payment)
        db.flush()
        status, body = _charge(db, settings, gateway, owner, method, payment, bills, now)
        audit.record(
            db,
            now=now,
            action=f"payment_{payment.status}",
            entity="payment",
            entity_id=payment.id,
            channel=channel,
            customer_id=customer_id,
            details={"amount": as_str(amount), "failure_code": payment.failure_code},
        )
        return status, body

    return idempotency.run_once(
        db,
        customer_id=customer_id,
        scope="payment",
        key=key,
        payload={"amount": as_str(amount), "payment_method_id": payment_method_id},
        now=now,
        action=charge,
    )


def _charge(
    db: Session,
    settings: Settings,
    gateway: PaymentGateway,
    customer: Customer,
    method: PaymentMethod,
    payment: Payment,
    bills: list[Bill],
    now: datetime,
) -> idempotency.Outcome:
    currency = settings.currency
    try:
        result = gateway.charge(
            token=method.gateway_token,
            amount=payment.amount,
            currency=currency,
            idempotency_key=f"payment-{payment.customer_id}-{payment.idempotency_key}",
        )
    except GatewayTimeout:
        # Outcome unknown: recorded as pending and never retried automatically.
        payment.status = "pending"
        payment.failure_code = "gateway_timeout"
        return 202, payment_view(payment, currency)
    payment.gateway_reference = result.reference
    payment.status = result.status
    payment.failure_code = result.failure_code
    if result.status == "succeeded":
        apply_payment(bills, payment.amount, now.date())
        after_payment(db, customer, bills, now)
        view = payment_view(payment, currency)
        view["remaining_balance"] = as_str(balance(bills))
        return 201, view
    if result.status == "declined":
        code = result.failure_code or "card_declined"
        message = DECLINE_MESSAGES.get(code, DECLINE_MESSAGES["card_declined"])
        return 402, DomainError(
            402,
            code if code in DECLINE_MESSAGES else "card_declined",
            message,
            payment=payment_view(payment, currency),
        ).body()
    return 402, DomainError(
        402,
        "payment_failed",
        "The payment could not be made with this card.",
        payment=payment_view(payment, currency),
    ).body()


def after_payment(db: Session, customer: Customer, bills: list[Bill], now: datetime) -> None:
    """Complete arrangements that are settled; restore a suspended account that is clear."""
    remaining = [b for b in bills if b.amount_due > 0]
    for arrangement in db.execute(
        select(Arrangement).where(
            Arrangement.customer_id == customer.id, Arrangement.status == "active"
        )
    ).scalars():
        if all(b.id != arrangement.bill_id for b in remaining):
            arrangement.status = "completed"
    if customer.status == "suspended" and days_overdue(remaining, now.date()) == 0:
        customer.status = "active"
        audit.record(
            db,
            now=now,
            action="service_restored",
            entity="customer",
            entity_id=customer.id,
            channel="system",
            customer_id=customer.id,
        )
