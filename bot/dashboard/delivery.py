"""Delivering an agent's reply on the channel the customer used.

* ``twilio_sms`` / ``twilio_whatsapp``: the backend's outbox and its SMS transport
  (demo or Twilio); the conversation id is the customer's number (``whatsapp:+1...``
  for WhatsApp).
* ``telegram``: the Bot API's ``sendMessage`` through python-telegram-bot (the
  conversation id is the chat id), at ``TCN_TELEGRAM_API_BASE_URL``.
* ``socketio`` (web widget): the Rasa server's agent route
  (``channels/webchat/agent_relay.py``), authenticated with ``TCN_AGENT_RELAY_SECRET``;
  it emits the text to the customer's socket.io session room.
* ``rest`` and anything else: no way to reach the customer (``not_possible``).

Every delivered reply is also recorded in Rasa's conversation store through the same
route (``channel`` named, ``kind: "reply"``; for the web the route's emit and record are
one call). If the Rasa server cannot be reached the reply still goes out on the
customer's channel and the agent is told it is missing from the conversation history;
that copy is not retried (``agent_messages`` keeps the reply for the dashboard).

Handing back (:meth:`ReplyDelivery.hand_back`) first asks the Rasa server to resume the
conversation (``kind: "hand_back"``); only then is the text delivered. If the Rasa
server cannot record it, nothing is sent and :class:`HandBackRefused` says why, so the
agent can try again (the conversation stays paused otherwise). With the relay off
(no secret) the text is delivered and the assistant resumes only when the customer's
session expires (``session_expiration_time`` in domain.yml).

Failures come back as a ``Delivery`` with a short, operator-facing reason; raw
exception text is logged, never shown.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import datetime

import httpx
from sqlalchemy.orm import Session

from bot.services.outbox import SmsTransport, send_sms
from bot.settings import PLACEHOLDER_PREFIX, Settings

logger = logging.getLogger("bot.dashboard.delivery")

TELEGRAM_DEFAULT_BASE_URL = "https://api.telegram.org/bot"
RELAY_HEADER = "X-Agent-Relay-Key"
DEMO_RELAY_SECRET = "demo-agent-relay-secret-change-me"  # noqa: S105 (demo placeholder)
RELAY_PATH = "/webhooks/socketio/agent_message"
TIMEOUT_SECONDS = 5.0
CLOSED = "The customer's chat window is closed (not connected)."
NOT_IN_HISTORY = ("NOT copied to the conversation history (the chat server could not "
                  "record it; not retried)")
RESUMES_LATER = ("The assistant resumes when the customer's session expires (after "
                 "60 minutes of silence).")


class HandBackRefused(Exception):
    """The Rasa server could not resume the conversation; nothing was sent."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Delivery:
    status: str  # sent | failed | not_possible
    detail: str = ""
    recorded: bool = False  # copied into Rasa's conversation store

    @property
    def sent(self) -> bool:
        return self.status == "sent"


def relay_secret(settings: Settings) -> str:
    """The agent relay secret; empty (relay off) for a placeholder outside demo mode.

    In demo mode an empty value (e.g. a copied .env.example) means the demo default, so
    the backend and the Rasa process, both reading it here, still agree.
    """
    secret = settings.agent_relay_secret.get_secret_value()
    if settings.demo_mode:
        return secret or DEMO_RELAY_SECRET
    if not secret or secret.startswith(PLACEHOLDER_PREFIX):
        return ""
    return secret


