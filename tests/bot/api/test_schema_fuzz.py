"""Schemathesis against the app's own OpenAPI schema, in process: no 5xx on any input.

Every generated request carries the service key and a verified customer's token, so the
generator reaches the customer endpoints, not only the 401 in front of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from pydantic import SecretStr

from bot.api.app import create_app
from bot.db.migrate import upgrade
from bot.seed import seed
from bot.services.clock import FrozenClock
from bot.settings import Settings
from tests.bot.api.conftest import START
from tests.bot.api.helpers import SERVICE_KEY, ApiClient, verify
from tests.fuzzing import examples


@pytest.fixture
def fuzz_app(tmp_path: Path) -> Iterator[FastAPI]:
    url = f"sqlite:///{tmp_path / 'fuzz.db'}"
    upgrade(url)
    seed(url, customers=10, now=START)
    app = create_app(
        Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=url,
            service_key=SecretStr(SERVICE_KEY),
            token_secret=SecretStr("fuzz-token-secret-0123456789abcdef"),
        ),
        clock=FrozenClock(START),
        static_dir=None,
    )
    with ApiClient(app) as client:
        app.state.fuzz_token = verify(client)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def api_schema(fuzz_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.hypothesis  # schemathesis draws with Hypothesis: make fuzz selects it
@schema.parametrize()
@settings(
    max_examples=examples(10),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: Any, fuzz_app: FastAPI) -> None:
    headers = {
        "X-Service-Key": SERVICE_KEY,
        "Authorization": f"Bearer {fuzz_app.state.fuzz_token}",
    }
    response = case.call(headers=headers)
    status = response.status_code
    assert status < 500, (case.method, case.path, response.text)
    if status >= 400:
        error = response.json()["error"]
        assert error["code"] and error["message"]
