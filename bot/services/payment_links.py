"""One-time secure payment links: paying with a new card never happens in chat.

``create_link`` issues the link (only its hash is stored). In demo mode the link opens
a demo hosted-payment page (``bot/api/routes/pay_page.py``) that charges a demo test
card through the same gateway; in production the URL base points at the provider's
hosted page instead.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Customer, Payment, PaymentLink
from bot.services import audit
from bot.services.balance import apply_payment, balance, unpaid_bills
from bot.services.errors import DomainError
from bot.services.gateway import GatewayTimeout, PaymentGateway
from bot.services.money import as_str
from bot.services.payments import after_payment, check_amount
from bot.services.secrets_util import sha256_hex
from bot.settings import Settings

LINK_TTL_MINUTES = 30


@dataclass(frozen=True)
class LinkView:
    amount: Decimal
    currency: str
    expires_at: datetime
    first_name: str


def create_link(
    db: Session,
    settings: Settings,
    *,
    customer: Customer,
    channel: str,
    amount: Decimal,
    now: datetime,
) -> dict[str, Any]:
    check_amount(db, customer, amount)
    token = secrets.token_urlsafe(24)
    expires_at = now + timedelta(minutes=LINK_TTL_MINUTES)
    link = PaymentLink(
        customer_id=customer.id,
        token_hash=sha256_hex(token),
        amount=amount,
        created_at=now,
        expires_at=expires_at,
    )
    db.add(link)
    db.flush()
    audit.record(
        db,
        now=now,
        action="payment_link_created",
        entity="payment_link",
        entity_id=link.id,
        channel=channel,
        customer_id=customer.id,
        details={"amount": as_str(amount)},
    )
    base = str(settings.payment_link_base_url).rstrip("/")
    return {
        "url": f"{base}/{token}",
        "amount": as_str(amount),
        "currency": settings.currency,
        "expires_at": expires_at,
    }


def _usable(db: Session, token: str, now: datetime, *, lock: bool = False) -> PaymentLink:
    if not token or len(token) > 64:
        raise DomainError(404, "link_not_found", "This payment link does not exist.")
    query = select(PaymentLink).where(PaymentLink.token_hash == sha256_hex(token))
    if lock:
        query = query.with_for_update()
    link = db.execute(query).scalar_one_or_none()
    if link is None:
        raise DomainError(404, "link_not_found", "This payment link does not exist.")
    if link.used_at is not None:
        raise DomainError(409, "link_used", "This payment link was already used.")
    if now >= link.expires_at:
        raise DomainError(410, "link_expired", "This payment link has expired.")
    return link


def describe(db: Session, settings: Settings, token: str, now: datetime) -> LinkView:
    link = _usable(db, token, now)
    customer = db.get(Customer, link.customer_id)
    assert customer is not None
    return LinkView(link.amount, settings.currency, link.expires_at, customer.first_name)


def redeem(
    db: Session,
    settings: Settings,
    gateway: PaymentGateway,
    *,
    token: str,
    card_token: str,
    now: datetime,
) -> Payment:
    """Charge the card entered on the hosted page; the link works once, on success."""
    link = _usable(db, token, now, lock=True)
    customer = db.get(Customer, link.customer_id)
    assert customer is not None
    bills = unpaid_bills(db, customer, for_update=True)
    amount = min(link.amount, balance(bills))
    if amount <= 0:
        raise DomainError(409, "no_balance_due", "There is nothing to pay any more.")
    payment = Payment(
        customer_id=customer.id,
        payment_method_id=None,
        amount=amount,
        status="pending",
        idempotency_key=f"link-{link.id}",
        channel="payment_link",
        created_at=now,
    )
    db.add(payment)
    db.flush()
    try:
        result = gateway.charge(
            token=card_token,
            amount=amount,
            currency=settings.currency,
            idempotency_key=f"link-{link.id}-{payment.id}",
        )
    except GatewayTimeout:
        payment.failure_code = "gateway_timeout"
    else:
        payment.status = result.status
        payment.gateway_reference = result.reference
        payment.failure_code = result.failure_code
    if payment.status == "succeeded":
        link.used_at = now
        apply_payment(bills, amount, now.date())
        after_payment(db, customer, bills, now)
    audit.record(
        db,
        now=now,
        action=f"payment_{payment.status}",
        entity="payment",
        entity_id=payment.id,
        channel="payment_link",
        customer_id=customer.id,
        details={"amount": as_str(amount), "failure_code": payment.failure_code},
    )
    return payment
