"""While a person has the conversation the assistant is silent; hand-back resumes it.

The web channel (our socket.io subclass, its agent route and the no-answer guard) runs on
a Sanic app with Rasa's real ``Agent`` stores (in-memory tracker and lock stores); the
backend's ``ReplyDelivery`` calls the route over HTTP.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr
from rasa.shared.core.events import BotUttered, ConversationResumed, UserUttered
from sqlalchemy.orm import Session

from bot.dashboard.delivery import RELAY_HEADER, RELAY_PATH, Delivery, ReplyDelivery
from bot.dashboard.queue import AGENT_PREFIX, HAND_BACK_TEXT
from bot.services.outbox import DemoTransport
from bot.settings import Settings
from channels.common.no_answer import NO_ANSWER_TEXT, PAUSED_TEXT
from tests.bot.dashboard.factories import RELAY_SECRET, WebCustomer
from tests.bot.dashboard.rasa_relay import PausingBot, agent, rasa_web

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
NO_DB: Session = None  # type: ignore[assignment]  # the web channel needs no database


def _delivery(url: str) -> ReplyDelivery:
    parts = urlsplit(url)
    settings = Settings(_env_file=None, rasa_host=parts.hostname,  # type: ignore[call-arg]
                        rasa_port=parts.port, agent_relay_secret=SecretStr(RELAY_SECRET))
    return ReplyDelivery(settings, DemoTransport())


async def _events(bot: PausingBot, sender_id: str) -> list:
    tracker = await bot.agent.tracker_store.retrieve(sender_id)
    assert tracker is not None
    return list(tracker.events)


async def _stored(bot: PausingBot, sender_id: str, text: str) -> None:
    """Wait until Rasa's store holds the customer's ``text``."""
    for _ in range(200):
        events = await _events(bot, sender_id)
        if any(isinstance(e, UserUttered) and e.text == text for e in events):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{text!r} never stored")


async def _say(customer: WebCustomer, text: str) -> None:
    await customer.client.emit("user_uttered", {"message": text,
                                                "session_id": customer.session_id})


async def _act(delivery: ReplyDelivery, kind: str, session_id: str, text: str) -> Delivery:
    send = delivery.hand_back if kind == "hand_back" else delivery.deliver
    return await asyncio.to_thread(send, NO_DB, channel="socketio",
                                   conversation_id=session_id, text=text, now=NOW)


async def test_paused_conversation_is_silent_agent_replies_are_stored_and_hand_back_resumes(
) -> None:
    bot = PausingBot(agent())
    async with rasa_web(bot) as url:
        customer = WebCustomer(url)
        await customer.connect()
        sender = customer.session_id
        delivery = _delivery(url)
        try:
            await _say(customer, "agent please")
            await customer.wait_for_text("A person will contact you.")
            await _say(customer, "are you there?")
            await customer.wait_for_text(PAUSED_TEXT)
            await _say(customer, "hello??")
            await _stored(bot, sender, "hello??")
            reply = await _act(delivery, "reply", sender, AGENT_PREFIX + "Hi, I'm here.")
            await customer.wait_for_text(AGENT_PREFIX + "Hi, I'm here.")
            back = await _act(delivery, "hand_back", sender, HAND_BACK_TEXT)
            await customer.wait_for_text(HAND_BACK_TEXT)
            await _say(customer, "thanks")
            await customer.wait_for_text("echo: thanks")
        finally:
            await customer.client.disconnect()
        events = await _events(bot, sender)
    assert reply.sent and reply.recorded
    assert back.sent and back.recorded
    texts = [m["text"] for m in customer.received]
    # One note for the first message while paused, nothing for the next, no apology.
    assert texts == ["A person will contact you.", PAUSED_TEXT, AGENT_PREFIX + "Hi, I'm here.",
                     HAND_BACK_TEXT, "echo: thanks"]
    assert NO_ANSWER_TEXT not in texts
    said = [(e.text, e.metadata) for e in events if isinstance(e, BotUttered)]
    assert (AGENT_PREFIX + "Hi, I'm here.",
            {"agent": True, "utter_action": "agent_reply"}) in said
    assert (HAND_BACK_TEXT, {"agent": True, "utter_action": "agent_hand_back"}) in said
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("ConversationResumed") < kinds.index("BotUttered", kinds.index(
        "ConversationResumed"))
    assert any(isinstance(e, ConversationResumed) for e in events)


async def test_a_genuinely_silent_turn_still_gets_the_apology() -> None:
    bot = PausingBot(agent(), silent=True)
    async with rasa_web(bot) as url:
        customer = WebCustomer(url)
        await customer.connect()
        try:
            await _say(customer, "how much is my bill")
            await customer.wait_for_text(NO_ANSWER_TEXT)
        finally:
            await customer.client.disconnect()
    assert PAUSED_TEXT not in [m["text"] for m in customer.received]


async def test_the_route_records_any_channels_reply_without_emitting() -> None:
    bot = PausingBot(agent())
    tracker = await bot.agent.tracker_store.get_or_create_tracker("+15550001111")
    tracker.update(UserUttered("agent please"))
    await bot.agent.tracker_store.save(tracker)
    async with rasa_web(bot) as url, httpx.AsyncClient(base_url=url) as client:
        body = {"conversation_id": "+15550001111", "text": "TeleComNet agent: hi",
                "channel": "twilio_sms"}
        answer = await client.post(RELAY_PATH, json=body,
                                   headers={RELAY_HEADER: RELAY_SECRET})
        unknown = await client.post(RELAY_PATH, json={**body, "conversation_id": "+1999"},
                                    headers={RELAY_HEADER: RELAY_SECRET})
        forged = await client.post(RELAY_PATH, json={**body, "kind": "hand_back"},
                                   headers={RELAY_HEADER: "guess"})
        bad = await client.post(RELAY_PATH, json={**body, "kind": "delete"},
                                headers={RELAY_HEADER: RELAY_SECRET})
    assert answer.status_code == 200
    assert answer.json() == {"delivered": 0, "recorded": True}
    assert unknown.json() == {"delivered": 0, "recorded": False}
    assert (forged.status_code, bad.status_code) == (403, 400)
    events = await _events(bot, "+15550001111")
    assert isinstance(events[-1], BotUttered)
    assert events[-1].metadata == {"agent": True, "utter_action": "agent_reply"}
    assert not any(isinstance(e, ConversationResumed) for e in events)
