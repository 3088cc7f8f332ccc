"""The Twilio SMS / WhatsApp webhook on a real Sanic server, signed by twilio's validator."""

from __future__ import annotations

import asyncio
import itertools
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from twilio.request_validator import RequestValidator

from channels.twilio_channel import TwilioSMSInput, TwilioWhatsAppInput
from channels.twilio_channel.channel import ERROR_TEXT, HELP_TEXT, MEDIA_TEXT, STOP_TEXT
from channels.twilio_channel.config import TwilioConfig
from tests.channels.fake_twilio_api import fake_twilio_api
from tests.channels.sanic_server import FakeBot, serve_channel

TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC = "https://bot.telecomnet.example/webhooks/{name}/webhook"
PHONE = "+15550100101"
_sids = itertools.count(1)


def new_sid() -> str:
    return f"SM{next(_sids):032d}"


@dataclass
class Twilio:
    """Posts like Twilio does: form fields signed for the public URL."""

    client: httpx.AsyncClient
    bot: FakeBot
    public_url: str
    sender: str
    token: str = TOKEN

    async def post(
        self, body: str, *, sid: str | None = None, signature: str | None = None, **extra: str
    ) -> httpx.Response:
        params = {"From": self.sender, "To": "+15550009999", "Body": body}
        params["MessageSid"] = sid or new_sid()
        params.update(extra)
        if signature is None:
            signature = RequestValidator(self.token).compute_signature(self.public_url, params)
        headers = {"X-Twilio-Signature": signature} if signature else {}
        return await self.client.post("webhook", data=params, headers=headers)

    async def say(self, body: str, **kwargs: str) -> list[str]:
        reply = await self.post(body, **kwargs)
        assert reply.status_code == 200, reply.text
        assert reply.headers["content-type"].startswith("application/xml")
        return messages(reply.text)


def messages(twiml: str) -> list[str]:
    root = ET.fromstring(twiml)
    assert root.tag == "Response"
    return ["".join(node.itertext()) for node in root.findall("Message")]


def config_for(name: str, token: str = TOKEN) -> TwilioConfig:
    return TwilioConfig(
        account_sid="AC" + "0" * 32, auth_token=token, webhook_url=PUBLIC.format(name=name)
    )


async def _twilio(channel: TwilioSMSInput, sender: str) -> AsyncIterator[Twilio]:
    bot = FakeBot()
    async with serve_channel(channel, bot) as base:
        url = f"{base}/webhooks/{channel.name()}/"
        async with httpx.AsyncClient(base_url=url) as client:
            yield Twilio(client, bot, channel.config.webhook_url, sender)


@pytest.fixture
async def sms() -> AsyncIterator[Twilio]:
    async for twilio in _twilio(TwilioSMSInput(config_for("twilio_sms")), PHONE):
        yield twilio


@pytest.fixture
async def whatsapp() -> AsyncIterator[Twilio]:
    channel = TwilioWhatsAppInput(config_for("twilio_whatsapp"))
    async for twilio in _twilio(channel, f"whatsapp:{PHONE}"):
        yield twilio


async def test_signed_message_reaches_the_bot_and_gets_twiml(sms: Twilio) -> None:
    assert await sms.say("hello") == ["echo: hello"]
    message = sms.bot.received[0]
    assert message.sender_id == PHONE
    assert message.input_channel == "twilio_sms"
    assert message.output_channel.name() == "twilio_sms"
    assert message.metadata["phone_number"] == PHONE
    assert message.metadata["phone_verified_by"] == "twilio_signature"


@pytest.mark.parametrize(
    "signature",
    ["", "bm90IGEgc2lnbmF0dXJl", RequestValidator("another-token").compute_signature("x", {})],
)
async def test_missing_or_wrong_signature_is_refused(sms: Twilio, signature: str) -> None:
    reply = await sms.post("hello", signature=signature)
    assert reply.status_code == 403
    assert sms.bot.received == []