class ReplyDelivery:
    def __init__(self, settings: Settings, sms_transport: SmsTransport) -> None:
        self.settings = settings
        self.sms_transport = sms_transport

    def deliver(
        self, db: Session, *, channel: str, conversation_id: str, text: str, now: datetime,
        customer_id: int | None = None,
    ) -> Delivery:
        if not conversation_id:
            return Delivery("not_possible", "The request has no conversation to reply to.")
        if channel == "socketio":
            return self._web(conversation_id, text)
        outcome = self._push(db, channel, conversation_id, text, now, customer_id)
        if not outcome.sent:
            return outcome
        recorded, _ = self._relay(channel, conversation_id, text, "reply")
        if recorded.recorded:
            return replace(outcome, recorded=True)
        return replace(outcome, detail=f"{outcome.detail}; {NOT_IN_HISTORY}")

    def hand_back(
        self, db: Session, *, channel: str, conversation_id: str, text: str, now: datetime,
        customer_id: int | None = None,
    ) -> Delivery:
        """Resume the assistant in Rasa, then tell the customer on their channel.

        Raises :class:`HandBackRefused` when the Rasa server could not resume it.
        """
        if not conversation_id:
            return Delivery("not_possible", "The request has no conversation to reply to.")
        resumed, accepted = self._relay(channel, conversation_id, text, "hand_back")
        if resumed.status != "not_possible" and not accepted:
            raise HandBackRefused(
                f"Not handed back: {resumed.detail} The assistant is still paused; "
                "try again in a moment.")
        if channel == "socketio":
            if resumed.status == "not_possible":
                return Delivery("not_possible", f"{resumed.detail} {RESUMES_LATER}")
            return resumed
        outcome = self._push(db, channel, conversation_id, text, now, customer_id)
        if resumed.status == "not_possible":
            return replace(outcome, detail=f"{outcome.detail}; {resumed.detail} {RESUMES_LATER}")
        return replace(outcome, recorded=resumed.recorded)

    def _push(self, db: Session, channel: str, conversation_id: str, text: str,
              now: datetime, customer_id: int | None) -> Delivery:
        if channel in ("twilio_sms", "twilio_whatsapp"):
            return self._sms(db, channel, conversation_id, text, now, customer_id)
        if channel == "telegram":
            return self._telegram(conversation_id, text)
        return Delivery("not_possible",
                        f"Replies cannot be pushed to the {channel} channel; contact the "
                        "customer another way.")

    def _sms(self, db: Session, channel: str, to: str, text: str, now: datetime,
             customer_id: int | None) -> Delivery:
        message = send_sms(db, self.sms_transport, to=to, body=text, now=now,
                           customer_id=customer_id)
        if channel == "twilio_whatsapp":
            message.medium = "whatsapp"
        db.flush()
        if message.status == "sent":
            return Delivery("sent", f"through the outbox ({message.transport})")
        return Delivery("failed", "The message transport refused it (see the outbox).")

    def _telegram(self, chat: str, text: str) -> Delivery:
        token = self.settings.telegram_bot_token.get_secret_value()
        if not token:
            return Delivery("not_possible", "Telegram is not configured (TCN_TELEGRAM_BOT_TOKEN).")
        try:
            chat_id = int(chat)
        except ValueError:
            return Delivery("failed", "The conversation id is not a Telegram chat id.")
        base_url = self.settings.telegram_api_base_url or TELEGRAM_DEFAULT_BASE_URL
        try:
            asyncio.run(_telegram_send(token, base_url, chat_id, text))
        except Exception:  # the library's network and API errors
            logger.exception("Telegram sendMessage failed")
            return Delivery("failed", "Telegram did not accept the message.")
        return Delivery("sent", "through the Telegram Bot API")

    def _web(self, session_id: str, text: str) -> Delivery:
        outcome, _ = self._relay("socketio", session_id, text, "reply")
        if outcome.sent and not outcome.recorded:
            return replace(outcome, detail=f"{outcome.detail}; {NOT_IN_HISTORY}")
        return outcome

    def _relay(self, channel: str, conversation_id: str, text: str,
               kind: str) -> tuple[Delivery, bool]:
        """The Rasa server's agent route: record (and for the web, emit) the text.

        Also whether the route accepted the call (200).
        """
        secret = relay_secret(self.settings)
        if not secret:
            return Delivery("not_possible", "The relay to the chat server is off "
                            "(TCN_AGENT_RELAY_SECRET)."), False
        url = self.settings.rasa_url + RELAY_PATH
        body = {"conversation_id": conversation_id, "text": text, "channel": channel,
                "kind": kind}
        try:
            response = httpx.post(url, json=body, headers={RELAY_HEADER: secret},
                                  timeout=TIMEOUT_SECONDS)
        except httpx.HTTPError as error:
            logger.warning("agent relay unreachable: %s", type(error).__name__)
            return Delivery("failed", "The chat server could not be reached."), False
        if response.status_code == 200:
            answer = response.json() if _is_json(response) else {}
            recorded = answer.get("recorded") is True
            if channel != "socketio":
                return Delivery("sent", "recorded in the conversation", recorded=recorded), True
            if answer.get("delivered"):
                return Delivery("sent", "to the customer's open chat window",
                                recorded=recorded), True
            return Delivery("failed", CLOSED, recorded=recorded), True
        if response.status_code == 404:
            return Delivery("failed", CLOSED), False
        if response.status_code == 503:
            return Delivery("failed", "The chat server could not store the conversation."), False
        logger.warning("agent relay answered %s", response.status_code)
        return Delivery("failed",
                        f"The chat server refused the message ({response.status_code})."), False


def _is_json(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "").startswith("application/json")


async def _telegram_send(token: str, base_url: str, chat_id: int, text: str) -> None:
    from telegram import Bot

    async with Bot(token, base_url=base_url) as bot:
        await bot.send_message(chat_id=chat_id, text=text)
