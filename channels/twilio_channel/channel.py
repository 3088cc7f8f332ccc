"""Twilio messaging webhook as Rasa custom input channels (SMS and WhatsApp).

credentials.yml::

    channels.twilio_channel.TwilioSMSInput:
      account_sid: ${TCN_TWILIO_ACCOUNT_SID}
      auth_token: ${TCN_TWILIO_AUTH_TOKEN}
      webhook_url: ${TCN_TWILIO_SMS_WEBHOOK_URL}

Twilio posts to ``/webhooks/twilio_sms/webhook`` (``twilio_whatsapp`` for WhatsApp).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Optional
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from channels.common.commands import typed_text
from channels.common.keywords import Keyword, classify
from channels.common.markup import plain_text, whatsapp_text
from channels.common.no_answer import answer_always
from channels.common.options import match_option
from channels.common.state import ChannelState, channel_state
from channels.twilio_channel.config import SMS_MAX_CHARS, WHATSAPP_MAX_CHARS, TwilioConfig
from channels.twilio_channel.output import (
    Outgoing,
    SMSCollector,
    TwilioCollector,
    WhatsAppCollector,
    twiml,
    twiml_text,
)
from channels.twilio_channel.rest import TwilioRestSender

logger = logging.getLogger(__name__)

STOP_TEXT = (
    "You are unsubscribed from TeleComNet assistant messages and will get no more replies. "
    "Text START to resubscribe."
)
START_TEXT = "Welcome back to the TeleComNet assistant. How can we help?"
HELP_TEXT = (
    "TeleComNet assistant: ask about your bill, payments, your plan, outages or service "
    "requests, or say 'agent' to reach a person. Text STOP to unsubscribe."
)
MEDIA_TEXT = "Sorry, I can only read text messages. Please type your question."
ERROR_TEXT = "Sorry, something went wrong on our side. Please try again in a few minutes."

TWIML = "application/xml"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def twilio_form(request: Request) -> RequestParameters:
    """The posted fields, blank ones included (Twilio signs an empty ``Body`` too)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return RequestParameters()
    try:
        fields = parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        return RequestParameters()
    return RequestParameters(fields)


class TwilioSMSInput(InputChannel):
    """SMS through Twilio's messaging webhook."""

    collector: ClassVar[type[TwilioCollector]] = SMSCollector
    default_max_chars: ClassVar[int] = SMS_MAX_CHARS
    sender_prefix: ClassVar[str] = ""

    @classmethod
    def name(cls) -> str:
        return "twilio_sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> InputChannel:
        return cls(TwilioConfig.from_credentials(credentials))

    def __init__(self, config: TwilioConfig, state: Optional[ChannelState] = None) -> None:
        self.config = config
        self.max_chars = config.max_chars or self.default_max_chars
        self.state = state or channel_state(config.state_url, self.name())
        self.validator = RequestValidator(config.auth_token) if config.enabled else None
        self.rest = TwilioRestSender(config)
        self._late_replies: set[asyncio.Future[None]] = set()
        if not config.enabled:
            logger.info("%s channel disabled: its Twilio credentials are not set", self.name())

    @staticmethod
    def render(text: str) -> str:
        return plain_text(text)

    def sender_allowed(self, sender: str) -> bool:
        return sender.startswith("+") and not sender.startswith("whatsapp:")

    def phone_number(self, sender: str) -> str:
        return sender.removeprefix(self.sender_prefix)

    # --- webhook ------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # A message Rasa leaves unanswered (action server down) gets an apology.
        on_new_message = answer_always(on_new_message, ERROR_TEXT)
        webhook = Blueprint(f"{self.name()}_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.config.enabled else "disabled"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.config.enabled:
                return response.text("channel disabled: credentials not set", status=503)
            form = twilio_form(request)
            if not self._signed_by_twilio(request, form):
                logger.warning("%s: refused a request with a missing or bad signature", self.name())
                return response.text("invalid signature", status=403)
            reply = await self._handle(form, on_new_message)
            return response.text(reply, content_type=TWIML)

        return webhook

    def _signed_by_twilio(self, request: Request, form: RequestParameters) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or self.validator is None:
            return False
        url = self.config.webhook_url
        if request.query_string:
            url = f"{url}?{request.query_string}"
        return bool(self.validator.validate(url, form, signature))

    async def _handle(
        self, form: RequestParameters, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> str:
        sender = str(form.get("From") or "")
        sid = str(form.get("MessageSid") or form.get("SmsSid") or "")
        body = str(form.get("Body") or "")
        if not sid or not self.sender_allowed(sender):
            return EMPTY_TWIML
        if not await self.state.first_time(sid):
            logger.info("%s: ignored a repeated delivery of %s", self.name(), sid)
            return EMPTY_TWIML

        opted_out = await self.state.opted_out(sender)
        keyword = classify(body, opted_out=opted_out)
        if keyword is Keyword.STOP:
            await self.state.opt_out(sender)
            await self.state.take(sender)
            return twiml_text(STOP_TEXT)
        if keyword is Keyword.START:
            await self.state.opt_in(sender)
            return twiml_text(START_TEXT)
        if opted_out:
            return EMPTY_TWIML
        if keyword is Keyword.HELP:
            return twiml_text(HELP_TEXT)
        if not body.strip():
            return (
                twiml_text(MEDIA_TEXT) if str(form.get("NumMedia") or "0") != "0" else EMPTY_TWIML
            )

        chosen = match_option(body, await self.state.take(sender))
        text = chosen.payload if chosen else typed_text(body)
        if not text:
            return EMPTY_TWIML
        metadata = {
            "phone_number": self.phone_number(sender),
            "phone_verified_by": "twilio_signature",
            "message_sid": sid,
        }
        message = UserMessage(
            text, self.collector(self.render), sender, input_channel=self.name(), metadata=metadata
        )
        conversation = asyncio.ensure_future(self._converse(message, on_new_message))
        try:
            outgoing = await asyncio.wait_for(
                asyncio.shield(conversation), self.config.reply_within_seconds
            )
        except asyncio.TimeoutError:
            our_number = str(form.get("To") or "")
            later = asyncio.ensure_future(self._reply_later(conversation, our_number, sender))
            self._late_replies.add(later)
            later.add_done_callback(self._late_replies.discard)
            return EMPTY_TWIML
        return twiml(outgoing, self.max_chars)

    async def _converse(
        self, message: UserMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> list[Outgoing]:
        collector = message.output_channel
        assert isinstance(collector, TwilioCollector)
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("%s: handling a message failed", self.name())
            return [Outgoing(text=ERROR_TEXT)]
        await self.state.offer(message.sender_id, collector.options)
        return collector.outgoing

    async def _reply_later(
        self, conversation: asyncio.Future[list[Outgoing]], our_number: str, sender: str
    ) -> None:
        outgoing = await conversation
        if not our_number or not outgoing or await self.state.opted_out(sender):
            return
        await self.rest.send(our_number, sender, outgoing, self.max_chars)


class TwilioWhatsAppInput(TwilioSMSInput):
    """WhatsApp through Twilio: same webhook, its own channel name and formatting."""

    collector = WhatsAppCollector
    default_max_chars = WHATSAPP_MAX_CHARS
    sender_prefix = "whatsapp:"

    @classmethod
    def name(cls) -> str:
        return "twilio_whatsapp"

    @staticmethod
    def render(text: str) -> str:
        return whatsapp_text(text)

    def sender_allowed(self, sender: str) -> bool:
        return sender.startswith("whatsapp:+")
