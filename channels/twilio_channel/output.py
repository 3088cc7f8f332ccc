"""Collects the assistant's answers to one Twilio message and renders them as TwiML."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Optional

from rasa.core.channels.channel import OutputChannel
from twilio.twiml.messaging_response import MessagingResponse

from channels.common.options import Option, numbered_menu, options_from_buttons
from channels.common.text import split_text


@dataclass
class Outgoing:
    text: str = ""
    media_url: Optional[str] = None


class TwilioCollector(OutputChannel):
    """Rasa output channel for one webhook call: nothing is sent until the TwiML reply.

    Buttons become a numbered menu; the offered options are kept in ``options`` for the
    channel to store, so the payloads never reach the phone. ``name()`` is the input
    channel's name, so Rasa picks the channel's response variants.
    """

    channel_name: ClassVar[str] = "twilio_sms"

    def __init__(self, render: Callable[[str], str]) -> None:
        self.render = render
        self.outgoing: list[Outgoing] = []
        self.options: list[Option] = []

    @classmethod
    def name(cls) -> str:
        return cls.channel_name

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        if text and text.strip():
            self.outgoing.append(Outgoing(text=self.render(text.strip())))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        if image.startswith(("https://", "http://")):
            self.outgoing.append(Outgoing(media_url=image))

    async def send_attachment(  # type: ignore[override]
        self, recipient_id: str, attachment: Any, **kwargs: Any
    ) -> None:
        if isinstance(attachment, str) and attachment.strip():
            self.outgoing.append(Outgoing(text=self.render(attachment.strip())))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        options = options_from_buttons(buttons)
        if not options:
            await self.send_text_message(recipient_id, text)
            return
        self.options = options
        body = self.render(text.strip()) if text and text.strip() else ""
        menu = numbered_menu(options)
        self.outgoing.append(Outgoing(text=f"{body}\n\n{menu}" if body else menu))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        for element in elements:
            title = str(element.get("title") or "")
            subtitle = str(element.get("subtitle") or "")
            text = "\n".join(part for part in (title, subtitle) if part)
            await self.send_text_with_buttons(recipient_id, text, element.get("buttons") or [])

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        # Only a plain "text" field of custom payloads is meaningful on a phone.
        text = json_message.get("text")
        if isinstance(text, str):
            await self.send_text_message(recipient_id, text)


def twiml(parts: Sequence[Outgoing], max_chars: int) -> str:
    """One ``<Message>`` per part; long texts split at sensible boundaries."""
    response = MessagingResponse()
    for part in parts:
        chunks = split_text(part.text, max_chars) if part.text else [""]
        for index, chunk in enumerate(chunks):
            message = response.message(chunk)
            if part.media_url and index == len(chunks) - 1:
                message.media(part.media_url)
    return str(response)


def twiml_text(*texts: str) -> str:
    return twiml([Outgoing(text=text) for text in texts], max_chars=1600)


class SMSCollector(TwilioCollector):
    channel_name = "twilio_sms"


class WhatsAppCollector(TwilioCollector):
    channel_name = "twilio_whatsapp"
