"""Telegram as a Rasa custom input channel, on python-telegram-bot.

credentials.yml::

    channels.telegram_channel.TelegramInput:
      token: ${TCN_TELEGRAM_BOT_TOKEN}
      webhook_secret: ${TCN_TELEGRAM_WEBHOOK_SECRET}
      mode: ${TCN_TELEGRAM_MODE}              # webhook (default) or polling
      api_base_url: ${TCN_TELEGRAM_API_BASE_URL}
      webhook_url: ${TCN_TELEGRAM_WEBHOOK_URL}  # optional: setWebhook at start-up

Telegram posts to ``/webhooks/telegram/webhook``.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, Chat, Update
from telegram.error import TelegramError

from channels.common.commands import telegram_text
from channels.common.no_answer import REPLY_DEADLINE_SECONDS, answer_always
from channels.common.state import ChannelState, channel_state
from channels.telegram_channel.config import TelegramConfig
from channels.telegram_channel.output import CallbackPayloads, TelegramOutput
from channels.telegram_channel.shape import usable_update

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
NOT_TEXT = "Sorry, I can only read text messages. Please type your question."
EDITED = "I can't act on an edited message. Please send your correction as a new message."
EXPIRED_BUTTON = "That button has expired. Please type what you would like to do."
PRIVATE_ONLY = "For your privacy I only help in a private chat. Please message me directly."
ERROR_TEXT = "Sorry, something went wrong on our side. Please try again in a few minutes."
POLL_TIMEOUT_SECONDS = 25

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class TelegramInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> InputChannel:
        return cls(TelegramConfig.from_credentials(credentials))

    def __init__(self, config: TelegramConfig, state: Optional[ChannelState] = None) -> None:
        self.config = config
        self.state = state or channel_state(config.state_url, self.name())
        self.payloads = CallbackPayloads()
        self.bot: Optional[Bot] = (
            Bot(token=config.token, base_url=config.api_base_url) if config.enabled else None
        )
        self._bot_ready = asyncio.Lock()
        self._poller: Optional[asyncio.Task[None]] = None
        if not config.enabled:
            logger.info("telegram channel disabled: its credentials are not set")

    async def ready_bot(self) -> Bot:
        assert self.bot is not None
        async with self._bot_ready:
            await self.bot.initialize()
        return self.bot

    # --- webhook ------------------------------------------------------------------
    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        # A message Rasa leaves unanswered (action server down) gets an apology; a slow
        # one (action server stalled) a "taking longer" note, the answer following.
        on_new_message = answer_always(on_new_message, ERROR_TEXT, deadline=REPLY_DEADLINE_SECONDS)
        webhook = Blueprint("telegram_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            status = f"ok ({self.config.mode})" if self.config.enabled else "disabled"
            return response.json({"status": status})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.config.enabled or self.config.mode != "webhook":
                return response.text("telegram webhook disabled", status=503)
            if not self._secret_ok(request):
                logger.warning("telegram: refused a webhook call without the secret token")
                return response.text("invalid secret token", status=403)
            data = request.json if isinstance(request.json, dict) else None
            if data is None:
                return response.text("expected a Telegram update", status=400)
            await self.handle_update(data, on_new_message)
            return response.text("ok")

        @webhook.listener("after_server_start")
        async def start(app: Sanic, _: Any) -> None:
            await self._on_start(on_new_message)

        @webhook.listener("before_server_stop")
        async def stop(app: Sanic, _: Any) -> None:
            await self._on_stop()

        return webhook

    def _secret_ok(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER, "")
        return bool(given) and hmac.compare_digest(
            given.encode("utf-8"), self.config.webhook_secret.encode("utf-8")
        )

    # --- updates ------------------------------------------------------------------
    async def handle_update(self, data: dict[str, Any], on_new_message: OnNewMessage) -> None:
        """Handle one update (from the webhook or from polling); never raises."""
        if not usable_update(data):
            # Answered 200 by the webhook all the same: a 5xx would make Telegram
            # redeliver it, and there is no chat to tell.
            logger.warning("telegram: ignored an update whose ids or text are not typed as "
                           "Telegram's")
            return
        try:
            bot = await self.ready_bot()
            update = Update.de_json(data, bot)
        except Exception:
            # Untrusted JSON: python-telegram-bot raises anything for a malformed update
            # (AttributeError for a field of the wrong type); a 5xx would make Telegram
            # redeliver the same malformed update again and again.
            logger.warning("telegram: could not read an update", exc_info=True)
            return
        if update is None or not await self.state.first_time(str(update.update_id)):
            return
        try:
            await self._dispatch(update, bot, on_new_message)
        except Exception:
            logger.exception("telegram: handling update %s failed", update.update_id)
            chat = update.effective_chat
            if chat is not None:
                try:
                    await bot.send_message(chat_id=chat.id, text=ERROR_TEXT)
                except TelegramError:
                    logger.exception("telegram: could not tell chat about the failure")

    async def _dispatch(self, update: Update, bot: Bot, on_new_message: OnNewMessage) -> None:
        output = TelegramOutput(bot, self.payloads)
        chat = update.effective_chat
        if chat is not None and chat.type != Chat.PRIVATE:
            # Account details must never be shown to a group: answer direct messages only.
            if update.message is not None and update.message.text is not None:
                await bot.send_message(chat_id=chat.id, text=PRIVATE_ONLY)
            elif update.callback_query is not None:
                await update.callback_query.answer()
            return
        if update.callback_query is not None:
            query = update.callback_query
            try:
                await query.answer()  # stops the button's spinner
            except TelegramError:
                logger.info("telegram: could not answer a callback query")
            message = query.message
            if message is None:
                return
            chat_id = message.chat.id
            payload = self.payloads.decode(query.data or "")
            try:  # the choice is made: remove the keyboard so it is not sent twice
                await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message.message_id)
            except TelegramError:
                logger.info("telegram: could not remove a used keyboard")
            if payload is None:
                await bot.send_message(chat_id=chat_id, text=EXPIRED_BUTTON)
                return
            await self._forward(payload, str(chat_id), query.from_user.id, output, on_new_message)
            return
        if update.edited_message is not None:
            await bot.send_message(chat_id=update.edited_message.chat.id, text=EDITED)
            return
        message = update.message
        if message is None:
            return  # channel posts, membership changes, polls...: nothing to answer
        if message.text is None:
            await bot.send_message(chat_id=message.chat.id, text=NOT_TEXT)
            return
        user_id = message.from_user.id if message.from_user else None
        text = telegram_text(message.text)
        if not text:
            return
        await self._forward(text, str(message.chat.id), user_id, output, on_new_message)

    async def _forward(
        self,
        text: str,
        chat_id: str,
        user_id: Optional[int],
        output: TelegramOutput,
        on_new_message: OnNewMessage,
    ) -> None:
        metadata = {"telegram_user_id": user_id, "telegram_chat_id": chat_id}
        await on_new_message(
            UserMessage(text, output, chat_id, input_channel=self.name(), metadata=metadata)
        )

    # --- start-up: register the webhook, or poll ----------------------------------
    async def _on_start(self, on_new_message: OnNewMessage) -> None:
        if not self.config.enabled:
            return
        try:
            bot = await self.ready_bot()
            if self.config.mode == "polling":
                await bot.delete_webhook()
                self._poller = asyncio.create_task(self._poll(bot, on_new_message))
            elif self.config.webhook_url:
                await bot.set_webhook(
                    url=self.config.webhook_url, secret_token=self.config.webhook_secret
                )
        except TelegramError:
            logger.exception("telegram: start-up with the Bot API failed; channel not live")

    async def _on_stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        if self.bot is not None:
            try:
                await self.bot.shutdown()
            except TelegramError:
                logger.info("telegram: shutdown of the Bot API client failed")

    async def _poll(self, bot: Bot, on_new_message: OnNewMessage) -> None:
        offset: Optional[int] = None
        while True:
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT_SECONDS, allowed_updates=Update.ALL_TYPES
                )
            except TelegramError:
                logger.warning("telegram: polling failed, retrying shortly")
                await asyncio.sleep(3)
                continue
            for update in updates:
                offset = update.update_id + 1
                # As JSON, like a webhook's body: the shape check reads JSON types.
                await self.handle_update(json.loads(update.to_json()), on_new_message)
