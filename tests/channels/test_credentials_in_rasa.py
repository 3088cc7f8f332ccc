"""The credentials.yml snippet loaded by Rasa's own server code (`rasa run`'s path)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from twilio.request_validator import RequestValidator

from channels.status import ENV, SNIPPET
from tests.channels.rasa_harness import rasa_harness
from tests.channels.sanic_server import free_port


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TCN_")}
    env.update(dict.fromkeys(ENV.values(), ""))
    env.update(values)
    return env


@pytest.fixture(scope="module")
def disabled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("disabled")
    credentials = folder / "credentials.yml"
    credentials.write_text(SNIPPET.read_text())
    with rasa_harness(credentials, free_port(), env=_env()) as url:
        yield url


def test_channels_without_credentials_are_mounted_but_refuse(disabled: str) -> None:
    for name in ("twilio_sms", "twilio_whatsapp", "telegram"):
        health = httpx.get(f"{disabled}/webhooks/{name}/", timeout=30)
        assert health.json() == {"status": "disabled"}, name
        refused = httpx.post(f"{disabled}/webhooks/{name}/webhook", data={"Body": "hi"}, timeout=30)
        assert refused.status_code == 503, name
    socket = httpx.get(f"{disabled}/socket.io/?EIO=4&transport=polling", timeout=30)
    assert socket.status_code == 200


def test_enabled_sms_channel_answers_through_rasa(tmp_path: Path) -> None:
    port = free_port()
    public = "https://bot.telecomnet.example/webhooks/twilio_sms/webhook"
    env = _env(
        TCN_TWILIO_ACCOUNT_SID="AC" + "2" * 32,
        TCN_TWILIO_AUTH_TOKEN="rasa-harness-token",
        TCN_TWILIO_SMS_WEBHOOK_URL=public,
    )
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(SNIPPET.read_text())
    record = tmp_path / "handled.jsonl"
    with rasa_harness(credentials, port, env=env, record=record) as url:
        params = {"From": "+15550100101", "Body": "/buttons", "MessageSid": "SM" + "9" * 32}
        signature = RequestValidator("rasa-harness-token").compute_signature(public, params)
        reply = httpx.post(
            f"{url}/webhooks/twilio_sms/webhook",
            data=params,
            headers={"X-Twilio-Signature": signature},
            timeout=30,
        )
        assert reply.status_code == 200
        assert "1. Check my bill" in reply.text and "/check_bill" not in reply.text
        again = httpx.post(
            f"{url}/webhooks/twilio_sms/webhook",
            data=params,
            headers={"X-Twilio-Signature": signature},
            timeout=30,
        )
        assert again.status_code == 200 and "<Message>" not in again.text
        forged = httpx.post(f"{url}/webhooks/twilio_sms/webhook", data=params, timeout=30)
        assert forged.status_code == 403
    handled = [json.loads(line) for line in record.read_text().splitlines()]
    assert [(h["text"], h["input_channel"]) for h in handled] == [("buttons", "twilio_sms")]
