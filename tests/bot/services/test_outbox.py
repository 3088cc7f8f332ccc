"""The outbox stores every message (secrets redacted); transports: demo and Twilio (fake client)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Optional

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import OutboxMessage
from bot.services import outbox
from bot.settings import Settings

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
# A valid number outside the 555 exchange: the fake Twilio client sends nothing anyway.
REAL_LOOKING = "+12026330123"


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


def send(
    database_url: str,
    transport: outbox.SmsTransport,
    to: str = "+12025550101",
    body: str = "hello",
    secrets: tuple[str, ...] = (),
) -> None:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            outbox.send_sms(db, transport, to=to, body=body, now=NOW, secrets=secrets)
            db.commit()
    finally:
        engine.dispose()


def test_twilio_transport_sends_and_stores(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("twilio.rest.Client", FakeClient)
    FakeClient.fail = False
    transport = outbox.make_transport(twilio_settings())
    send(database_url, transport, to=REAL_LOOKING)
    assert FakeClient.last is not None
    assert FakeClient.last.credentials == ("AC123", "secret")
    assert FakeClient.last.messages.sent == [
        {"to": REAL_LOOKING, "from_": "+12025550199", "body": "hello"}
    ]
    (message,) = stored(database_url)
    assert (message.transport, message.status, message.provider_reference) == (
        "twilio",
        "sent",
        "SM123",
    )
    assert message.failure_reason is None


def test_a_failing_transport_keeps_the_record_with_a_reason(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("twilio.rest.Client", FakeClient)
    FakeClient.fail = True
    send(database_url, outbox.make_transport(twilio_settings()), to=REAL_LOOKING)
    (message,) = stored(database_url)
    assert message.status == "failed"
    assert message.failure_reason == "RuntimeError: twilio is down"


def test_a_real_transport_never_gets_a_fictional_555_number(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("twilio.rest.Client", FakeClient)
    FakeClient.fail = False
    send(database_url, outbox.make_transport(twilio_settings()), to="+13125552046")
    assert FakeClient.last is not None and FakeClient.last.messages.sent == []
    (message,) = stored(database_url)
    assert message.status == "failed"
    assert "fictional" in (message.failure_reason or "")


def test_the_code_is_stored_redacted_and_sent_in_clear(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("twilio.rest.Client", FakeClient)
    FakeClient.fail = False
    body = "Your TeleComNet code is 482913. It expires in 10 minutes."
    send(database_url, outbox.make_transport(twilio_settings()), REAL_LOOKING, body, ("482913",))
    assert FakeClient.last is not None
    assert FakeClient.last.messages.sent[0]["body"] == body
    (message,) = stored(database_url)
    assert "482913" not in message.body
    assert message.body == f"Your TeleComNet code is {outbox.REDACTED}. It expires in 10 minutes."


def test_demo_transport_in_demo_mode_logs_and_remembers_the_clear_text(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    transport = outbox.make_transport(Settings(_env_file=None, demo_mode=True))  # type: ignore[call-arg]
    assert isinstance(transport, outbox.DemoTransport)
    with caplog.at_level(logging.INFO, logger="bot.outbox"):
        send(database_url, transport, body="code 135790 here", secrets=("135790",))
    assert "[demo SMS] to +12025550101: code 135790 here" in caplog.text
    (message,) = stored(database_url)
    assert message.status == "sent" and "135790" not in message.body
    assert outbox.readable_body(message, [transport]) == "code 135790 here"
    # Another process (or a restarted backend) has no memory of it: the stored text.
    fresh = outbox.DemoTransport(keep_clear_text=True)
    assert outbox.readable_body(message, [fresh]) == message.body


def test_demo_transport_outside_demo_mode_keeps_and_logs_no_text(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    transport = outbox.make_transport(Settings(_env_file=None, demo_mode=False))  # type: ignore[call-arg]
    with caplog.at_level(logging.INFO, logger="bot.outbox"):
        send(database_url, transport, body="code 135790 here", secrets=("135790",))
    assert "135790" not in caplog.text and "[demo SMS] to +12025550101" in caplog.text
    (message,) = stored(database_url)
    assert outbox.readable_body(message, [transport]) == message.body
    assert "135790" not in message.body


def test_the_demo_memory_is_bounded() -> None:
    transport = outbox.DemoTransport(keep_clear_text=True)
    first: Optional[str] = transport.send("+12025550101", "first")
    for i in range(3000):
        transport.send("+12025550101", f"message {i}")
    assert transport.clear_text(first) is None


def test_fictional_destinations() -> None:
    assert outbox.is_fictional_phone("+12025550101")
    assert outbox.is_fictional_phone("+19895559999")
    assert not outbox.is_fictional_phone(REAL_LOOKING)
    assert not outbox.is_fictional_phone("+447700900123")
    assert outbox.is_fictional_email("maria.lopez1@example.com")
    assert outbox.is_fictional_email("a@mail.example.org")
    assert outbox.is_fictional_email("a@telecomnet.example")
    assert not outbox.is_fictional_email("a@examples.com")


def test_transports_need_their_settings() -> None:
    with pytest.raises(ValueError, match="TWILIO"):
        outbox.make_transport(Settings(_env_file=None, sms_transport="twilio"))  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="unknown"):
        outbox.make_transport(Settings(_env_file=None, sms_transport="pigeon"))  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="SMTP_HOST"):
        outbox.make_email_transport(Settings(_env_file=None, email_transport="smtp"))  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="SMTP_SECURITY"):
        outbox.make_email_transport(
            Settings(_env_file=None, email_transport="smtp", smtp_host="h", smtp_security="tls")  # type: ignore[call-arg]
        )
    with pytest.raises(ValueError, match="unknown"):
        outbox.make_email_transport(Settings(_env_file=None, email_transport="fax"))  # type: ignore[call-arg]
    assert isinstance(
        outbox.make_email_transport(Settings(_env_file=None)),  # type: ignore[call-arg]
        outbox.DemoEmailTransport,
    )


def test_twilio_whatsapp_message_goes_from_the_whatsapp_sender(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("twilio.rest.Client", FakeClient)
    FakeClient.fail = False
    send(database_url, outbox.make_transport(twilio_settings()), to=f"whatsapp:{REAL_LOOKING}")
    assert FakeClient.last is not None
    assert FakeClient.last.messages.sent == [
        {"to": f"whatsapp:{REAL_LOOKING}", "from_": "whatsapp:+12025550199", "body": "hello"}
    ]


def test_a_fictional_whatsapp_number_never_reaches_twilio(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("twilio.rest.Client", FakeClient)
    FakeClient.fail = False
    send(database_url, outbox.make_transport(twilio_settings()), to="whatsapp:+13125552046")
    assert FakeClient.last is not None and FakeClient.last.messages.sent == []
    assert stored(database_url)[0].status == "failed"
