"""Talk to a running stack through each real channel, as the outside world does.

* Twilio SMS and WhatsApp: form posts signed with twilio's ``RequestValidator`` for the
  public webhook URL the channel is configured with; the answer is the TwiML body.
* Telegram: updates posted to the webhook with the secret-token header; the answers
  are the ``sendMessage`` calls the channel makes on a local fake Bot API.
* socket.io (the web widget): python-socketio's client over long-polling.

:func:`channel_env` is the environment that turns the three credentialed channels on;
:class:`Background` runs the fake Bot API and the socket.io clients on an event loop
in a thread, so the tests stay synchronous like the rest of ``tests/e2e``.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Coroutine
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Optional, Protocol, TypeVar
from urllib.parse import quote

import httpx
import socketio
from twilio.request_validator import RequestValidator

from tests.channels.fake_bot_api import FakeBotAPI, fake_bot_api
from tests.e2e.stack import RunningStack

T = TypeVar("T")

TWILIO_SID = "AC" + "e2e0" * 8
TWILIO_TOKEN = "e2e-twilio-auth-token-0123456789abcdef"
TELEGRAM_TOKEN = "424242:e2e-telegram-token"
TELEGRAM_SECRET = "e2e-telegram-webhook-secret-0123456789"
PUBLIC = "https://bot.telecomnet.example/webhooks/{name}/webhook"
OUR_NUMBER = "+15550009999"

_ids = itertools.count(int(time.time()) % 100_000 * 1000)


def channel_env(bot_api_base_url: str) -> dict[str, str]:
    return {
        "TCN_TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TCN_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TCN_TWILIO_SMS_WEBHOOK_URL": PUBLIC.format(name="twilio_sms"),
        "TCN_TWILIO_WHATSAPP_WEBHOOK_URL": PUBLIC.format(name="twilio_whatsapp"),
        "TCN_TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TCN_TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TCN_TELEGRAM_MODE": "webhook",
        "TCN_TELEGRAM_API_BASE_URL": bot_api_base_url,
    }


class Background:
    """An event loop in a daemon thread; ``run(coro)`` waits for its result."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def enter(self, manager: AbstractAsyncContextManager[T]) -> T:
        return self.run(manager.__aenter__())

    def leave(self, manager: AbstractAsyncContextManager[Any]) -> None:
        self.run(manager.__aexit__(None, None, None))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


class Conversation(Protocol):
    channel: str

    @property
    def conversation_id(self) -> str: ...

    def say(self, text: str) -> str: ...


def twiml_texts(body: str) -> str:
    root = ET.fromstring(body)
    return "\n".join((message.text or "") for message in root.iter("Message"))


@dataclass
class TwilioConversation:
    stack: RunningStack
    channel: str  # twilio_sms or twilio_whatsapp
    phone: str = field(default_factory=lambda: f"+1555{next(_ids) % 10_000_000:07d}")

    @property
    def conversation_id(self) -> str:
        return f"whatsapp:{self.phone}" if self.channel == "twilio_whatsapp" else self.phone

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.stack.settings.rasa_port}/webhooks/{self.channel}/webhook"

    def post(self, fields: dict[str, str], *, signature: Optional[str] = None) -> httpx.Response:
        if signature is None:
            public = PUBLIC.format(name=self.channel)
            signature = RequestValidator(TWILIO_TOKEN).compute_signature(public, fields)
        return httpx.post(
            self.url, data=fields, headers={"X-Twilio-Signature": signature}, timeout=60
        )

    def post_raw(self, body: bytes, content_type: str, *, signature: str) -> httpx.Response:
        headers = {"X-Twilio-Signature": signature, "Content-Type": content_type}
        return httpx.post(self.url, content=body, headers=headers, timeout=60)

    def fields(self, text: str) -> dict[str, str]:
        prefix = "whatsapp:" if self.channel == "twilio_whatsapp" else ""
        return {
            "MessageSid": f"SM{uuid.uuid4().hex}",
            "AccountSid": TWILIO_SID,
            "From": self.conversation_id,
            "To": prefix + OUR_NUMBER,
            "Body": text,
            "NumMedia": "0",
        }

    def say(self, text: str) -> str:
        response = self.post(self.fields(text))
        assert response.status_code == 200, (response.status_code, response.text[:300])
        return twiml_texts(response.text)


