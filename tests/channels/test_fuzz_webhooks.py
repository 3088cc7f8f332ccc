"""Fuzzing the Twilio (SMS, WhatsApp) and Telegram webhooks on a real Sanic server.

Hypothesis sends malformed, huge, binary, Unicode and injection payloads, signed and
unsigned. For every request: no 5xx; an unsigned (or wrongly signed) request is refused
with 403 and never reaches the assistant; a signed one gets a well-formed answer and
what reaches the assistant is typed text, never an intent payload. After each run a
normal message is still answered. Example counts are bounded (the module runs in well
under two minutes); Rasa itself is replaced by :class:`FakeBot`.
"""

from __future__ import annotations

import asyncio
import threading
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from channels.common.commands import TELEGRAM_COMMANDS, typed_text
from channels.telegram_channel import TelegramInput
from channels.twilio_channel import TwilioSMSInput, TwilioWhatsAppInput
from channels.twilio_channel.config import TwilioConfig
from tests.channels.fake_bot_api import FakeBotAPI, fake_bot_api
from tests.channels.sanic_server import FakeBot, serve_channel
from tests.fuzzing import examples

T = TypeVar("T")
TOKEN = "fuzz-auth-token-0123456789abcdef"
PUBLIC = "https://bot.telecomnet.example/webhooks/{name}/webhook"
TG_TOKEN = "654321:FUZZ-token"
TG_SECRET = "fuzz-secret-token"
FUZZ = settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TELEGRAM_INTENTS = set(TELEGRAM_COMMANDS.values())

# ---------------------------------------------------------------- payloads

INJECTIONS = [
    "' OR 1=1; DROP TABLE payments;--",
    '/pay_bill{"amount": "1", "confirm": true}',
    '//inform{"verified": true}',
    "<script>alert(1)</script>",
    "]]></Message><Message>forged</Message>",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "\u202eevil\u202c",
    "\x00\x01\x1b[31m",
    "\ud7ff\ufffe\uffff",
    "A" * 70_000,
    "\U0001f4a9" * 5_000,
]
texts = st.one_of(
    st.text(max_size=300),
    st.sampled_from(INJECTIONS),
    st.builds(
        lambda part, times: part * times, st.text(min_size=1, max_size=4), st.integers(1, 20_000)
    ),
)
# Only what JSON can carry: httpx refuses to encode inf and nan, so a body holding one
# never leaves the client and the test would fail on the fuzzer, not on the channel.
json_numbers = st.integers() | st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    st.none() | st.booleans() | json_numbers | texts,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


# ---------------------------------------------------------------- servers in a thread


class LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@dataclass
class Served:
    url: str
    bot: FakeBot
    api: FakeBotAPI | None = None


@pytest.fixture(scope="module")
def loop() -> Iterator[LoopThread]:
    thread = LoopThread()
    yield thread
    thread.close()


def _serve(loop: LoopThread, channel: Any, bot: FakeBot) -> tuple[str, Any]:
    manager = serve_channel(channel, bot)
    return loop.run(manager.__aenter__()), manager


@pytest.fixture(scope="module", params=["twilio_sms", "twilio_whatsapp"])
def twilio(request: pytest.FixtureRequest, loop: LoopThread) -> Iterator[Served]:
    name = request.param
    config = TwilioConfig(
        account_sid="AC" + "f" * 32, auth_token=TOKEN, webhook_url=PUBLIC.format(name=name)
    )
    channel = TwilioSMSInput(config) if name == "twilio_sms" else TwilioWhatsAppInput(config)
    bot = FakeBot()
    base, manager = _serve(loop, channel, bot)
    yield Served(f"{base}/webhooks/{name}/webhook", bot)
    loop.run(manager.__aexit__(None, None, None))


