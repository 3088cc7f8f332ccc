"""Serve one Rasa input channel's blueprint on a real Sanic server on a free port."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Sanic

from tests.ports import free_port


@dataclass
class FakeBot:
    """Stands in for Rasa's agent: records messages and answers through their channel."""

    received: list[UserMessage] = field(default_factory=list)
    buttons: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"title": "Check my bill", "payload": "/check_bill"},
            {"title": "Pay my bill", "payload": '/pay_bill{"amount": "42.50"}'},
            {"title": "Talk to an agent", "payload": "/human_handoff"},
        ]
    )

    gate: asyncio.Event | None = None  # "slow" waits for it

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        out = message.output_channel
        text = message.text or ""
        if text == "slow" and self.gate is not None:
            await self.gate.wait()
            await out.send_text_message(message.sender_id, "Sorry for the wait: " + "x " * 200)
        elif text == "buttons":
            await out.send_text_with_buttons(
                message.sender_id, "What would you like?", self.buttons
            )
        elif text == "long":
            sentence = "Your bill for November is 42.50 dollars and it is due on December 1. "
            await out.send_text_message(message.sender_id, sentence * 12)
        elif text == "markup":
            await out.send_text_message(
                message.sender_id, "You owe **$42.50**. See [your bill](https://t.example/b)."
            )
        elif text == "boom":
            raise RuntimeError("database password=hunter2 refused")
        else:
            await out.send_text_message(message.sender_id, f"echo: {text}")

    @property
    def texts(self) -> list[str]:
        return [m.text or "" for m in self.received]


@asynccontextmanager
async def serve_channel(
    channel: InputChannel, on_new_message: Callable[[UserMessage], Awaitable[Any]]
) -> AsyncIterator[str]:
    """Mount the channel as Rasa does (``/webhooks/<name>``); yields the base URL."""
    # Sanic rewrites its connection code at each start ("touchup"); in test mode it keeps
    # the original, so several servers can start in one process.
    Sanic.test_mode = True
    app = Sanic(f"test_{uuid.uuid4().hex[:12]}", configure_logging=False)
    app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.url_prefix()}")
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    serving = asyncio.ensure_future(server.serve_forever())
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)
        await server.after_stop()