async def test_signature_from_another_token_or_url_is_refused(sms: Twilio) -> None:
    params = {"From": PHONE, "To": "+15550009999", "Body": "hi", "MessageSid": new_sid()}
    forged = [
        RequestValidator("wrong-token").compute_signature(sms.public_url, params),
        RequestValidator(TOKEN).compute_signature("https://evil.example/webhook", params),
    ]
    for signature in forged:
        reply = await sms.client.post(
            "webhook", data=params, headers={"X-Twilio-Signature": signature}
        )
        assert reply.status_code == 403
    assert sms.bot.received == []


async def test_tampered_body_is_refused(sms: Twilio) -> None:
    params = {"From": PHONE, "To": "+15550009999", "Body": "pay 5", "MessageSid": new_sid()}
    signature = RequestValidator(TOKEN).compute_signature(sms.public_url, params)
    params["Body"] = "pay 500"
    reply = await sms.client.post("webhook", data=params, headers={"X-Twilio-Signature": signature})
    assert reply.status_code == 403
    assert sms.bot.received == []


async def test_repeated_message_sid_gets_one_reply_and_one_action(sms: Twilio) -> None:
    sid = new_sid()
    assert await sms.say("pay my bill", sid=sid) == ["echo: pay my bill"]
    assert await sms.say("pay my bill", sid=sid) == []
    assert sms.bot.texts == ["pay my bill"]


async def test_concurrent_duplicate_deliveries_act_once(sms: Twilio) -> None:
    sid = new_sid()
    replies = await asyncio.gather(*(sms.say("hello twice", sid=sid) for _ in range(3)))
    assert sorted(replies) == [[], [], ["echo: hello twice"]]
    assert sms.bot.texts == ["hello twice"]


async def test_buttons_become_a_numbered_menu_without_payloads(sms: Twilio) -> None:
    [menu] = await sms.say("buttons")
    assert menu.startswith("What would you like?\n\n1. Check my bill\n2. Pay my bill\n3. Talk")
    assert "/" not in menu and "{" not in menu
    assert await sms.say("2") == ['echo: /pay_bill{"amount": "42.50"}']
    assert sms.bot.texts[-1] == '/pay_bill{"amount": "42.50"}'


@pytest.mark.parametrize(
    ("answer", "payload"),
    [
        ("1", "/check_bill"),
        (" 3. ", "/human_handoff"),
        ("Check my bill!", "/check_bill"),
        ("pay", '/pay_bill{"amount": "42.50"}'),
        ("AGENT", "/human_handoff"),
    ],
)
async def test_numbers_and_option_words_map_to_the_payload(
    sms: Twilio, answer: str, payload: str
) -> None:
    await sms.say("buttons")
    await sms.say(answer)
    assert sms.bot.texts[-1] == payload


async def test_free_text_and_stale_numbers_go_to_the_bot_as_typed(sms: Twilio) -> None:
    await sms.say("buttons")
    await sms.say("my bill")  # matches two options: not a choice
    assert sms.bot.texts[-1] == "my bill"
    await sms.say("1")  # the menu was answered already
    assert sms.bot.texts[-1] == "1"
    await sms.say("buttons")
    await sms.say("7")  # no such option
    assert sms.bot.texts[-1] == "7"


async def test_long_answers_are_split_for_sms(sms: Twilio) -> None:
    parts = await sms.say("long")
    assert len(parts) > 1
    assert all(len(part) <= 320 for part in parts)
    assert all(part.endswith(".") for part in parts)  # cut between sentences
    joined = " ".join(parts)
    assert joined.count("Your bill for November") == 12


async def test_markup_is_flattened_for_sms(sms: Twilio) -> None:
    assert await sms.say("markup") == ["You owe $42.50. See your bill: https://t.example/b."]


async def test_stop_start_and_help_keywords(sms: Twilio) -> None:
    assert await sms.say("HELP") == [HELP_TEXT]
    assert await sms.say("Stop") == [STOP_TEXT]
    assert await sms.say("what do I owe") == []  # opted out: no reply at all
    assert sms.bot.received == []
    [welcome] = await sms.say("START")
    assert "Welcome back" in welcome
    assert await sms.say("what do I owe") == ["echo: what do I owe"]
    assert await sms.say("yes") == ["echo: yes"]  # an answer, not an opt-in


