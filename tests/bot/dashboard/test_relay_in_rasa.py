"""The agent route inside a real Rasa server process (``rasa.core.run`` with our channel).

The Rasa process reads the relay secret from its own environment (``TCN_`` settings),
as ``make run`` starts it; the backend's delivery code reaches the customer's socket.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from pydantic import SecretStr

from bot.dashboard.delivery import RELAY_HEADER, RELAY_PATH, ReplyDelivery
from bot.services.outbox import DemoTransport
from bot.settings import Settings
from tests.bot.dashboard.factories import WebCustomer
from tests.channels.rasa_harness import rasa_harness
from tests.channels.sanic_server import free_port

SECRET = "relay-secret-for-the-rasa-process-0123"
CREDENTIALS = """\
channels.webchat.rasa_socketio.PersistentSocketIOInput:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
"""


@pytest.fixture(scope="module")
def rasa_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    credentials = tmp_path_factory.mktemp("rasa-relay") / "credentials.yml"
    credentials.write_text(CREDENTIALS)
    env = {**os.environ, "TCN_DEMO_MODE": "true", "TCN_AGENT_RELAY_SECRET": SECRET}
    with rasa_harness(credentials, free_port(), env=env) as url:
        yield url


async def _reply_through_rasa(rasa_url: str) -> tuple[str, list[dict]]:
    customer = WebCustomer(rasa_url)
    await customer.connect()
    try:
        parts = urlsplit(rasa_url)
        settings = Settings(_env_file=None, rasa_host=parts.hostname,  # type: ignore[call-arg]
                            rasa_port=parts.port, agent_relay_secret=SecretStr(SECRET))
        delivery = ReplyDelivery(settings, DemoTransport())
        outcome = await asyncio.to_thread(
            delivery.deliver, None, channel="socketio",  # type: ignore[arg-type]
            conversation_id=customer.session_id, text="A person is here now.",
            now=None)  # type: ignore[arg-type]
        await customer.wait_for_text("A person is here now.")
    finally:
        await customer.client.disconnect()
    return outcome.status, customer.received


def test_reply_reaches_a_customer_connected_to_rasa(rasa_url: str) -> None:
    status, received = asyncio.run(_reply_through_rasa(rasa_url))
    assert status == "sent"
    assert received[-1]["text"] == "A person is here now."


def test_rasa_refuses_a_wrong_secret(rasa_url: str) -> None:
    body = {"conversation_id": "a" * 32, "text": "forged"}
    wrong = httpx.post(
        rasa_url + RELAY_PATH, json=body, headers={RELAY_HEADER: "guess"}, timeout=30
    )
    assert wrong.status_code == 403
    nobody = httpx.post(
        rasa_url + RELAY_PATH, json=body, headers={RELAY_HEADER: SECRET}, timeout=30
    )
    assert nobody.status_code == 404


def test_log_has_no_secret(rasa_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    logs = list(Path(tmp_path_factory.getbasetemp()).glob("rasa-relay*/credentials.log"))
    assert logs and all(SECRET not in log.read_text() for log in logs)
