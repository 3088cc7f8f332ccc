"""Sends the assistant's answers to a Telegram chat through the Bot API."""

from __future__ import annotations

import hashlib
import html
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, Optional

from rasa.core.channels.channel import OutputChannel
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode

from channels.common.options import options_from_buttons
from channels.common.text import split_text

TELEGRAM_MAX_CHARS = 4096
CALLBACK_DATA_MAX_BYTES = 64
STORED_PREFIX = "#"

_MARKUP = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)|\*\*([^*\n]+)\*\*")


def telegram_html(text: str) -> str:
    """The widget's light markup (links, bold) as Telegram HTML; everything else escaped."""
    out: list[str] = []
    last = 0
    for match in _MARKUP.finditer(text):
        out.append(html.escape(text[last : match.start()], quote=False))
        if match.group(1) is not None:
            href = html.escape(match.group(2), quote=True)
            out.append(f'<a href="{href}">{html.escape(match.group(1), quote=False)}</a>')
        else:
            out.append(f"<b>{html.escape(match.group(3), quote=False)}</b>")
        last = match.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


class CallbackPayloads:
    """Button payloads as callback data within Telegram's 64-byte limit.

    A short payload travels as is; a longer one (or one that starts with ``#``) is kept
    here and travels as ``#`` + a 16-hex-digit digest.
    """

    def __init__(self, max_entries: int = 50_000) -> None:
        self._stored: OrderedDict[str, str] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def encode(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES and not payload.startswith(
            STORED_PREFIX
        ):
            return payload
        key = STORED_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
        with self._lock:
            self._stored[key] = payload
            self._stored.move_to_end(key)
            while len(self._stored) > self._max:
                self._stored.popitem(last=False)
        return key

    def decode(self, data: str) -> Optional[str]:
        """The payload, or ``None`` for an unknown stored key (e.g. after a restart)."""
        if not data.startswith(STORED_PREFIX):
            return data
        with self._lock:
            return self._stored.get(data)


class TelegramOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, bot: Bot, payloads: CallbackPayloads) -> None:
        self.bot = bot
        self.payloads = payloads

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text, TELEGRAM_MAX_CHARS - 200) if text.strip() else []:
            await self.bot.send_message(
                chat_id=recipient_id, text=telegram_html(part), parse_mode=ParseMode.HTML
            )

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        if image.startswith(("https://", "http://")):
            await self.bot.send_photo(chat_id=recipient_id, photo=image)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        options = options_from_buttons(buttons)
        if not options:
            await self.send_text_message(recipient_id, text)
            return
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        option.title, callback_data=self.payloads.encode(option.payload)
                    )
                ]
                for option in options
            ]
        )
        body = text.strip() or "Please choose:"
        await self.bot.send_message(
            chat_id=recipient_id,
            text=telegram_html(body[: TELEGRAM_MAX_CHARS - 200]),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        for element in elements:
            text = "\n".join(
                str(element.get(key) or "") for key in ("title", "subtitle") if element.get(key)
            )
            await self.send_text_with_buttons(recipient_id, text, element.get("buttons") or [])

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        text = json_message.get("text")
        if isinstance(text, str):
            await self.send_text_message(recipient_id, text)
