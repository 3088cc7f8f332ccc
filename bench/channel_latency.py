"""Latency each channel adds over Rasa's plain REST channel.

Starts Rasa's real HTTP server with every channel of credentials.snippet.yml plus
``rest`` (tests/channels/rasa_harness.py: `rasa run`'s app, a scripted agent instead of
a model, so the figures are the channels' own cost), a local fake Telegram Bot API, and
sends the same message N times through each channel, one at a time, on localhost:

    .venv/bin/python -m bench.channel_latency [--messages 200]

Prints median and 95th percentile round trips and the difference to REST.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import socketio
from telegram import Chat, Message, Update, User
from twilio.request_validator import RequestValidator

from channels.status import ENV, SNIPPET
from tests.channels.fake_bot_api import fake_bot_api
from tests.channels.rasa_harness import rasa_harness
from tests.channels.sanic_server import free_port

TOKEN = "123456:bench-token"
SECRET = "bench-secret"
TWILIO_TOKEN = "bench-twilio-token"
Probe = Callable[[int], Awaitable[None]]


async def measure(probe: Probe, count: int, warmup: int = 10) -> list[float]:
    for index in range(warmup):
        await probe(-index - 1)
    timings: list[float] = []
    for index in range(count):
        start = time.perf_counter()
        await probe(index)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def summary(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


async def run(count: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    async with fake_bot_api(TOKEN) as api:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        public = {
            name: f"https://bench.example/webhooks/{name}/webhook"
            for name in ("twilio_sms", "twilio_whatsapp")
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith("TCN_")}
        env.update(dict.fromkeys(ENV.values(), ""))
        env.update(
            TCN_TWILIO_ACCOUNT_SID="AC" + "3" * 32,
            TCN_TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
            TCN_TWILIO_SMS_WEBHOOK_URL=public["twilio_sms"],
            TCN_TWILIO_WHATSAPP_WEBHOOK_URL=public["twilio_whatsapp"],
            TCN_TELEGRAM_BOT_TOKEN=TOKEN,
            TCN_TELEGRAM_WEBHOOK_SECRET=SECRET,
            TCN_TELEGRAM_API_BASE_URL=api.base_url,
        )
        with tempfile.TemporaryDirectory() as folder:
            credentials = Path(folder) / "credentials.yml"
            credentials.write_text(SNIPPET.read_text() + "rest:\n")
            # the harness blocks while Rasa starts: enter it off the event loop
            harness = rasa_harness(credentials, port, env=env)
            await asyncio.to_thread(harness.__enter__)
            try:
                async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                    results["rest"] = await measure(_rest(client), count)
                    results["socketio (polling)"] = await measure(await _socketio(base), count)
                    for name in ("twilio_sms", "twilio_whatsapp"):
                        probe = _twilio(client, name, public[name])
                        results[name] = await measure(probe, count)
                    results["telegram"] = await measure(_telegram(client), count)
            finally:
                await asyncio.to_thread(harness.__exit__, None, None, None)
    return results


def _rest(client: httpx.AsyncClient) -> Probe:
    async def probe(index: int) -> None:
        reply = await client.post(
            "/webhooks/rest/webhook", json={"sender": "bench", "message": f"hello {index}"}
        )
        assert reply.json()[0]["text"] == f"echo: hello {index}"

    return probe


async def _socketio(base: str) -> Probe:
    sio = socketio.AsyncClient()
    answers: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    confirmed: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    sio.on("bot_uttered", answers.put_nowait)
    sio.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
    # engineio 4.15's websocket client needs a newer aiohttp than Rasa pins: long-polling
    await sio.connect(base, transports=["polling"])
    await sio.emit("session_request", {"session_id": None})
    session = await asyncio.wait_for(confirmed, 10)

    async def probe(index: int) -> None:
        await sio.emit("user_uttered", {"message": f"hello {index}", "session_id": session})
        answer = await asyncio.wait_for(answers.get(), 10)
        assert answer["text"] == f"echo: hello {index}"

    return probe


def _twilio(client: httpx.AsyncClient, name: str, public: str) -> Probe:
    validator = RequestValidator(TWILIO_TOKEN)
    sender = "whatsapp:+15550100101" if name == "twilio_whatsapp" else "+15550100101"

    async def probe(index: int) -> None:
        params = {"From": sender, "Body": f"hello {index}", "MessageSid": f"SM{name}{index}"}
        signature = validator.compute_signature(public, params)
        reply = await client.post(
            f"/webhooks/{name}/webhook", data=params, headers={"X-Twilio-Signature": signature}
        )
        assert f"echo: hello {index}" in reply.text

    return probe


def _telegram(client: httpx.AsyncClient) -> Probe:
    chat = Chat(id=42, type=Chat.PRIVATE)
    user = User(id=7, is_bot=False, first_name="Bench")
    date = datetime(2026, 1, 1, tzinfo=timezone.utc)

    async def probe(index: int) -> None:
        message = Message(
            message_id=index + 100, date=date, chat=chat, from_user=user, text=f"hello {index}"
        )
        update = Update(update_id=index + 1000, message=message).to_dict()
        reply = await client.post(
            "/webhooks/telegram/webhook",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert reply.status_code == 200

    return probe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    results = asyncio.run(run(max(10, min(args.messages, 5000))))
    rest_median, _ = summary(results["rest"])
    print(f"{'channel':<20}{'median ms':>10}{'p95 ms':>10}{'+ vs REST':>11}")
    for name, timings in results.items():
        median, p95 = summary(timings)
        print(f"{name:<20}{median:>10.2f}{p95:>10.2f}{median - rest_median:>+11.2f}")


if __name__ == "__main__":
    main()
