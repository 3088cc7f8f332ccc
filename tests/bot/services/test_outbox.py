"""The outbox stores every message; transports: demo (log) and Twilio (fake client)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import OutboxMessage
from bot.services import outbox
from bot.settings import Settings

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


class FakeMessages:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[dict[str, Any]] = []
        self.fail = fail

    def create(self, **kwargs: Any) -> Any:
        if self.fail:
            raise RuntimeError("twilio is down")
        self.sent.append(kwargs)
        return type("Message", (), {"sid": "SM123"})()


class FakeClient:
    last: FakeClient | None = None
    fail = False

    def __init__(self, sid: str, token: str) -> None:
        self.credentials = (sid, token)
        self.messages = FakeMessages(FakeClient.fail)
        FakeClient.last = self


def twilio_settings() -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        sms_transport="twilio",
        twilio_account_sid="AC123",
        twilio_auth_token=SecretStr("secret"),
        twilio_from_number="+12025550199",
    )


def stored(database_url: str) -> list[OutboxMessage]:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            return list(db.execute(select(OutboxMessage)).scalars())
    finally:
        engine.dispose()


def send(database_url: str, transport: outbox.SmsTransport) -> None:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            outbox.send_sms(db, transport, to="+12025550101", body="hello", now=NOW)
            db.commit()
    finally:
        engine.dispose()


def test_twilio_transport_sends_and_stores(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("twilio.rest.Client", FakeClient)
    FakeClient.fail = False
    transport = outbox.make_transport(twilio_settings())
    send(database_url, transport)
    assert FakeClient.last is not None
    assert FakeClient.last.credentials == ("AC123", "secret")
    assert FakeClient.last.messages.sent == [
        {"to": "+12025550101", "from_": "+12025550199", "body": "hello"}
    ]
    (message,) = stored(database_url)
    assert (message.transport, message.status, message.provider_reference) == (
        "twilio",
        "sent",
        "SM123",
    )


def test_a_failing_transport_keeps_the_record(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("twilio.rest.Client", FakeClient)
    FakeClient.fail = True
    send(database_url, outbox.make_transport(twilio_settings()))
    (message,) = stored(database_url)
    assert message.status == "failed"


def test_demo_transport_logs(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="bot.outbox"):
        send(database_url, outbox.DemoTransport())
    assert "[demo SMS] to +12025550101: hello" in caplog.text
    assert stored(database_url)[0].status == "sent"


def test_twilio_needs_its_settings() -> None:
    with pytest.raises(ValueError, match="TWILIO"):
        outbox.make_transport(Settings(_env_file=None, sms_transport="twilio"))  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="unknown"):
        outbox.make_transport(Settings(_env_file=None, sms_transport="pigeon"))  # type: ignore[call-arg]
