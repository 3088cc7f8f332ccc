"""A seeded backend database (SQLite and PostgreSQL), a session on it, settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.api.app import create_app
from bot.db.engine import make_engine, make_session_factory
from bot.db.models import Customer
from bot.seed import seed
from bot.services.clock import FrozenClock
from bot.settings import Settings
from tests.bot.api.helpers import SERVICE_KEY, ApiClient
from tests.bot.operators.factories import AGENT, ANALYST, add_operator

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
SALT = "test-rollout-salt"


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "demo_mode": True,
        "service_key": SecretStr(SERVICE_KEY),
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


# ---- an in-process app with an analyst and an agent (API and page tests)
@pytest.fixture
def settings(database_url: str) -> Settings:
    seed(database_url, customers=40, now=NOW)
    return make_settings(database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings, clock=FrozenClock(NOW), static_dir=None)
    add_operator(application, ANALYST, "analyst", NOW)
    add_operator(application, AGENT, "agent", NOW)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[ApiClient]:
    api = ApiClient(app)
    with api:
        yield api


def outsider(app: FastAPI) -> tuple[str, str]:
    """A non-pilot, open account (account number, phone) that nothing serves at 0 %."""
    with app.state.session_factory() as db:
        row = db.execute(
            select(Customer.account_number, Customer.phone)
            .where(Customer.pilot.is_(False), Customer.status == "active")
            .order_by(Customer.account_number).limit(1)
        ).one()
    return str(row[0]), str(row[1])
