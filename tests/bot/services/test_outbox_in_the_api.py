"""Through the API: codes never reach the database file, the demo outbox still shows them,
and an email change is announced to the old address (SMTP to a real local server)."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine, select, update

from bot.api.app import create_app
from bot.db.models import Customer, OutboxMessage
from bot.seed import seed
from bot.services import outbox
from bot.services.clock import FrozenClock
from bot.settings import Settings
from tests.bot.api.helpers import MARIA, SERVICE_KEY, ApiClient, bearer, last_code, start, verify
from tests.bot.services.smtp_server import smtp_server

START = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def settings_for(database_url: str, **overrides: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        demo_mode=True,
        service_key=SecretStr(SERVICE_KEY),
        token_secret=SecretStr("test-token-secret-0123456789abcdef"),
        **overrides,
    )


@pytest.fixture
def api(database_url: str) -> Iterator[ApiClient]:
    seed(database_url, customers=10, now=START)
    app = create_app(settings_for(database_url), clock=FrozenClock(START), static_dir=None)
    with ApiClient(app) as client:
        yield client
    app.state.engine.dispose()


def sqlite_bytes(database_url: str) -> bytes:
    """Every byte SQLite wrote for the database (main file and write-ahead log)."""
    path = Path(database_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:  # fold the WAL in, as a backup would
        conn.execute("PRAGMA wal_checkpoint(FULL)")
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_a_verified_code_is_nowhere_in_the_database_file_and_still_works(
    sqlite_template: Path, tmp_path: Path
) -> None:
    target = tmp_path / "backend.db"
    shutil.copyfile(sqlite_template, target)
    database_url = f"sqlite:///{target}"
    seed(database_url, customers=10, now=START)
    app = create_app(settings_for(database_url), clock=FrozenClock(START), static_dir=None)
    try:
        with ApiClient(app) as api:
            before = sqlite_bytes(database_url)
            started = start(api, MARIA["account"])
            assert started.status_code == 201, started.text
            code = last_code(api, MARIA["phone"]).encode()  # demo memory, not the database
            # (six digits can occur by chance in seeded data: then only the baseline has them)
            assert code not in sqlite_bytes(database_url) or code in before
            confirmed = api.post(
                f"/api/v1/identity/verifications/{started.json()['verification_id']}/confirm",
                json={"code": code.decode()},
            )
            assert confirmed.status_code == 200, confirmed.text
            assert code not in sqlite_bytes(database_url) or code in before
    finally:
        app.state.engine.dispose()


def test_stored_sms_rows_hold_the_marker_not_the_code(api: ApiClient, database_url: str) -> None:
    verify(api)
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            bodies = list(conn.execute(select(OutboxMessage.body)).scalars())
    finally:
        engine.dispose()
    assert bodies and all(outbox.REDACTED in body for body in bodies)
    assert not any(re.search(r"\b\d{6}\b", body) for body in bodies)


def test_the_demo_outbox_reads_emails_too(api: ApiClient) -> None:
    token = verify(api)
    changed = api.patch(
        "/api/v1/me/contact", json={"email": "maria.new@example.com"}, headers=bearer(token)
    )
    assert changed.status_code == 200, changed.text
    old = api.get("/api/v1/demo/outbox", params={"to": "maria.lopez1@example.com"}).json()
    (notice,) = old["messages"]
    assert notice["medium"] == "email" and "changed" in notice["subject"]
    assert "m•••@example.com" in notice["body"] and "maria.new" not in notice["body"]
    assert api.get("/api/v1/demo/outbox", params={"to": "maria.new@example.com"}).json() == {
        "messages": []
    }
    bad = api.get("/api/v1/demo/outbox", params={"to": "not@an@email"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_email"


def test_an_email_change_notifies_the_old_address_over_smtp(database_url: str) -> None:
    seed(database_url, customers=7, now=START)
    engine = create_engine(database_url, future=True)
    with engine.begin() as conn:  # an address outside the reserved example domains
        conn.execute(
            update(Customer)
            .where(Customer.account_number == MARIA["account"])
            .values(email="maria@telecomnet-customers.net")
        )
    engine.dispose()
    with smtp_server() as inbox:
        settings = settings_for(
            database_url,
            email_transport="smtp",
            smtp_host="127.0.0.1",
            smtp_port=inbox.port,
            smtp_security="none",
        )
        app = create_app(settings, clock=FrozenClock(START), static_dir=None)
        try:
            with ApiClient(app) as api:
                token = verify(api)
                changed = api.patch(
                    "/api/v1/me/contact",
                    json={"email": "maria@elsewhere-mail.net"},
                    headers=bearer(token),
                )
                assert changed.status_code == 200, changed.text
        finally:
            app.state.engine.dispose()
    assert [rcpt for _, rcpt in inbox.envelopes] == [["maria@telecomnet-customers.net"]]
    assert "m•••@elsewhere-mail.net" in inbox.messages[0].get_payload(decode=True).decode()
