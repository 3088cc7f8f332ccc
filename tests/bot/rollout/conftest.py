"""A seeded backend database (SQLite and PostgreSQL), a session on it, settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import Customer
from bot.seed import seed
from bot.settings import Settings

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
SALT = "test-rollout-salt"


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "demo_mode": True,
        "service_key": SecretStr("test-service-key-0123456789abcdef"),
        "token_secret": SecretStr("test-token-secret-0123456789abcdef"),
        "rollout_salt": SecretStr(SALT),
        "sms_transport": "demo",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def seeded_url(database_url: str) -> str:
    seed(database_url, customers=40, now=NOW)
    return database_url


@pytest.fixture
def rollout_settings(seeded_url: str) -> Settings:
    return make_settings(seeded_url)


@pytest.fixture
def db(seeded_url: str) -> Iterator[Session]:
    engine = make_engine(seeded_url)
    session = make_session_factory(engine)()
    try:
        yield session
    finally:
        session.close()
        engine.dispose()


def non_pilot_accounts(db: Session) -> list[str]:
    return list(
        db.execute(
            select(Customer.account_number)
            .where(Customer.pilot.is_(False), Customer.status != "closed")
            .order_by(Customer.account_number)
        ).scalars()
    )