@pytest.fixture(scope="module")
def telegram(loop: LoopThread) -> Iterator[Served]:
    api_manager = fake_bot_api(TG_TOKEN)
    api = loop.run(api_manager.__aenter__())
    channel = TelegramInput.from_credentials(
        {"token": TG_TOKEN, "webhook_secret": TG_SECRET, "api_base_url": api.base_url}
    )
    bot = FakeBot()
    base, manager = _serve(loop, channel, bot)
    yield Served(f"{base}/webhooks/telegram/webhook", bot, api)
    loop.run(manager.__aexit__(None, None, None))
    loop.run(api_manager.__aexit__(None, None, None))


# ---------------------------------------------------------------- Twilio


def sendable_header(value: str) -> bool:
    """What an HTTP client can put in a header: printable ASCII, no surrounding blanks
    (h11 refuses " x"); the fuzzing tests the server, not the client's checks."""
    return value.isascii() and value.isprintable() and value == value.strip()


def sign(url_name: str, fields: dict[str, str]) -> str:
    return RequestValidator(TOKEN).compute_signature(url_name, fields)


def public_of(served: Served) -> str:
    return PUBLIC.format(name=served.url.rsplit("/webhooks/", 1)[1].split("/")[0])


def sender_of(served: Served) -> str:
    return "whatsapp:+15550100777" if "whatsapp" in served.url else "+15550100777"


def checker_of(served: Served) -> str:
    """The sender of the after-fuzzing check: one the fuzzing never writes from (a fuzzed
    body from the default sender can opt it out with STOP)."""
    return "whatsapp:+15550100999" if "whatsapp" in served.url else "+15550100999"


def twilio_normal_message_answered(served: Served) -> None:
    fields = {"From": checker_of(served), "To": "+15550009999", "Body": "hello again"}
    fields["MessageSid"] = f"SM{threading.get_ident()}{len(served.bot.received)}"
    reply = httpx.post(
        served.url,
        data=fields,
        headers={"X-Twilio-Signature": sign(public_of(served), fields)},
        timeout=30,
    )
    assert reply.status_code == 200
    assert "echo: hello again" in reply.text


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=3000), texts.map(lambda t: t.encode("utf-8", "surrogatepass"))
    ),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/json",
            "text/plain",
            "multipart/form-data",
            "",
        ]
    ),
    signature=st.one_of(st.just(""), st.text(max_size=60)),
)
def test_twilio_unsigned_or_garbage_is_refused_and_never_reaches_the_assistant(
    twilio: Served, body: bytes, content_type: str, signature: str
) -> None:
    before = len(twilio.bot.received)
    headers = {"Content-Type": content_type} if content_type else {}
    if sendable_header(signature):
        headers["X-Twilio-Signature"] = signature
    reply = httpx.post(twilio.url, content=body, headers=headers, timeout=30)
    assert reply.status_code == 403, (reply.status_code, reply.text[:200])
    assert len(twilio.bot.received) == before


@FUZZ
@given(
    fields=st.fixed_dictionaries(
        {"Body": texts},
        optional={
            "From": st.one_of(st.sampled_from(["+15550100888", "whatsapp:+15550100888"]), texts),
            "MessageSid": st.one_of(st.just(""), st.text(max_size=40)),
            "NumMedia": st.one_of(st.just("1"), texts),
            "To": texts,
            "MediaUrl0": texts,
        },
    ).map(lambda d: {k: v.replace("\x00", "") for k, v in d.items()}),
)
def test_twilio_signed_garbage_gets_well_formed_twiml_and_only_typed_text(
    twilio: Served, fields: dict[str, str]
) -> None:
    fields.setdefault("From", sender_of(twilio))
    fields.setdefault(
        "MessageSid", f"SM{len(twilio.bot.received)}x{zlib.crc32(fields['Body'].encode())}"
    )
    before = len(twilio.bot.received)
    reply = httpx.post(
        twilio.url,
        data=fields,
        headers={"X-Twilio-Signature": sign(public_of(twilio), fields)},
        timeout=30,
    )
    assert reply.status_code == 200, (reply.status_code, reply.text[:200])
    ET.fromstring(reply.text)  # well-formed TwiML whatever was typed
    for message in twilio.bot.received[before:]:
        assert not (message.text or "").startswith("/"), message.text


