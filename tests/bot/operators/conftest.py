"""An in-process backend app with two operators on the test database, and a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from bot.api.app import create_app
from bot.services.clock import FrozenClock
from bot.settings import Settings
from tests.bot.api.helpers import SERVICE_KEY, ApiClient
from tests.bot.operators.factories import AGENT, ANALYST, add_operator

START = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        demo_mode=True,
        service_key=SecretStr(SERVICE_KEY),
        token_secret=SecretStr("test-token-secret-0123456789abcdef"),
        sms_transport="demo",
        tracker_store_db=str(tmp_path / "conversations.db"),
        operator_max_failed_logins=3,
        operator_lockout_minutes=10,
        operator_session_minutes=30,
        operator_max_logins_per_address=6,
    )


@pytest.fixture
def app(settings: Settings, clock: FrozenClock) -> Iterator[FastAPI]:
    application = create_app(settings, clock=clock, static_dir=None)
    add_operator(application, ANALYST, "analyst", clock.now)
    add_operator(application, AGENT, "agent", clock.now)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[ApiClient]:
    api = ApiClient(app)
    with api:
        yield api
