"""Contact-detail updates; a phone change is announced to the old number, an email
change to the old address (so a hijacked account does not change quietly)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy.orm import Session

from bot.db.models import Customer
from bot.services import audit
from bot.services.errors import DomainError
from bot.services.outbox import EmailTransport, SmsTransport, send_email, send_sms
from bot.services.phones import mask


def mask_email(address: str) -> str:
    """'maria.lopez1@example.com' -> 'm•••@example.com'."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def update_contact(
    db: Session,
    transport: SmsTransport,
    customer: Customer,
    *,
    email_transport: EmailTransport,
    email: Optional[str],
    phone: Optional[str],
    address: Optional[str],
    postcode: Optional[str],
    channel: str,
    now: datetime,
) -> list[str]:
    """Apply the given (already validated) fields; returns the names of changed fields."""
    changes = {"email": email, "phone": phone, "address": address, "postcode": postcode}
    given = {name: value for name, value in changes.items() if value is not None}
    if not given:
        raise DomainError(
            422, "nothing_to_update", "Give at least one of email, phone, address, postcode."
        )
    changed = [name for name, value in given.items() if getattr(customer, name) != value]
    old_phone, old_email = customer.phone, customer.email
    for name in changed:
        setattr(customer, name, given[name])
    if "phone" in changed:
        send_sms(
            db,
            transport,
            to=old_phone,
            body="TeleComNet: the phone number on your account was changed to "
            f"{mask(customer.phone)}. If this was not you, call us.",
            now=now,
            customer_id=customer.id,
        )
    if "email" in changed and old_email:
        send_email(
            db,
            email_transport,
            to=old_email,
            subject="The email address on your TeleComNet account was changed",
            body="The email address on your TeleComNet account was changed to "
            f"{mask_email(customer.email)}. If this was not you, call us.",
            now=now,
            customer_id=customer.id,
        )
    if changed:
        audit.record(
            db,
            now=now,
            action="contact_updated",
            entity="customer",
            entity_id=customer.id,
            channel=channel,
            customer_id=customer.id,
            details={"fields": changed},
        )
    return changed