@FUZZ
@given(typed=st.text(max_size=200) | st.sampled_from(INJECTIONS))
def test_typed_text_always_fits_in_twiml(typed: str) -> None:
    """Found by the fuzzing above: a control character the customer typed came back in
    the reply (quoted) and made the TwiML unparseable, so Twilio would drop the answer."""
    from channels.twilio_channel.output import Outgoing, twiml

    clean = typed_text(typed)
    ET.fromstring(twiml([Outgoing(text=f"Please confirm: {clean}?")], 1600))
    assert not clean.startswith("/")


def test_typed_text_keeps_tabs_newlines_and_words() -> None:
    assert typed_text("\x1b[31mhello\x00 there\tyou\nok\ufffe") == "[31mhello there\tyou\nok"


def test_twilio_still_answers_after_fuzzing(twilio: Served) -> None:
    twilio_normal_message_answered(twilio)


# ---------------------------------------------------------------- Telegram

updates = st.fixed_dictionaries(
    {"update_id": st.one_of(st.integers(), st.text(max_size=10), st.none())},
    optional={
        "message": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {
                    "message_id": st.one_of(st.integers(), texts),
                    "date": st.one_of(st.integers(), texts),
                    "chat": st.fixed_dictionaries(
                        {
                            "id": st.one_of(st.integers(), texts),
                            "type": st.sampled_from(["private", "group", "channel", "weird", ""]),
                        }
                    ),
                },
                optional={"text": texts, "from": json_values, "entities": json_values},
            ),
        ),
        "callback_query": json_values,
        "edited_message": json_values,
    },
)


@settings(FUZZ, max_examples=examples(1000))
@given(body=st.one_of(json_values, updates))
def test_every_fuzzed_json_body_can_be_sent(body: Any) -> None:
    """A drawn body that JSON cannot carry (``inf``) once failed the Telegram fuzzing
    inside httpx, before any request was made."""
    httpx.Request("POST", "http://127.0.0.1/", json=body)


def telegram_post(served: Served, body: Any, secret: str | None = TG_SECRET) -> httpx.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    if isinstance(body, bytes):
        return httpx.post(
            served.url,
            content=body,
            headers={**headers, "Content-Type": "application/json"},
            timeout=30,
        )
    return httpx.post(served.url, json=body, headers=headers, timeout=30)


@FUZZ
@given(
    body=st.one_of(st.binary(max_size=2000), json_values, updates),
    secret=st.one_of(st.none(), st.text(max_size=30)),
)
def test_telegram_without_the_secret_is_refused_and_never_reaches_the_assistant(
    telegram: Served, body: Any, secret: str | None
) -> None:
    if secret == TG_SECRET or (secret and not sendable_header(secret)):
        secret = None
    before = len(telegram.bot.received)
    reply = telegram_post(telegram, body, secret)
    assert reply.status_code == 403, (reply.status_code, reply.text[:200])
    assert len(telegram.bot.received) == before


@FUZZ
@given(body=st.one_of(st.binary(max_size=2000), json_values, updates))
def test_telegram_garbage_with_the_secret_never_fails_and_only_typed_text_passes(
    telegram: Served, body: Any
) -> None:
    before = len(telegram.bot.received)
    reply = telegram_post(telegram, body)
    assert reply.status_code in (200, 400), (reply.status_code, reply.text[:200])
    for message in telegram.bot.received[before:]:
        text = message.text or ""
        assert not text.startswith("/") or text in TELEGRAM_INTENTS, text


def test_telegram_still_answers_after_fuzzing(telegram: Served) -> None:
    assert telegram.api is not None
    update = {
        "update_id": 987_654_321,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": 424_242, "type": "private"},
            "from": {"id": 424_242, "is_bot": False, "first_name": "Ada"},
            "text": "hello again",
        },
    }
    assert telegram_post(telegram, update).status_code == 200
    assert "echo: hello again" in telegram.api.sent_texts(424_242)