async def test_media_without_text_gets_a_polite_answer(sms: Twilio) -> None:
    assert await sms.say("", NumMedia="1", MediaUrl0="https://x.example/p.jpg") == [MEDIA_TEXT]
    assert sms.bot.received == []


async def test_a_failure_never_shows_its_text(sms: Twilio) -> None:
    assert await sms.say("boom") == [ERROR_TEXT]


async def test_sms_channel_ignores_whatsapp_senders(sms: Twilio) -> None:
    sms.sender = f"whatsapp:{PHONE}"
    assert await sms.say("hello") == []
    assert sms.bot.received == []


async def test_whatsapp_has_its_own_channel_and_formatting(whatsapp: Twilio) -> None:
    assert await whatsapp.say("markup") == ["You owe *$42.50*. See your bill: https://t.example/b."]
    message = whatsapp.bot.received[0]
    assert message.sender_id == f"whatsapp:{PHONE}"
    assert message.input_channel == "twilio_whatsapp"
    assert message.output_channel.name() == "twilio_whatsapp"
    assert message.metadata["phone_number"] == PHONE
    [menu] = await whatsapp.say("buttons")
    assert "1. Check my bill" in menu
    await whatsapp.say("1")
    assert whatsapp.bot.texts[-1] == "/check_bill"
    # A long answer stays one WhatsApp message (up to 1600 characters).
    assert len(await whatsapp.say("long")) == 1


async def test_whatsapp_refuses_plain_sms_senders(whatsapp: Twilio) -> None:
    whatsapp.sender = PHONE
    assert await whatsapp.say("hello") == []
    assert whatsapp.bot.received == []


@pytest.mark.parametrize("missing", ["account_sid", "auth_token", "webhook_url"])
async def test_channel_without_credentials_is_disabled(missing: str) -> None:
    credentials = {
        "account_sid": "AC" + "0" * 32,
        "auth_token": TOKEN,
        "webhook_url": PUBLIC.format(name="twilio_sms"),
    }
    credentials[missing] = ""
    channel = TwilioSMSInput.from_credentials(credentials)
    bot = FakeBot()
    async with serve_channel(channel, bot) as base, httpx.AsyncClient() as client:
        health = await client.get(f"{base}/webhooks/twilio_sms/")
        assert health.json() == {"status": "disabled"}
        reply = await client.post(
            f"{base}/webhooks/twilio_sms/webhook",
            data={"From": PHONE, "Body": "hi", "MessageSid": new_sid()},
            headers={"X-Twilio-Signature": "anything"},
        )
    assert reply.status_code == 503
    assert bot.received == []


def test_config_never_shows_the_token() -> None:
    assert TOKEN not in repr(config_for("twilio_sms"))


async def test_a_slow_answer_comes_later_through_the_rest_api() -> None:
    sid = "AC" + "5" * 32
    async with fake_twilio_api(sid, TOKEN) as api:
        config = TwilioConfig(
            account_sid=sid,
            auth_token=TOKEN,
            webhook_url=PUBLIC.format(name="twilio_sms"),
            reply_within_seconds=0.1,
            api_base_url=api.base_url,
        )
        channel = TwilioSMSInput(config)
        bot = FakeBot(gate=asyncio.Event())
        async with (
            serve_channel(channel, bot) as base,
            httpx.AsyncClient(base_url=f"{base}/webhooks/twilio_sms/") as client,
        ):
            twilio = Twilio(client, bot, config.webhook_url, PHONE)
            # The gate stays shut until after the webhook answered: the answer can't be ready.
            assert await twilio.say("slow", To="+15550009999") == []
            assert api.sent == []
            bot.gate.set()
            await api.wait_for(2)
    assert {m["From"] for m in api.sent} == {"+15550009999"}
    assert {m["To"] for m in api.sent} == {PHONE}
    assert api.sent[0]["Body"].startswith("Sorry for the wait:")
    assert all(len(m["Body"]) <= 320 for m in api.sent)
    assert bot.texts == ["slow"]


async def test_typed_intent_payloads_reach_the_bot_as_text(sms: Twilio) -> None:
    await sms.say('/pay_bill{"amount": "1"}')
    await sms.say("//")  # nothing left: no conversation
    assert sms.bot.texts == ['pay_bill{"amount": "1"}']
