"""Plain functions: handoff requests, conversation events, a web relay server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import socketio
from fastapi import FastAPI
from sqlalchemy import insert, select

from bot.analytics.eventlog import Transcript
from bot.analytics.schema import events, open_store, tracker_store_url
from bot.db.models import Customer, Plan, ServiceRequest
from channels.webchat.rasa_socketio import PersistentSocketIOInput
from tests.channels.sanic_server import FakeBot, serve_channel

RELAY_SECRET = "test-relay-secret-0123456789abcdef"


def add_customer(app: FastAPI, account: str, phone: str, now: datetime) -> int:
    """A minimal customer (name, plan), enough for a handoff request."""
    with app.state.session_factory() as db:
        plan = db.execute(select(Plan)).scalars().first()
        if plan is None:
            plan = Plan(code="BASIC", name="Basic", kind="plan", monthly_price="10.00",
                        data_gb=1, minutes=100, texts=100, available=True)
            db.add(plan)
            db.flush()
        customer = Customer(account_number=account, first_name="Maria", last_name="Lopez",
                            phone=phone, address="1 Main St", postcode="20001",
                            status="active", plan_id=plan.id, pilot=True, created_at=now)
        db.add(customer)
        db.commit()
        return int(customer.id)


def add_handoff(app: FastAPI, customer_id: int, reference: str, channel: str,
                conversation_id: str, created_at: datetime,
                transcript: str = "Customer: I want a person") -> None:
    with app.state.session_factory() as db:
        db.add(ServiceRequest(
            reference=reference, customer_id=customer_id, category="human_handoff",
            description="The customer asked to talk to a person in chat.", status="open",
            channel=channel, conversation_id=conversation_id, transcript=transcript,
            created_at=created_at, updated_at=created_at,
        ))
        db.commit()


def write_events(app: FastAPI, transcript: Transcript) -> None:
    engine = open_store(tracker_store_url(app.state.settings))
    try:
        with engine.begin() as conn:
            conn.execute(insert(events), transcript.rows)
    finally:
        engine.dispose()


@dataclass
class WebCustomer:
    """A socket.io client in the role of the customer's chat widget."""

    url: str
    session_id: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    client: socketio.AsyncClient = field(default_factory=socketio.AsyncClient)

    async def connect(self) -> None:
        confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.client.on("session_confirm", confirmed.put_nowait)
        self.client.on("bot_uttered", self.received.append)
        # engineio's websocket client needs a newer aiohttp than Rasa pins: long-polling.
        await self.client.connect(self.url, transports=["polling"])
        await self.client.emit("session_request", {})
        self.session_id = await asyncio.wait_for(confirmed.get(), 10)

    async def wait_for_text(self, text: str, timeout: float = 10) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not any(m.get("text") == text for m in self.received):
            if loop.time() > deadline:
                raise AssertionError(f"never received {text!r}: {self.received}")
            await asyncio.sleep(0.05)


@asynccontextmanager
async def web_channel(secret: str = RELAY_SECRET) -> AsyncIterator[str]:
    """Rasa's socket.io channel (our subclass, with the agent route) on a test Sanic server."""
    channel = PersistentSocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
         "session_persistence": True}
    )
    import channels.webchat.agent_relay as relay

    original = relay.configured_secret
    relay.configured_secret = lambda: secret  # type: ignore[assignment]
    try:
        async with serve_channel(channel, FakeBot()) as base:
            yield base
    finally:
        relay.configured_secret = original  # type: ignore[assignment]