@dataclass
class TelegramConversation:
    stack: RunningStack
    bot_api: FakeBotAPI
    as_button: bool = False  # send the text as a forged inline-button press
    channel: str = "telegram"
    chat_id: int = field(default_factory=lambda: 7_000_000 + next(_ids) % 1_000_000)

    @property
    def conversation_id(self) -> str:
        return str(self.chat_id)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.stack.settings.rasa_port}/webhooks/telegram/webhook"

    def user(self) -> dict[str, Any]:
        return {"id": self.chat_id, "is_bot": False, "first_name": "Test"}

    def chat(self) -> dict[str, Any]:
        return {"id": self.chat_id, "type": "private", "first_name": "Test"}

    def update(self, text: str, as_button: bool) -> dict[str, Any]:
        update_id = next(_ids)
        message = {
            "message_id": update_id % 1_000_000,
            "date": int(time.time()),
            "chat": self.chat(),
            "from": self.user(),
            "text": text,
        }
        if not as_button:
            return {"update_id": update_id, "message": message}
        message["from"] = {"id": 4242, "is_bot": True, "first_name": "TeleComNet"}
        message["text"] = "What would you like?"
        return {
            "update_id": update_id,
            "callback_query": {
                "id": str(update_id),
                "from": self.user(),
                "chat_instance": "1",
                "message": message,
                "data": text,
            },
        }

    def post(self, body: Any, *, secret: Optional[str] = TELEGRAM_SECRET) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        if isinstance(body, (bytes, str)):
            headers["Content-Type"] = "application/json"
            return httpx.post(self.url, content=body, headers=headers, timeout=60)
        return httpx.post(self.url, json=body, headers=headers, timeout=60)

    def say(self, text: str, as_button: Optional[bool] = None) -> str:
        button = self.as_button if as_button is None else as_button
        before = len(self.bot_api.sent_texts(self.chat_id))
        response = self.post(self.update(text, button))
        assert response.status_code == 200, (response.status_code, response.text[:300])
        return "\n".join(self.bot_api.sent_texts(self.chat_id)[before:])


class SocketIOConversation:
    """One widget session; answers are collected until the bot is quiet."""

    channel = "socketio"

    def __init__(self, stack: RunningStack, background: Background) -> None:
        self.background = background
        self.url = f"http://127.0.0.1:{stack.settings.rasa_port}"
        self.answers: asyncio.Queue[dict[str, Any]] | None = None
        self.client: socketio.AsyncClient | None = None
        self.session_id = ""
        background.run(self._connect())

    @property
    def conversation_id(self) -> str:
        return self.session_id

    async def _connect(self) -> None:
        self.answers = asyncio.Queue()
        confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.client = socketio.AsyncClient()
        self.client.on("session_confirm", confirmed.put_nowait)
        self.client.on("bot_uttered", self.answers.put_nowait)
        # engineio's websocket client needs a newer aiohttp than Rasa pins: long-polling.
        await self.client.connect(self.url, transports=["polling"])
        await self.client.emit("session_request", {"session_id": None})
        self.session_id = await asyncio.wait_for(confirmed.get(), 30)

    async def _say(self, text: str, first_wait: float, quiet: float) -> str:
        assert self.client is not None and self.answers is not None
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        texts: list[str] = []
        wait = first_wait
        while True:
            try:
                answer = await asyncio.wait_for(self.answers.get(), wait)
            except asyncio.TimeoutError:
                return "\n".join(texts)
            texts.append(str(answer.get("text", "")))
            wait = quiet

    def say(self, text: str, first_wait: float = 45, quiet: float = 2.5) -> str:
        return self.background.run(self._say(text, first_wait, quiet))

    def close(self) -> None:
        if self.client is not None:
            self.background.run(self.client.disconnect())


def session_status(stack: RunningStack, conversation: Conversation) -> int:
    path = quote(conversation.conversation_id, safe="")
    with stack.backend() as api:
        return api.get(f"/api/v1/identity/sessions/{conversation.channel}/{path}").status_code


def start_bot_api(background: Background) -> tuple[FakeBotAPI, AbstractAsyncContextManager[Any]]:
    manager = fake_bot_api(TELEGRAM_TOKEN)
    return background.enter(manager), manager
