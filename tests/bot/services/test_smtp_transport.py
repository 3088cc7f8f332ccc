"""The SMTP email transport against a real SMTP server on localhost (aiosmtpd, real sockets).

Plain, STARTTLS and implicit TLS, with and without a login; every failure (refused
login, refused recipient, nobody listening, a server that never answers) leaves a
``failed`` outbox row with a reason, after exactly one attempt.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import OutboxMessage
from bot.services import outbox
from bot.settings import Settings
from tests.bot.services.smtp_server import free_port, self_signed, silent_server, smtp_server

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
TO = "maria@telecomnet-customers.net"


def smtp_settings(port: int, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "email_transport": "smtp",
        "smtp_host": "localhost",
        "smtp_port": port,
        "smtp_security": "none",
        "smtp_from": "TeleComNet <no-reply@telecomnet.example>",
        "smtp_timeout_seconds": 5,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def send(database_url: str, settings: Settings, to: str = TO) -> OutboxMessage:
    transport = outbox.make_email_transport(settings)
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            outbox.send_email(
                db,
                transport,
                to=to,
                subject="Your code",
                body="Your TeleComNet code is 246810.",
                now=NOW,
                secrets=("246810",),
            )
            db.commit()
            (row,) = db.execute(select(OutboxMessage)).scalars()
            db.expunge(row)
            return row
    finally:
        engine.dispose()


def only_message(inbox: Any) -> Any:
    assert len(inbox.messages) == 1
    return inbox.messages[0]


def test_plain_smtp_delivers_and_the_row_keeps_no_code(database_url: str) -> None:
    with smtp_server() as inbox:
        row = send(database_url, smtp_settings(inbox.port))
    message = only_message(inbox)
    assert message["To"] == TO and message["Subject"] == "Your code"
    assert "no-reply@telecomnet.example" in message["From"]
    assert "246810" in message.get_payload()
    assert inbox.envelopes == [("no-reply@telecomnet.example", [TO])]
    assert (row.medium, row.transport, row.status) == ("email", "smtp", "sent")
    assert row.provider_reference and row.provider_reference.startswith("<")
    assert row.provider_reference.strip("<>") in message["Message-ID"]
    assert "246810" not in row.body and row.subject == "Your code"


def test_starttls_with_a_login(database_url: str, tmp_path: Path) -> None:
    cert, context = self_signed(tmp_path)
    with smtp_server(starttls=context, login=("bot", "s3cret")) as inbox:
        row = send(
            database_url,
            smtp_settings(
                inbox.port,
                smtp_security="starttls",
                smtp_username="bot",
                smtp_password=SecretStr("s3cret"),
                smtp_ca_file=cert,
            ),
        )
    assert row.status == "sent", row.failure_reason
    assert only_message(inbox)["To"] == TO
    assert inbox.auth_attempts == 1


def test_implicit_tls(database_url: str, tmp_path: Path) -> None:
    cert, context = self_signed(tmp_path)
    with smtp_server(implicit_tls=context) as inbox:
        row = send(database_url, smtp_settings(inbox.port, smtp_security="ssl", smtp_ca_file=cert))
    assert row.status == "sent", row.failure_reason
    assert only_message(inbox)["Subject"] == "Your code"


def test_an_untrusted_certificate_is_refused(database_url: str, tmp_path: Path) -> None:
    _, context = self_signed(tmp_path)
    with smtp_server(starttls=context) as inbox:
        row = send(database_url, smtp_settings(inbox.port, smtp_security="starttls"))
    assert row.status == "failed"
    assert "SSL" in (row.failure_reason or "") or "certificate" in (row.failure_reason or "")
    assert inbox.messages == []


def test_a_wrong_password_fails_once_and_keeps_the_row(database_url: str, tmp_path: Path) -> None:
    cert, context = self_signed(tmp_path)
    with smtp_server(starttls=context, login=("bot", "s3cret")) as inbox:
        row = send(
            database_url,
            smtp_settings(
                inbox.port,
                smtp_security="starttls",
                smtp_username="bot",
                smtp_password=SecretStr("wrong"),
                smtp_ca_file=cert,
            ),
        )
    assert row.status == "failed"
    assert (row.failure_reason or "").startswith("SMTPAuthenticationError")
    assert "wrong" not in (row.failure_reason or "")
    # One login (smtplib tries each mechanism the server offers, PLAIN and LOGIN, once),
    # no second session, nothing sent.
    assert inbox.auth_attempts <= 2 and inbox.messages == []


def test_a_refused_recipient_fails_once(database_url: str) -> None:
    with smtp_server() as inbox:
        inbox.refuse.add(TO)
        row = send(database_url, smtp_settings(inbox.port))
    assert row.status == "failed"
    assert (row.failure_reason or "").startswith("SMTPRecipientsRefused")
    assert inbox.rcpt_attempts == 1 and inbox.messages == []


@pytest.mark.parametrize("stalled", [False, True], ids=["nobody-listening", "never-answers"])
def test_an_unreachable_server_leaves_a_failed_row(database_url: str, stalled: bool) -> None:
    reason: Optional[str]
    if stalled:
        with silent_server() as port:
            row = send(database_url, smtp_settings(port, smtp_timeout_seconds=0.5))
        reason = row.failure_reason
        assert reason is not None and "timed out" in reason.lower()
    else:
        row = send(database_url, smtp_settings(free_port()))
        reason = row.failure_reason
        assert reason is not None and "ConnectionRefused" in reason
    assert row.status == "failed"


def test_reserved_example_addresses_never_reach_a_real_server(database_url: str) -> None:
    with smtp_server() as inbox:
        row = send(database_url, smtp_settings(inbox.port), to="maria.lopez1@example.com")
    assert row.status == "failed" and "fictional" in (row.failure_reason or "")
    assert inbox.rcpt_attempts == 0 and inbox.messages == []
