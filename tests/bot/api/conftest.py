"""An in-process app on the test database, a frozen clock and an authenticated client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from bot.api.app import create_app
from bot.seed import seed
from bot.services.clock import FrozenClock
from bot.settings import Settings
from tests.bot.api.helpers import SERVICE_KEY, ApiClient

START = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        demo_mode=True,
        service_key=SecretStr(SERVICE_KEY),
        token_secret=SecretStr("test-token-secret-0123456789abcdef"),
        sms_transport="demo",
    )


@pytest.fixture
def app(settings: Settings, clock: FrozenClock) -> Iterator[FastAPI]:
    application = create_app(settings, clock=clock, static_dir=None)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[ApiClient]:
    api = ApiClient(app)
    with api:
        yield api


@pytest.fixture
def seeded(database_url: str, clock: FrozenClock) -> str:
    """The demo identities plus a few generated customers."""
    seed(database_url, customers=20, now=clock.now)
    return database_url
