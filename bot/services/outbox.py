"""Every message the system sends goes through the outbox, then a transport.

The demo transport only stores the message (readable through the demo-only endpoint)
and logs one line; the Twilio transport sends a real SMS.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Optional, Protocol

from sqlalchemy.orm import Session

from bot.db.models import OutboxMessage
from bot.settings import Settings

logger = logging.getLogger("bot.outbox")


class SmsTransport(Protocol):
    name: str

    def send(self, to: str, body: str) -> Optional[str]:
        """Send and return the provider's reference (None when there is none)."""


class DemoTransport:
    name = "demo"

    def send(self, to: str, body: str) -> Optional[str]:
        logger.info("[demo SMS] to %s: %s", to, body)
        return None


class TwilioTransport:
    name = "twilio"

    def __init__(self, settings: Settings) -> None:
        from twilio.rest import Client

        if not (
            settings.twilio_account_sid
            and settings.twilio_auth_token
            and settings.twilio_from_number
        ):
            raise ValueError(
                "the Twilio transport needs TCN_TWILIO_ACCOUNT_SID, _AUTH_TOKEN, _FROM_NUMBER"
            )
        self._client = Client(
            settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value()
        )
        self._from = settings.twilio_from_number

    def send(self, to: str, body: str) -> Optional[str]:
        message = self._client.messages.create(to=to, from_=self._from, body=body)
        return str(message.sid)


def make_transport(settings: Settings) -> SmsTransport:
    if settings.sms_transport == "twilio":
        return TwilioTransport(settings)
    if settings.sms_transport == "demo":
        return DemoTransport()
    raise ValueError(f"unknown SMS transport {settings.sms_transport!r}")


def send_sms(
    db: Session,
    transport: SmsTransport,
    *,
    to: str,
    body: str,
    now: datetime,
    customer_id: Optional[int] = None,
) -> OutboxMessage:
    """Store the message in the outbox and hand it to the transport."""
    message = OutboxMessage(
        customer_id=customer_id,
        medium="sms",
        to=to,
        body=body,
        transport=transport.name,
        status="queued",
        created_at=now,
    )
    db.add(message)
    try:
        message.provider_reference = transport.send(to, body)
        message.status = "sent"
    except Exception:  # a transport failure must not lose the outbox record
        logger.exception("sending an SMS through %s failed", transport.name)
        message.status = "failed"
    db.flush()
    return message
