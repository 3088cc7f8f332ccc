"""Plain helper functions for API tests (no fixtures hidden in here)."""

from __future__ import annotations

import re
from typing import Any, Optional

import httpx
from fastapi import FastAPI
from starlette.testclient import TestClient, _AsyncBackend, _TestClientTransport

SERVICE_KEY = "test-service-key-0123456789abcdef"
MARIA = {"phone": "+12025550101", "account": "AC10000001"}


class ApiClient(TestClient):
    """Starlette's TestClient, built without the ``app=`` argument httpx 0.28 removed.

    Every request carries the service key unless the test passes its own headers.
    """

    def __init__(self, app: FastAPI) -> None:
        self.async_backend = _AsyncBackend(backend="asyncio", backend_options={})
        self.app = app
        self.app_state: dict[str, Any] = {}
        transport = _TestClientTransport(
            self.app,
            portal_factory=self._portal_factory,
            raise_server_exceptions=True,
            root_path="",
            app_state=self.app_state,
        )
        httpx.Client.__init__(
            self,
            base_url="http://testserver",
            headers={"user-agent": "testclient", "X-Service-Key": SERVICE_KEY},
            transport=transport,
            follow_redirects=True,
        )


def last_code(client: ApiClient, phone: str) -> str:
    response = client.get("/api/v1/demo/outbox", params={"to": phone})
    assert response.status_code == 200, response.text
    body = response.json()["messages"][0]["body"]
    match = re.search(r"\b(\d{6})\b", body)
    assert match, body
    return match.group(1)


def start(
    client: ApiClient, identifier: str, channel: str = "rest", conversation_id: str = "conv-1"
) -> httpx.Response:
    return client.post(
        "/api/v1/identity/verifications",
        json={"identifier": identifier, "channel": channel, "conversation_id": conversation_id},
    )


def verify(
    client: ApiClient,
    identifier: str = MARIA["account"],
    phone: Optional[str] = MARIA["phone"],
    channel: str = "rest",
    conversation_id: str = "conv-1",
) -> str:
    """Run the whole verification and return the bearer token."""
    started = start(client, identifier, channel, conversation_id)
    assert started.status_code == 201, started.text
    code = last_code(client, phone or identifier)
    confirmed = client.post(
        f"/api/v1/identity/verifications/{started.json()['verification_id']}/confirm",
        json={"code": code},
    )
    assert confirmed.status_code == 200, confirmed.text
    return str(confirmed.json()["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Service-Key": SERVICE_KEY}
