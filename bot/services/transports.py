"""Message transports behind the outbox: SMS (demo, Twilio) and email (demo, SMTP).

A transport makes exactly one attempt per message and raises on failure; the outbox
records the failure and never retries on its own (no retry storm towards a provider
that is down). The demo transports send nothing: in demo mode they keep the clear
text of the last messages in process memory only, so the demo-only outbox endpoint
and the ``make run`` console can show a one-time code that the database never holds.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections import OrderedDict
from email.message import EmailMessage
from email.utils import make_msgid
from threading import Lock
from typing import Optional, Protocol

from bot.settings import Settings

logger = logging.getLogger("bot.outbox")

DEMO_MEMORY = 2000  # clear-text messages a demo transport remembers


class SmsTransport(Protocol):
    name: str

    def send(self, to: str, body: str) -> Optional[str]:
        """Send and return the provider's reference (None when there is none)."""


class EmailTransport(Protocol):
    name: str

    def send_email(self, to: str, subject: str, body: str) -> Optional[str]:
        """Send one email and return its reference (None when there is none)."""


class _DemoMemory:
    """The clear text of the last messages, by reference; only when ``keep`` is true."""

    def __init__(self, keep: bool) -> None:
        self.keep = keep
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._lock = Lock()

    def remember(self, body: str) -> str:
        reference = f"demo-{uuid.uuid4().hex}"
        if self.keep:
            with self._lock:
                self._texts[reference] = body
                while len(self._texts) > DEMO_MEMORY:
                    self._texts.popitem(last=False)
        return reference

    def clear_text(self, reference: Optional[str]) -> Optional[str]:
        if not reference:
            return None
        with self._lock:
            return self._texts.get(reference)


class DemoTransport:
    """Sends nothing. With ``keep_clear_text`` (demo mode only) it logs the message
    ("[demo SMS] to ...: ...", the console stands for the customer's phone) and keeps
    it in memory; otherwise it logs only that a message went out."""

    name = "demo"

    def __init__(self, keep_clear_text: bool = False) -> None:
        self._memory = _DemoMemory(keep_clear_text)

    def send(self, to: str, body: str) -> Optional[str]:
        if self._memory.keep:
            logger.info("[demo SMS] to %s: %s", to, body)
        else:
            logger.info("[demo SMS] to %s (text withheld outside demo mode)", to)
        return self._memory.remember(body)

    def clear_text(self, reference: Optional[str]) -> Optional[str]:
        return self._memory.clear_text(reference)


class DemoEmailTransport:
    """The email counterpart of :class:`DemoTransport`."""

    name = "demo"

    def __init__(self, keep_clear_text: bool = False) -> None:
        self._memory = _DemoMemory(keep_clear_text)

    def send_email(self, to: str, subject: str, body: str) -> Optional[str]:
        if self._memory.keep:
            logger.info("[demo email] to %s: %s / %s", to, subject, body)
        else:
            logger.info("[demo email] to %s (text withheld outside demo mode)", to)
        return self._memory.remember(body)

    def clear_text(self, reference: Optional[str]) -> Optional[str]:
        return self._memory.clear_text(reference)


WHATSAPP_PREFIX = "whatsapp:"


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
        # Twilio sends WhatsApp only when both ends carry the prefix (whatsapp:+1...).
        sender = self._from
        if to.startswith(WHATSAPP_PREFIX) and not sender.startswith(WHATSAPP_PREFIX):
            sender = WHATSAPP_PREFIX + sender
        message = self._client.messages.create(to=to, from_=sender, body=body)
        return str(message.sid)


class SmtpTransport:
    """One SMTP session per email: STARTTLS (default), implicit TLS or plain, optional
    login, a timeout on every socket operation. Raises on any failure."""

    name = "smtp"

    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host:
            raise ValueError("the SMTP transport needs TCN_SMTP_HOST")
        if settings.smtp_security not in ("starttls", "ssl", "none"):
            raise ValueError(
                f"TCN_SMTP_SECURITY must be starttls, ssl or none, not {settings.smtp_security!r}"
            )
        if settings.smtp_username and not settings.smtp_password:
            raise ValueError("TCN_SMTP_USERNAME needs TCN_SMTP_PASSWORD")
        self._host = settings.smtp_host
        self._port = settings.smtp_port
        self._security = settings.smtp_security
        self._username = settings.smtp_username
        self._password = settings.smtp_password
        self._sender = settings.smtp_from
        self._timeout = settings.smtp_timeout_seconds
        ca_file = str(settings.smtp_ca_file) if settings.smtp_ca_file else None
        self._tls = ssl.create_default_context(cafile=ca_file)

    def _connect(self) -> smtplib.SMTP:
        if self._security == "ssl":
            return smtplib.SMTP_SSL(
                self._host, self._port, timeout=self._timeout, context=self._tls
            )
        client = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        if self._security == "starttls":
            try:
                client.starttls(context=self._tls)
            except BaseException:
                client.close()
                raise
        return client

    def send_email(self, to: str, subject: str, body: str) -> Optional[str]:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        message_id = make_msgid(domain=self._sender.rpartition("@")[2].strip("> ") or None)
        message["Message-ID"] = message_id
        message.set_content(body)
        with self._connect() as client:
            if self._username and self._password:
                client.login(self._username, self._password.get_secret_value())
            client.send_message(message)
        return message_id[:64]
