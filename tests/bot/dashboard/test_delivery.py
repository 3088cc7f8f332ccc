"""Reply delivery per channel: Telegram via the fake Bot API, web via the socket.io route."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr
from sqlalchemy.orm import Session

from bot.dashboard.delivery import RELAY_HEADER, RELAY_PATH, Delivery, ReplyDelivery
from bot.services.outbox import DemoTransport
from bot.settings import Settings
from tests.bot.dashboard.factories import RELAY_SECRET, WebCustomer, web_channel
from tests.channels.fake_bot_api import fake_bot_api

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
TOKEN = "123456:TEST-token"


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def _deliver(settings: Settings, channel: str, conversation_id: str, text: str) -> Delivery:
    delivery = ReplyDelivery(settings, DemoTransport())
    db: Session = None  # type: ignore[assignment]  # only SMS/WhatsApp use the database
    return await asyncio.to_thread(delivery.deliver, db, channel=channel,
                                   conversation_id=conversation_id, text=text, now=NOW)


async def test_telegram_reply_is_sent_with_send_message() -> None:
    async with fake_bot_api(TOKEN) as api:
        settings = _settings(telegram_bot_token=SecretStr(TOKEN),
                             telegram_api_base_url=api.base_url)
        outcome = await _deliver(settings, "telegram", "987654", "An agent here: hello!")
    assert outcome.sent
    assert api.sent_texts(987654) == ["An agent here: hello!"]


async def test_telegram_failure_is_reported_without_the_error_text() -> None:
    async with fake_bot_api(TOKEN) as api:
        api.fail_methods.add("sendMessage")
        settings = _settings(telegram_bot_token=SecretStr(TOKEN),
                             telegram_api_base_url=api.base_url)
        outcome = await _deliver(settings, "telegram", "987654", "hello")
    assert outcome == Delivery("failed", "Telegram did not accept the message.")


async def test_telegram_without_a_token_is_not_possible() -> None:
    outcome = await _deliver(_settings(), "telegram", "987654", "hello")
    assert outcome.status == "not_possible"


async def test_web_reply_reaches_the_customers_socket() -> None:
    async with web_channel() as base:
        customer = WebCustomer(base)
        await customer.connect()
        try:
            parts = urlsplit(base)
            settings = _settings(rasa_host=parts.hostname, rasa_port=parts.port,
                                 agent_relay_secret=SecretStr(RELAY_SECRET))
            outcome = await _deliver(settings, "socketio", customer.session_id,
                                     "Hello from a person")
            await customer.wait_for_text("Hello from a person")
        finally:
            await customer.client.disconnect()
    assert outcome.sent
    assert customer.received[-1]["metadata"] == {"from_agent": True}


async def test_web_route_refuses_a_wrong_or_missing_secret() -> None:
    async with web_channel() as base:
        customer = WebCustomer(base)
        await customer.connect()
        try:
            async with httpx.AsyncClient(base_url=base) as http:
                body = {"conversation_id": customer.session_id, "text": "forged"}
                wrong = await http.post(RELAY_PATH, json=body, headers={RELAY_HEADER: "nope"})
                missing = await http.post(RELAY_PATH, json=body)
                good = await http.post(RELAY_PATH, json=body,
                                       headers={RELAY_HEADER: RELAY_SECRET})
            await customer.wait_for_text("forged")
        finally:
            await customer.client.disconnect()
    assert (wrong.status_code, missing.status_code, good.status_code) == (403, 403, 200)
    assert [m["text"] for m in customer.received] == ["forged"]  # only the good one


async def test_web_route_refuses_everything_when_no_secret_is_configured() -> None:
    async with web_channel(secret="") as base, httpx.AsyncClient(base_url=base) as http:
        response = await http.post(RELAY_PATH, json={"conversation_id": "a" * 32, "text": "x"},
                                   headers={RELAY_HEADER: ""})
    assert response.status_code == 403


async def test_web_reply_to_a_closed_chat_is_reported_as_not_delivered() -> None:
    async with web_channel() as base:
        parts = urlsplit(base)
        settings = _settings(rasa_host=parts.hostname, rasa_port=parts.port,
                             agent_relay_secret=SecretStr(RELAY_SECRET))
        outcome = await _deliver(settings, "socketio", "b" * 32, "anyone there?")
    assert outcome.status == "failed" and "closed" in outcome.detail


async def test_web_relay_placeholder_secret_is_off_outside_demo_mode() -> None:
    settings = _settings(demo_mode=False, service_key=SecretStr("k" * 32),
                         token_secret=SecretStr("t" * 32))
    outcome = await _deliver(settings, "socketio", "c" * 32, "hello")
    assert outcome.status == "not_possible"


def test_relay_secret_rules() -> None:
    from bot.dashboard.delivery import DEMO_RELAY_SECRET, relay_secret

    assert relay_secret(_settings(agent_relay_secret=SecretStr(""))) == DEMO_RELAY_SECRET
    real = "r" * 32
    production = {"demo_mode": False, "service_key": SecretStr("k" * 32),
                  "token_secret": SecretStr("t" * 32)}
    assert relay_secret(_settings(**production, agent_relay_secret=SecretStr(real))) == real
    assert relay_secret(_settings(**production, agent_relay_secret=SecretStr(""))) == ""
