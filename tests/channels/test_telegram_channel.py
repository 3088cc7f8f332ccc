"""The Telegram channel on a real Sanic server, talking to a local fake Bot API."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from telegram import (
    CallbackQuery,
    Chat,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    Message,
    PhotoSize,
    Sticker,
    Update,
    User,
    Voice,
)

from channels.telegram_channel import TelegramInput
from channels.telegram_channel.channel import (
    EDITED,
    ERROR_TEXT,
    EXPIRED_BUTTON,
    NOT_TEXT,
    PRIVATE_ONLY,
)
from channels.telegram_channel.config import TelegramConfig
from tests.channels.fake_bot_api import FakeBotAPI, fake_bot_api
from tests.channels.sanic_server import FakeBot, serve_channel

TOKEN = "123456:TEST-token-for-the-fake-bot-api"
SECRET = "s3cret-token_value"
CHAT = Chat(id=777001, type=Chat.PRIVATE)
USER = User(id=555, is_bot=False, first_name="Ada")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
_ids = itertools.count(1)
LONG_PAYLOAD = '/pay_bill{"amount": "42.50", "payment_method_id": "pm_0123456789abcdef"}'


def text_update(text: str, update_id: int | None = None) -> dict[str, Any]:
    message = Message(message_id=next(_ids), date=NOW, chat=CHAT, from_user=USER, text=text)
    return Update(update_id=update_id or next(_ids), message=message).to_dict()


@dataclass
class TelegramHarness:
    api: FakeBotAPI
    bot: FakeBot
    client: httpx.AsyncClient

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return await self.client.post("webhook", json=update, headers=headers)

    def sent(self) -> list[str]:
        return self.api.sent_texts(CHAT.id)


async def _harness(config_extra: dict[str, str]) -> AsyncIterator[TelegramHarness]:
    async with fake_bot_api(TOKEN) as api:
        credentials = {"token": TOKEN, "webhook_secret": SECRET, "api_base_url": api.base_url}
        credentials.update(config_extra)
        channel = TelegramInput.from_credentials(credentials)
        bot = FakeBot(
            buttons=[
                {"title": "Check my bill", "payload": "/check_bill"},
                {"title": "Pay 42.50 now", "payload": LONG_PAYLOAD},
            ]
        )
        async with (
            serve_channel(channel, bot) as base,
            httpx.AsyncClient(base_url=f"{base}/webhooks/telegram/") as client,
        ):
            yield TelegramHarness(api, bot, client)


@pytest.fixture
async def telegram() -> AsyncIterator[TelegramHarness]:
    async for harness in _harness({}):
        yield harness


async def test_text_message_reaches_the_bot_and_the_answer_is_sent(
    telegram: TelegramHarness,
) -> None:
    reply = await telegram.post(text_update("hello <there> & you"))
    assert reply.status_code == 200
    [message] = telegram.bot.received
    assert message.text == "hello <there> & you"
    assert message.sender_id == str(CHAT.id)
    assert message.input_channel == "telegram"
    assert message.output_channel.name() == "telegram"
    assert message.metadata == {"telegram_user_id": USER.id, "telegram_chat_id": str(CHAT.id)}
    [sent] = telegram.api.called("sendMessage")
    assert sent["text"] == "echo: hello &lt;there&gt; &amp; you"
    assert sent["parse_mode"] == "HTML"


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x"])
async def test_missing_or_wrong_secret_token_is_refused(
    telegram: TelegramHarness, secret: str | None
) -> None:
    reply = await telegram.post(text_update("hello"), secret=secret)
    assert reply.status_code == 403
    assert telegram.bot.received == []
    assert telegram.api.called("sendMessage") == []


async def test_repeated_update_id_is_ignored(telegram: TelegramHarness) -> None:
    update = text_update("pay my bill")
    for _ in range(3):
        assert (await telegram.post(update)).status_code == 200
    assert telegram.bot.texts == ["pay my bill"]
    assert telegram.sent() == ["echo: pay my bill"]


async def test_buttons_are_an_inline_keyboard_and_callbacks_are_answered(
    telegram: TelegramHarness,
) -> None:
    await telegram.post(text_update("buttons"))
    [sent] = telegram.api.called("sendMessage")
    assert sent["text"] == "What would you like?"
    rows = sent["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in rows] == ["Check my bill", "Pay 42.50 now"]
    data = [row[0]["callback_data"] for row in rows]
    assert data[0] == "/check_bill"
    assert all(len(d.encode()) <= 64 for d in data)
    assert data[1].startswith("#")  # the long payload stays on the server

    keyboard_message = Message(
        message_id=4321, date=NOW, chat=CHAT, from_user=User(4242, "TeleComNet", True)
    )
    click = CallbackQuery(
        id="cbq-1", from_user=USER, chat_instance="ci", message=keyboard_message, data=data[1]
    )
    assert (
        await telegram.post(Update(next(_ids), callback_query=click).to_dict())
    ).status_code == 200
    assert telegram.bot.texts[-1] == LONG_PAYLOAD
    assert telegram.bot.received[-1].sender_id == str(CHAT.id)
    assert [c["callback_query_id"] for c in telegram.api.called("answerCallbackQuery")] == ["cbq-1"]
    [edit] = telegram.api.called("editMessageReplyMarkup")
    assert int(edit["message_id"]) == 4321


async def test_unknown_stored_callback_data_gets_a_polite_answer(
    telegram: TelegramHarness,
) -> None:
    keyboard_message = Message(message_id=9, date=NOW, chat=CHAT)
    click = CallbackQuery(
        id="cbq-2",
        from_user=USER,
        chat_instance="ci",
        message=keyboard_message,
        data="#0123456789abcdef",
    )
    await telegram.post(Update(next(_ids), callback_query=click).to_dict())
    assert telegram.bot.received == []
    assert telegram.sent() == [EXPIRED_BUTTON]
    assert len(telegram.api.called("answerCallbackQuery")) == 1


def _message_with(**content: Any) -> dict[str, Any]:
    message = Message(message_id=next(_ids), date=NOW, chat=CHAT, from_user=USER, **content)
    return Update(next(_ids), message=message).to_dict()


@pytest.mark.parametrize(
    "update",
    [
        _message_with(photo=(PhotoSize("f1", "u1", 90, 90),)),
        _message_with(sticker=Sticker("f2", "u2", 512, 512, False, False, Sticker.REGULAR)),
        _message_with(voice=Voice("f3", "u3", 3)),
    ],
    ids=["photo", "sticker", "voice"],
)
async def test_non_text_messages_get_a_polite_answer(
    telegram: TelegramHarness, update: dict[str, Any]
) -> None:
    assert (await telegram.post(update)).status_code == 200
    assert telegram.bot.received == []
    assert telegram.sent() == [NOT_TEXT]


async def test_edited_messages_are_not_acted_on(telegram: TelegramHarness) -> None:
    edited = Message(message_id=5, date=NOW, chat=CHAT, from_user=USER, text="pay 500")
    assert (
        await telegram.post(Update(next(_ids), edited_message=edited).to_dict())
    ).status_code == 200
    assert telegram.bot.received == []
    assert telegram.sent() == [EDITED]


async def test_other_updates_are_ignored(telegram: TelegramHarness) -> None:
    change = ChatMemberUpdated(
        chat=CHAT,
        from_user=USER,
        date=NOW,
        old_chat_member=ChatMemberMember(user=User(4242, "TeleComNet", True)),
        new_chat_member=ChatMemberLeft(user=User(4242, "TeleComNet", True)),
    )
    assert (
        await telegram.post(Update(next(_ids), my_chat_member=change).to_dict())
    ).status_code == 200
    assert telegram.bot.received == []
    assert telegram.api.called("sendMessage") == []


async def test_not_an_update_is_a_bad_request(telegram: TelegramHarness) -> None:
    reply = await telegram.client.post(
        "webhook",
        content=b"[1, 2]",
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "content-type": "application/json"},
    )
    assert reply.status_code == 400


async def test_a_failure_never_shows_its_text(telegram: TelegramHarness) -> None:
    assert (await telegram.post(text_update("boom"))).status_code == 200
    assert telegram.sent() == [ERROR_TEXT]


async def test_markup_becomes_telegram_html(telegram: TelegramHarness) -> None:
    await telegram.post(text_update("markup"))
    assert telegram.sent() == [
        'You owe <b>$42.50</b>. See <a href="https://t.example/b">your bill</a>.'
    ]


async def test_webhook_url_is_registered_with_the_secret_at_start_up() -> None:
    async for harness in _harness({"webhook_url": "https://bot.telecomnet.example/wh"}):
        [registered] = harness.api.called("setWebhook")
        assert registered["url"] == "https://bot.telecomnet.example/wh"
        assert registered["secret_token"] == SECRET


async def test_polling_mode_answers_without_a_public_url() -> None:
    async for harness in _harness({"mode": "polling", "webhook_secret": ""}):
        await harness.api.wait_for("deleteWebhook")
        update = text_update("hello by polling")
        harness.api.pending_updates.append(update)
        harness.api.pending_updates.append(update)  # delivered twice: acted on once
        await harness.api.wait_for("sendMessage")
        assert harness.bot.texts == ["hello by polling"]
        assert harness.sent() == ["echo: hello by polling"]
        # The webhook is not an entrance in polling mode.
        assert (await harness.post(text_update("x"))).status_code == 503


@pytest.mark.parametrize(
    "credentials",
    [
        {},
        {"token": ""},
        {"token": TOKEN},
        {"token": TOKEN, "webhook_secret": "", "mode": "webhook"},
    ],
)
async def test_channel_without_credentials_is_disabled(credentials: dict[str, str]) -> None:
    channel = TelegramInput.from_credentials(credentials)
    bot = FakeBot()
    async with serve_channel(channel, bot) as base, httpx.AsyncClient() as client:
        health = await client.get(f"{base}/webhooks/telegram/")
        assert health.json() == {"status": "disabled"}
        reply = await client.post(
            f"{base}/webhooks/telegram/webhook",
            json=text_update("hi"),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
    assert reply.status_code == 503
    assert bot.received == []


def test_config_never_shows_secrets() -> None:
    config = TelegramConfig.from_credentials({"token": TOKEN, "webhook_secret": SECRET})
    assert TOKEN not in repr(config) and SECRET not in repr(config)
    with pytest.raises(ValueError):
        TelegramConfig.from_credentials({"token": TOKEN, "mode": "carrier-pigeon"})


@pytest.mark.parametrize("chat_type", [Chat.GROUP, Chat.SUPERGROUP])
async def test_group_chats_are_sent_to_a_private_chat(
    telegram: TelegramHarness, chat_type: str
) -> None:
    group = Chat(id=-100123, type=chat_type, title="Family")
    message = Message(message_id=1, date=NOW, chat=group, from_user=USER, text="my bill")
    assert (await telegram.post(Update(next(_ids), message=message).to_dict())).status_code == 200
    assert telegram.bot.received == []
    assert telegram.api.sent_texts(group.id) == [PRIVATE_ONLY]


@pytest.mark.parametrize(
    ("typed", "received"),
    [
        ("/start", "/greet"),
        ("/start campaign42", "/greet"),
        ("/help@tcn_help_bot", "/help"),
        ("/cancel", "/stop"),
        ('/pay_bill{"amount": "1"}', 'pay_bill{"amount": "1"}'),
        ("/unknown_command", "unknown_command"),
    ],
)
async def test_commands_map_to_intents_and_typed_payloads_become_text(
    telegram: TelegramHarness, typed: str, received: str
) -> None:
    await telegram.post(text_update(typed))
    assert telegram.bot.texts == [received]


def _raw_message(**changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": {"id": CHAT.id, "type": "private"},
        "from": {"id": USER.id, "is_bot": False, "first_name": "Ada"},
        "text": "hello",
    }
    message.update(changes)
    return message


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 901, "message": _raw_message(chat={"id": "", "type": "private"})},
        {"update_id": 902, "message": _raw_message(chat={"id": "777001", "type": "private"})},
        {"update_id": 903, "message": _raw_message(chat={"id": 1.5, "type": "private"})},
        {"update_id": 904, "message": _raw_message(chat={"id": True, "type": "private"})},
        {"update_id": 905, "message": _raw_message(chat={"id": 2**70, "type": "private"})},
        {"update_id": 906, "message": _raw_message(chat={"type": "private"})},
        {"update_id": 907, "message": _raw_message(text=12345)},
        {"update_id": 908, "message": _raw_message(**{"from": {"id": "555"}})},
        {"update_id": "909", "message": _raw_message()},
        {"update_id": None, "message": _raw_message()},
        {"update_id": 910, "edited_message": _raw_message(chat={"id": "", "type": "private"})},
        {
            "update_id": 911,
            "callback_query": {
                "id": "q1",
                "from": {"id": USER.id, "is_bot": False, "first_name": "Ada"},
                "message": _raw_message(chat={"id": "", "type": "private"}),
                "data": "x",
            },
        },
    ],
    ids=lambda update: str(update.get("update_id")),
)
async def test_an_update_without_telegram_typed_ids_gets_no_answer_and_no_conversation(
    telegram: TelegramHarness, update: dict[str, Any]
) -> None:
    """A chat id must be an integer: an update whose chat is "" once made the channel
    answer into chat "" (found by the webhook fuzzing). Nothing reaches the assistant
    and nothing is sent, whichever id is mistyped."""
    assert (await telegram.post(update)).status_code == 200
    assert telegram.bot.received == []
    assert telegram.api.called("sendMessage") == []
    assert telegram.api.called("answerCallbackQuery") == []


async def test_a_well_typed_raw_update_is_still_answered(telegram: TelegramHarness) -> None:
    assert (await telegram.post({"update_id": 912, "message": _raw_message()})).status_code == 200
    assert telegram.bot.texts == ["hello"]
    assert telegram.sent() == ["echo: hello"]
