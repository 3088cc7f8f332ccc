"""An in-memory stand-in for the backend's HTTP API, for the real client over MockTransport.

Only the routes the identity, bill and payment actions use. It counts every request
(``requests``), so a test sees how many calls a turn really sends, and it can make
time pass on an injected clock (``seconds_per_request``) or stop answering.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Optional

import httpx
from pydantic import SecretStr

from actions.breaker import CircuitBreaker
from actions.client import BackendClient, SessionMemo
from actions.settings import ActionSettings

URL = "http://backend.double"
CODE = "123456"
SESSION = {
    "token": "tok-1",
    "expires_at": "2100-01-01T00:00:00Z",
    "customer": {"account_number": "AC10000001", "first_name": "Ada"},
}
BILL = {
    "bill_id": "b-7", "reference": "INV-7", "period_start": "2026-10-01",
    "period_end": "2026-10-31", "issue_date": "2026-11-01", "due_date": "2026-12-05",
    "total": "42.50", "amount_due": "42.50", "status": "open", "currency": "USD", "lines": [],
}
METHODS = {"payment_methods": [
    {"id": "7", "brand": "Visa", "last4": "4242", "is_default": True},
    {"id": "8", "brand": "Mastercard", "last4": "4444"},
]}


class CountingOperation:
    """An operation behind the breaker whose outcome the test sets; counts real runs."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail_with: BaseException | None = None

    async def __call__(self) -> str:
        self.calls += 1
        if self.fail_with is not None:
            raise self.fail_with
        return "answer"


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def error(status: int, code: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": "m"}})


class BackendDouble:
    def __init__(self, verified: bool = False, clock: Optional[Clock] = None) -> None:
        self.verified = verified
        self.clock = clock
        self.seconds_per_request = 0.0
        self.requests: list[httpx.Request] = []
        self.payments = 0
        # Set to answer every request with this instead (a fault).
        self.fault: Optional[Callable[[httpx.Request], httpx.Response]] = None

    def count(self, method: str, path_start: str) -> int:
        return sum(
            1 for r in self.requests
            if r.method == method and r.url.path.startswith("/api/v1" + path_start)
        )

    def session_lookups(self) -> int:
        return self.count("GET", "/identity/sessions/")

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.clock is not None:
            self.clock.advance(self.seconds_per_request)
        if self.fault is not None:
            return self.fault(request)
        return self._route(request.method, request.url.path.removeprefix("/api/v1"), request)

    def _route(self, method: str, path: str, request: httpx.Request) -> httpx.Response:
        if method == "GET" and path.startswith("/rollout/channels/"):
            return httpx.Response(200, json={"channel": path.rsplit("/", 1)[1], "enabled": True})
        if method == "GET" and path.startswith("/identity/sessions/"):
            return httpx.Response(200, json=SESSION) if self.verified else error(
                404, "not_verified")
        if method == "DELETE" and path.startswith("/identity/sessions/"):
            self.verified = False
            return httpx.Response(204)
        if method == "POST" and path == "/identity/verifications":
            return httpx.Response(201, json={"verification_id": "v-1",
                                             "masked_destination": "+1 ••• ••• 0101"})
        if method == "POST" and path.endswith("/confirm"):
            if json.loads(request.content).get("code") != CODE:
                return httpx.Response(401, json={"error": {
                    "code": "code_incorrect", "message": "m", "attempts_left": 2}})
            self.verified = True
            return httpx.Response(200, json=SESSION)
        if not self._authorised(request):
            return error(401, "invalid_token")
        if method == "GET" and path == "/me/bills/current":
            return httpx.Response(200, json=BILL)
        if method == "GET" and path.endswith("/comparison"):
            return error(404, "no_previous_bill")
        if method == "GET" and path == "/me/payment-methods":
            return httpx.Response(200, json=METHODS)
        if method == "POST" and path == "/me/payments":
            self.payments += 1
            body: dict[str, Any] = json.loads(request.content)
            return httpx.Response(201, json={"reference": "PAY-1", "amount": body["amount"],
                                             "currency": "USD", "status": "succeeded"})
        return error(404, "not_found")

    def _authorised(self, request: httpx.Request) -> bool:
        return self.verified and request.headers.get("Authorization") == "Bearer tok-1"


def client_for(
    backend: BackendDouble,
    *,
    clock: Optional[Clock] = None,
    sessions: Optional[SessionMemo] = None,
    **settings: Any,
) -> BackendClient:
    """The real client over the double, with its own breaker and session memo."""
    config = ActionSettings(backend_url=URL, service_key=SecretStr("svc-key"), **settings)
    tick = clock or Clock()
    breaker = CircuitBreaker(
        config.backend_breaker_failures,
        config.backend_breaker_cooldown_seconds,
        tick,
        fast_cooldown_seconds=config.backend_breaker_fast_cooldown_seconds,
    )
    memo = sessions or SessionMemo(config.backend_session_memo_seconds, tick)
    return BackendClient(
        config, transport=httpx.MockTransport(backend), breaker=breaker, sessions=memo, clock=tick
    )
