"""The channels' memory: in the process, or in a real Redis server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from twilio.request_validator import RequestValidator

from channels.common.options import Option
from channels.common.state import ChannelState, MemoryState, RedisState
from channels.twilio_channel import TwilioSMSInput
from channels.twilio_channel.channel import STOP_TEXT
from channels.twilio_channel.config import TwilioConfig
from tests.channels.sanic_server import FakeBot, serve_channel

REDIS_URL = "redis://127.0.0.1:6379/15"
OPTIONS = [Option("Check my bill", "/check_bill"), Option("Pay my bill", "/pay_bill")]


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    prefix = f"tcn-test:{uuid.uuid4().hex}"
    yield prefix
    cleaner = RedisState(REDIS_URL, "cleanup").redis
    keys = [key async for key in cleaner.scan_iter(match=f"{prefix}:*")]
    if keys:
        await cleaner.delete(*keys)
    await cleaner.close()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def make_state(request: pytest.FixtureRequest) -> Callable[[], ChannelState]:
    if request.param == "memory":
        shared = MemoryState()
        return lambda: shared
    prefix = request.getfixturevalue("redis_prefix")
    return lambda: RedisState(REDIS_URL, "twilio_sms", prefix=prefix)


async def test_first_time_is_true_once_even_when_concurrent(
    make_state: Callable[[], ChannelState],
) -> None:
    state = make_state()
    results = await asyncio.gather(*(state.first_time("SM1") for _ in range(8)))
    assert sorted(results) == [False] * 7 + [True]
    assert await state.first_time("SM2")


async def test_options_are_taken_once(make_state: Callable[[], ChannelState]) -> None:
    state = make_state()
    await state.offer("+1555", OPTIONS)
    assert await state.take("+1555") == OPTIONS
    assert await state.take("+1555") == []
    await state.offer("+1555", OPTIONS)
    await state.offer("+1555", [])
    assert await state.take("+1555") == []


async def test_opt_outs(make_state: Callable[[], ChannelState]) -> None:
    state = make_state()
    assert not await state.opted_out("+1555")
    await state.opt_out("+1555")
    assert await state.opted_out("+1555")
    assert not await state.opted_out("+1666")
    await state.opt_in("+1555")
    assert not await state.opted_out("+1555")


@pytest.mark.redis
async def test_redis_state_survives_a_restart_of_the_channel(redis_prefix: str) -> None:
    token = "restart-token"
    config = TwilioConfig(
        account_sid="AC" + "7" * 32,
        auth_token=token,
        webhook_url="https://bot.example/webhooks/twilio_sms/webhook",
    )
    bot = FakeBot()
    sid = "SM" + "8" * 32

    async def deliver(body: str, message_sid: str) -> str:
        channel = TwilioSMSInput(config, RedisState(REDIS_URL, "twilio_sms", prefix=redis_prefix))
        params = {"From": "+15550100101", "Body": body, "MessageSid": message_sid}
        signature = RequestValidator(token).compute_signature(config.webhook_url, params)
        async with serve_channel(channel, bot) as base, httpx.AsyncClient() as client:
            reply = await client.post(
                f"{base}/webhooks/twilio_sms/webhook",
                data=params,
                headers={"X-Twilio-Signature": signature},
            )
        assert reply.status_code == 200
        return reply.text

    assert "echo: hello" in await deliver("hello", sid)
    assert "<Message>" not in await deliver("hello", sid)  # retried after a restart
    assert STOP_TEXT in await deliver("STOP", sid[:-1] + "1")
    assert "<Message>" not in await deliver("anyone there?", sid[:-1] + "2")
    assert bot.texts == ["hello"]
