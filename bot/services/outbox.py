"""Every message the system sends goes through the outbox, then a transport.

The row is written once, with any secret in the message (a one-time code) already
replaced by ``REDACTED``: the clear text goes only to the transport. A transport
failure marks the row ``failed`` with a short reason and is never retried here.
Fictional demo destinations (the 555 exchange, reserved example domains) are never
handed to a real transport.

Transports live in :mod:`bot.services.transports`; SMS: ``demo`` or ``twilio``
(``TCN_SMS_TRANSPORT``), email: ``demo`` or ``smtp`` (``TCN_EMAIL_TRANSPORT``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Optional, Union

import phonenumbers
from sqlalchemy.orm import Session

from bot.db.models import OutboxMessage
from bot.services.transports import (
    DemoEmailTransport,
    DemoTransport,
    EmailTransport,
    SmsTransport,
    SmtpTransport,
    TwilioTransport,
)
from bot.settings import Settings

__all__ = [
    "REDACTED",
    "DemoEmailTransport",
    "DemoTransport",
    "EmailTransport",
    "SmsTransport",
    "SmtpTransport",
    "TwilioTransport",
    "make_email_transport",
    "make_transport",
    "readable_body",
    "send_email",
    "send_sms",
]

logger = logging.getLogger("bot.outbox")

REDACTED = "[code withheld]"
RESERVED_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_EMAIL_TLDS = (".example", ".test", ".invalid", ".localhost")


def make_transport(settings: Settings) -> SmsTransport:
    if settings.sms_transport == "twilio":
        return TwilioTransport(settings)
    if settings.sms_transport == "demo":
        return DemoTransport(keep_clear_text=settings.demo_mode)
    raise ValueError(f"unknown SMS transport {settings.sms_transport!r}")


def make_email_transport(settings: Settings) -> EmailTransport:
    if settings.email_transport == "smtp":
        return SmtpTransport(settings)
    if settings.email_transport == "demo":
        return DemoEmailTransport(keep_clear_text=settings.demo_mode)
    raise ValueError(f"unknown email transport {settings.email_transport!r}")


def is_fictional_phone(e164: str) -> bool:
    """A North American number in the 555 exchange (all generated demo numbers).

    A WhatsApp address (``whatsapp:+1...``) is judged by its number.
    """
    try:
        number = phonenumbers.parse(e164.removeprefix("whatsapp:"), None)
    except phonenumbers.NumberParseException:
        return False
    national = str(number.national_number)
    return number.country_code == 1 and len(national) == 10 and national[3:6] == "555"


def is_fictional_email(address: str) -> bool:
    """An address in a domain reserved for examples and tests (RFC 2606 / 6761)."""
    domain = address.rpartition("@")[2].lower().rstrip(".")
    return domain in RESERVED_EMAIL_DOMAINS or domain.endswith(
        tuple("." + d for d in RESERVED_EMAIL_DOMAINS) + RESERVED_EMAIL_TLDS
    )


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def _reason(exc: BaseException) -> str:
    """A short failure reason for the record (the full error goes to the log)."""
    detail = str(exc).replace("\n", " ").strip()
    return f"{type(exc).__name__}: {detail}"[:200] if detail else type(exc).__name__


def _deliver(
    message: OutboxMessage, send: Callable[..., Optional[str]], fictional: bool, *args: str
) -> None:
    """Hand the clear text to the transport once; record the outcome on the row."""
    if fictional and message.transport != "demo":
        message.status = "failed"
        message.failure_reason = "fictional demo destination: not handed to a real transport"
        logger.warning("not sending a %s to a fictional destination", message.medium)
        return
    try:
        message.provider_reference = send(*args)
        message.status = "sent"
    except Exception as exc:  # a transport failure must not lose the outbox record
        logger.exception("sending an %s through %s failed", message.medium, message.transport)
        message.status = "failed"
        message.failure_reason = _reason(exc)


def send_sms(
    db: Session,
    transport: SmsTransport,
    *,
    to: str,
    body: str,
    now: datetime,
    customer_id: Optional[int] = None,
    secrets: Iterable[str] = (),
) -> OutboxMessage:
    """Store the message (``secrets`` redacted) in the outbox and hand it to the transport."""
    secrets = tuple(secrets)
    message = OutboxMessage(
        customer_id=customer_id,
        medium="sms",
        to=to,
        body=redact(body, secrets),
        transport=transport.name,
        status="queued",
        created_at=now,
    )
    db.add(message)
    _deliver(message, transport.send, is_fictional_phone(to), to, body)
    db.flush()
    return message


def send_email(
    db: Session,
    transport: EmailTransport,
    *,
    to: str,
    subject: str,
    body: str,
    now: datetime,
    customer_id: Optional[int] = None,
    secrets: Iterable[str] = (),
) -> OutboxMessage:
    """Store the email (``secrets`` redacted) in the outbox and hand it to the transport."""
    secrets = tuple(secrets)
    message = OutboxMessage(
        customer_id=customer_id,
        medium="email",
        to=to,
        subject=redact(subject, secrets),
        body=redact(body, secrets),
        transport=transport.name,
        status="queued",
        created_at=now,
    )
    db.add(message)
    _deliver(message, transport.send_email, is_fictional_email(to), to, subject, body)
    db.flush()
    return message


def readable_body(
    message: OutboxMessage, transports: Iterable[Union[SmsTransport, EmailTransport]]
) -> str:
    """Demo mode: the clear text a demo transport still remembers, else the stored body."""
    for transport in transports:
        clear_text = getattr(transport, "clear_text", None)
        if transport.name == message.transport and callable(clear_text):
            found = clear_text(message.provider_reference)
            if isinstance(found, str):
                return found
    return str(message.body)
