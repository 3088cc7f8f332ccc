"""Errors are JSON with a machine code; oversized and malformed bodies are refused."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from bot.api.app import create_app
from bot.settings import Settings
from tests.bot.api.helpers import ApiClient, bearer, verify

pytestmark = pytest.mark.usefixtures("seeded")


def test_oversized_body(client: ApiClient) -> None:
    response = client.post(
        "/api/v1/identity/verifications",
        content=b'{"identifier": "' + b"x" * 70_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_malformed_json(client: ApiClient) -> None:
    response = client.post(
        "/api/v1/identity/verifications",
        content=b"{nope",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "The request body is not valid JSON."


def test_unknown_path_and_method(client: ApiClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = client.put("/api/v1/me", headers=bearer(verify(client)))
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


def test_health_needs_no_key(app: FastAPI) -> None:
    with ApiClient(app) as plain:
        plain.headers.pop("X-Service-Key")
        assert plain.get("/health").json() == {"status": "ok"}


def test_demo_outbox_is_absent_outside_demo_mode(settings: Settings) -> None:
    production = settings.copy(update={"demo_mode": False})
    app = create_app(production, static_dir=None)
    with ApiClient(app) as api:
        response = api.get("/api/v1/demo/outbox", params={"to": "+12025550101"})
    app.state.engine.dispose()
    assert response.status_code == 404


def test_cors_allows_only_configured_origins(client: ApiClient) -> None:
    allowed = client.options(
        "/api/v1/plans",
        headers={"Origin": "http://127.0.0.1:8000", "Access-Control-Request-Method": "GET"},
    )
    assert allowed.headers.get("access-control-allow-origin") == "http://127.0.0.1:8000"
    denied = client.options(
        "/api/v1/plans",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in denied.headers


def test_static_portal_is_served_after_the_api(settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "index.html").write_text("<h1>help</h1>")
    app = create_app(settings, static_dir=tmp_path)
    with ApiClient(app) as api:
        assert "help" in api.get("/").text
        assert api.get("/health").json() == {"status": "ok"}
        assert api.get("/api/v1/plans").status_code == 200
    app.state.engine.dispose()
