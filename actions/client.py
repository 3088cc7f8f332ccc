"""The one typed async client of the backend of record (``/api/v1``).

Every call has an explicit timeout; transport failures, timeouts, 5xx and
unreadable answers become :class:`BackendUnavailable`, error envelopes become
:class:`BackendError` (``code`` is the backend's machine code), and a missing or
expired customer session becomes :class:`NotVerified`.

Every call goes through the process's circuit breaker (:mod:`actions.breaker`): while
the backend is down or stalled, calls fail fast with :class:`CircuitOpen` instead of
each waiting for its timeout. Idempotent calls (GET/DELETE, or a write carrying an
``Idempotency-Key``) are retried with backoff (``tenacity``) on a connection failure or a
502/503/504 answer; a timeout is never retried, nor is a write without a key.

Time: every call spends from a time budget (:mod:`actions.budget`,
``backend_turn_budget_seconds``). Inside :meth:`BackendClient.run_budget` (one action
run) all calls share one budget; outside it each call has its own.

The conversation's verified session is remembered per process for a moment
(:mod:`actions.session_memo`, ``backend_session_memo_seconds``); the client forgets it
when it sees the identity change (:meth:`BackendClient.forget_session`, a sign-out, a
refused customer token).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Optional, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from actions.breaker import CircuitBreaker, shared_breaker
from actions.budget import MIN_ATTEMPT_SECONDS, StopWhenOutOfTime, TimeBudget, current_budget
from actions.budget import run_budget as _run_budget
from actions.errors import BackendError, BackendUnavailable, CircuitOpen, NotVerified
from actions.models import (
    Account,
    Arrangement,
    Bill,
    BillComparison,
    BillSummary,
    ChannelStatus,
    Eligibility,
    Outage,
    Payment,
    PaymentLink,
    PaymentMethod,
    Plan,
    PlanChange,
    PlanQuote,
    ServiceRequest,
    Session,
    Usage,
    Verification,
)
from actions.session_memo import SessionMemo, shared_session_memo
from actions.settings import ActionSettings, get_settings

logger = logging.getLogger(__name__)

JSON = dict[str, Any]
# 401s that answer the customer's input rather than refuse the service credential.
ANSWER_CODES_401 = frozenset({"code_incorrect"})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({502, 503, 504})


def _retryable(exc: BaseException) -> bool:
    """Worth another try: the request never got an answer, or a gateway said "later"."""
    if not isinstance(exc, BackendUnavailable) or isinstance(exc, CircuitOpen):
        return False
    return exc.message == "unreachable" or (
        exc.message.startswith("status ") and exc.status in RETRY_STATUSES
    )


def _segment(value: str) -> str:
    return quote(value, safe="")


SESSIONS_PATH = "/identity/sessions/"


def _loggable(path: str) -> str:
    """The path without the conversation id (for SMS and WhatsApp the customer's phone)."""
    if path.startswith(SESSIONS_PATH):
        channel = path[len(SESSIONS_PATH):].split("/", 1)[0]
        return f"{SESSIONS_PATH}{channel}/<conversation>"
    return path


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


ModelT = TypeVar("ModelT", bound=BaseModel)


def _parse(model: type[ModelT], body: Any) -> ModelT:
    """Parse an answer into its model; a malformed answer is the backend's fault."""
    try:
        return model.parse_obj(body)
    except ValidationError as exc:
        logger.warning("malformed backend answer for %s", model.__name__)
        raise BackendUnavailable("malformed answer", transient=False) from exc


def _parse_list(model: type[ModelT], body: Any, *keys: str) -> list[ModelT]:
    items = body
    if isinstance(body, dict):
        items = next((body[key] for key in keys if key in body), None)
    if not isinstance(items, list):
        raise BackendUnavailable("malformed answer", transient=False)
    return [_parse(model, item) for item in items]


class BackendClient:
    """Thin typed wrapper over the backend HTTP API; one instance per process is fine."""

    def __init__(
        self,
        settings: Optional[ActionSettings] = None,
        transport: Optional[httpx.AsyncBaseTransport] = None,
        breaker: Optional[CircuitBreaker] = None,
        sessions: Optional[SessionMemo] = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings or get_settings()
        self._transport = transport
        self._clock = clock
        self.breaker = breaker or shared_breaker(
            self._settings.backend_url,
            self._settings.backend_breaker_failures,
            self._settings.backend_breaker_cooldown_seconds,
            self._settings.backend_breaker_fast_cooldown_seconds,
        )
        self.sessions = sessions or shared_session_memo(
            self._settings.backend_url, self._settings.backend_session_memo_seconds
        )

    # ------------------------------------------------------------------ time budget
    def new_budget(self) -> TimeBudget:
        return TimeBudget(self._settings.backend_turn_budget_seconds, self._clock)

    @contextmanager
    def run_budget(self) -> Iterator[TimeBudget]:
        """One budget for every backend call of an action run (nested: the outer one)."""
        with _run_budget(self.new_budget) as budget:
            yield budget

    # ------------------------------------------------------------------ plumbing
    def _http(self, read_seconds: Optional[float] = None) -> httpx.AsyncClient:
        read = self._settings.backend_timeout_seconds
        connect = self._settings.backend_connect_timeout_seconds
        if read_seconds is not None:
            read, connect = min(read, read_seconds), min(connect, read_seconds)
        return httpx.AsyncClient(
            base_url=self._settings.backend_url.rstrip("/") + "/api/v1",
            timeout=httpx.Timeout(read, connect=connect),
            headers={"X-Service-Key": self._settings.service_key.get_secret_value()},
            transport=self._transport,
        )

    async def _request(
        self,
        method: str,
        path: str,
        *,
        token: Optional[str] = None,
        json: Optional[JSON] = None,
        params: Optional[dict[str, str]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Any:
        headers: dict[str, str] = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key

        budget = current_budget() or self.new_budget()
        if budget.remaining() < MIN_ATTEMPT_SECONDS:
            # Not the backend's failure (the breaker is not told): this run's time is up.
            logger.warning("backend call %s %s not made: the run's time budget is spent",
                           method, _loggable(path))
            raise BackendUnavailable("time budget spent", transient=False)

        async def attempt() -> Any:
            # The retry's stop condition left at least MIN_ATTEMPT_SECONDS for this one.
            left = max(budget.remaining(), MIN_ATTEMPT_SECONDS)
            try:
                async with self._http(left) as http:
                    # httpx's timeouts are per read; this caps the request as a whole.
                    response = await asyncio.wait_for(
                        http.request(method, path, json=json, params=params, headers=headers),
                        timeout=left,
                    )
            except (httpx.TimeoutException, asyncio.TimeoutError) as exc:
                logger.warning("backend timeout on %s %s", method, _loggable(path))
                raise BackendUnavailable("timeout") from exc
            except httpx.HTTPError as exc:
                logger.warning(
                    "backend unreachable on %s %s: %s", method, _loggable(path), exc
                )
                raise BackendUnavailable("unreachable") from exc
            return self._decode(
                method, _loggable(path), response, customer_call=token is not None
            )

        idempotent = method.upper() in IDEMPOTENT_METHODS or idempotency_key is not None
        backoff = self._settings.backend_retry_backoff_seconds
        attempts = self._settings.backend_retry_attempts if idempotent else 1
        retrying = AsyncRetrying(
            stop=stop_after_attempt(attempts) | StopWhenOutOfTime(budget),
            wait=wait_exponential(multiplier=backoff, min=backoff, max=max(backoff, 4 * backoff)),
            retry=retry_if_exception(_retryable),
            reraise=True,
        )
        try:
            return await self.breaker.call(lambda: retrying(attempt))
        except NotVerified:
            if token is not None:  # the token expired or was revoked: forget it
                self.sessions.forget_token(token)
            raise

    @staticmethod
    def _decode(method: str, path: str, response: httpx.Response, customer_call: bool) -> Any:
        status = response.status_code
        if status == 204:
            return None
        try:
            body = response.json() if response.content else None
        except ValueError as exc:
            logger.warning("unreadable backend answer %s on %s %s", status, method, path)
            if status >= 500:  # a proxy's error page: the backend is not answering
                raise BackendUnavailable(f"status {status}", status=status) from exc
            raise BackendUnavailable("unreadable answer", transient=False) from exc
        if status < 400:
            return body
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            error = {}
        code = str(error.get("code") or f"http_{status}")
        if status >= 500:
            logger.warning("backend %s %s on %s %s", status, code, method, path)
            raise BackendUnavailable(f"status {status}", code=code, status=status)
        message = str(error.get("message") or "")
        details = {k: v for k, v in error.items() if k not in ("code", "message")}
        if "service_key" in code or (
            status == 401 and not customer_call and code not in ANSWER_CODES_401
        ):
            # The service credential itself was refused: a deployment fault.
            logger.error("backend refused the service key on %s %s", method, path)
            raise BackendUnavailable("service key refused", transient=False)
        if code == "not_verified" or (customer_call and status == 401):
            raise NotVerified(message)
        raise BackendError(status, code, message, details)

    # ------------------------------------------------------------------ identity
    async def start_verification(
        self, identifier: str, channel: str, conversation_id: str
    ) -> Verification:
        body = await self._request(
            "POST",
            "/identity/verifications",
            json={
                "identifier": identifier,
                "channel": channel,
                "conversation_id": conversation_id,
            },
        )
        return _parse(Verification, body)

    async def confirm_verification(self, verification_id: str, code: str) -> Session:
        body = await self._request(
            "POST",
            f"/identity/verifications/{_segment(verification_id)}/confirm",
            json={"code": code},
        )
        return _parse(Session, body)

    async def get_session(self, channel: str, conversation_id: str) -> Optional[Session]:
        """The conversation's verified session, or ``None`` when not verified.

        Remembered for ``backend_session_memo_seconds`` (see :class:`SessionMemo`).
        """
        key = (channel, conversation_id)
        known, remembered = self.sessions.recall(key)
        if known:
            return remembered
        generation = self.sessions.generation
        session = await self._fetch_session(channel, conversation_id)
        self.sessions.remember(key, session, generation)
        return session

    async def _fetch_session(self, channel: str, conversation_id: str) -> Optional[Session]:
        try:
            body = await self._request(
                "GET", f"/identity/sessions/{_segment(channel)}/{_segment(conversation_id)}"
            )
        except NotVerified:
            return None
        except BackendError as exc:
            if exc.status == 404:
                return None
            raise
        return _parse(Session, body)

    def forget_session(self, channel: str, conversation_id: str) -> None:
        """The conversation's identity changed (a code confirmed): ask the backend next time."""
        self.sessions.forget((channel, conversation_id))

    async def rollout_channel(self, channel: str) -> ChannelStatus:
        """Whether the controlled rollout serves this input channel at all."""
        body = await self._request("GET", f"/rollout/channels/{_segment(channel)}")
        return _parse(ChannelStatus, body)

    async def end_session(self, channel: str, conversation_id: str) -> None:
        """Sign the conversation out (forgotten here whether or not the backend answered)."""
        self.forget_session(channel, conversation_id)
        try:
            await self._request(
                "DELETE", f"/identity/sessions/{_segment(channel)}/{_segment(conversation_id)}"
            )
        finally:
            self.forget_session(channel, conversation_id)

    # ------------------------------------------------------------------ billing
    async def current_bill(self, token: str) -> Optional[Bill]:
        """The current bill, or ``None`` when the customer has no bill yet."""
        try:
            body = await self._request("GET", "/me/bills/current", token=token)
        except BackendError as exc:
            if exc.code == "no_bill":
                return None
            raise
        return _parse(Bill, body)

    # ------------------------------------------------------------------ feedback
    async def store_feedback(self, token: str, rating: int, task: str, channel: str) -> None:
        """Store a 1-5 satisfaction rating (``POST /me/feedback``)."""
        await self._request(
            "POST",
            "/me/feedback",
            token=token,
            json={"rating": rating, "task": task, "channel": channel},
        )

    async def bills(self, token: str) -> list[BillSummary]:
        body = await self._request("GET", "/me/bills", token=token)
        return _parse_list(BillSummary, body, "bills")

    async def bill_comparison(self, token: str, bill_id: str) -> Optional[BillComparison]:
        """This bill against the previous one, or ``None`` for a first bill."""
        try:
            body = await self._request(
                "GET", f"/me/bills/{_segment(bill_id)}/comparison", token=token
            )
        except BackendError as exc:
            if exc.code == "no_previous_bill":
                return None
            raise
        return _parse(BillComparison, body)

    # ------------------------------------------------------------------ account
    async def account(self, token: str) -> Account:
        return _parse(Account, await self._request("GET", "/me", token=token))

    async def usage(self, token: str) -> Usage:
        return _parse(Usage, await self._request("GET", "/me/usage", token=token))

    async def update_contact(self, token: str, changes: dict[str, str]) -> Account:
        body = await self._request("PATCH", "/me/contact", token=token, json=changes)
        return _parse(Account, body)

    async def plans(self, token: str) -> list[Plan]:
        body = await self._request("GET", "/plans", token=token)
        return _parse_list(Plan, body, "plans")

    async def plan_quote(self, token: str, plan_code: str) -> PlanQuote:
        body = await self._request(
            "POST", "/me/plan-quote", token=token, json={"plan_code": plan_code}
        )
        return _parse(PlanQuote, body)

    async def cancel_plan_change(self, token: str) -> None:
        """Cancel the scheduled plan change (NotFound-style error when there is none)."""
        await self._request("DELETE", "/me/plan-changes/pending", token=token)

    async def change_plan(self, token: str, plan_code: str, idempotency_key: str) -> PlanChange:
        body = await self._request(
            "POST",
            "/me/plan-changes",
            token=token,
            json={"plan_code": plan_code},
            idempotency_key=idempotency_key,
        )
        return _parse(PlanChange, body)

    # ------------------------------------------------------------------ payments
    async def payment_methods(self, token: str) -> list[PaymentMethod]:
        body = await self._request("GET", "/me/payment-methods", token=token)
        return _parse_list(PaymentMethod, body, "payment_methods", "methods")

    async def payments(self, token: str) -> list[Payment]:
        body = await self._request("GET", "/me/payments", token=token)
        return _parse_list(Payment, body, "payments")

    async def pay(
        self, token: str, amount: Decimal, payment_method_id: str, idempotency_key: str
    ) -> Payment:
        body = await self._request(
            "POST",
            "/me/payments",
            token=token,
            json={
                "amount": _money(amount),
                "payment_method_id": int(payment_method_id)
                if payment_method_id.isdigit()
                else payment_method_id,
            },
            idempotency_key=idempotency_key,
        )
        return _parse(Payment, body)

    async def payment_link(self, token: str, amount: Decimal) -> PaymentLink:
        body = await self._request(
            "POST", "/me/payment-links", token=token, json={"amount": _money(amount)}
        )
        return _parse(PaymentLink, body)

    async def arrangement_eligibility(self, token: str, request: JSON) -> Eligibility:
        body = await self._request(
            "POST", "/me/arrangements/eligibility", token=token, json=request
        )
        return _parse(Eligibility, body)

    async def create_arrangement(
        self, token: str, request: JSON, idempotency_key: str
    ) -> Arrangement:
        body = await self._request(
            "POST", "/me/arrangements", token=token, json=request, idempotency_key=idempotency_key
        )
        return _parse(Arrangement, body)

    # ------------------------------------------------------------------ service
    async def outages(self, postcode: str) -> list[Outage]:
        body = await self._request("GET", "/outages", params={"postcode": postcode})
        return _parse_list(Outage, body, "outages")

    async def create_service_request(
        self, token: str, request: JSON, idempotency_key: str
    ) -> ServiceRequest:
        body = await self._request(
            "POST",
            "/me/service-requests",
            token=token,
            json=request,
            idempotency_key=idempotency_key,
        )
        return _parse(ServiceRequest, body)

    async def service_requests(self, token: str) -> list[ServiceRequest]:
        body = await self._request("GET", "/me/service-requests", token=token)
        return _parse_list(ServiceRequest, body, "service_requests", "requests")

    async def service_request(self, token: str, reference: str) -> Optional[ServiceRequest]:
        try:
            body = await self._request(
                "GET", f"/me/service-requests/{_segment(reference)}", token=token
            )
        except BackendError as exc:
            if exc.status == 404:
                return None
            raise
        return _parse(ServiceRequest, body)

    async def cancel_service_request(self, token: str, reference: str) -> ServiceRequest:
        body = await self._request(
            "POST", f"/me/service-requests/{_segment(reference)}/cancel", token=token
        )
        return _parse(ServiceRequest, body)
