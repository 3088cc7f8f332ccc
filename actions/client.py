"""The one typed async client of the backend of record (``/api/v1``).

Every call has an explicit timeout; transport failures, timeouts, 5xx and
unreadable answers become :class:`BackendUnavailable`, error envelopes become
:class:`BackendError` (``code`` is the backend's machine code), and a missing or
expired customer session becomes :class:`NotVerified`.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any, Optional, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from actions.errors import BackendError, BackendUnavailable, NotVerified
from actions.models import Bill, Session, Verification
from actions.settings import ActionSettings, get_settings

logger = logging.getLogger(__name__)

JSON = dict[str, Any]
# 401s that answer the customer's input rather than refuse the service credential.
ANSWER_CODES_401 = frozenset({"code_incorrect"})


def _segment(value: str) -> str:
    return quote(value, safe="")


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


ModelT = TypeVar("ModelT", bound=BaseModel)


def _parse(model: type[ModelT], body: Any) -> ModelT:
    """Parse an answer into its model; a malformed answer is the backend's fault."""
    try:
        return model.parse_obj(body)
    except ValidationError as exc:
        logger.warning("malformed backend answer for %s", model.__name__)
        raise BackendUnavailable("malformed answer") from exc


def _parse_list(model: type[ModelT], body: Any, key: str) -> list[ModelT]:
    items = body.get(key) if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise BackendUnavailable("malformed answer")
    return [_parse(model, item) for item in items]


class BackendClient:
    """Thin typed wrapper over the backend HTTP API; one instance per process is fine."""

    def __init__(
        self,
        settings: Optional[ActionSettings] = None,
        transport: Optional[httpx.AsyncBaseTransport] = None,
    ) -> None:
        self._settings = settings or get_settings()
        self._transport = transport

    # ------------------------------------------------------------------ plumbing
    def _http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self._settings.backend_url.rstrip("/") + "/api/v1",
            timeout=httpx.Timeout(self._settings.backend_timeout_seconds),
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
        try:
            async with self._http() as http:
                response = await http.request(
                    method, path, json=json, params=params, headers=headers
                )
        except httpx.TimeoutException as exc:
            logger.warning("backend timeout on %s %s", method, path)
            raise BackendUnavailable("timeout") from exc
        except httpx.HTTPError as exc:
            logger.warning("backend unreachable on %s %s: %s", method, path, exc)
            raise BackendUnavailable("unreachable") from exc
        return self._decode(method, path, response, customer_call=token is not None)

    @staticmethod
    def _decode(method: str, path: str, response: httpx.Response, customer_call: bool) -> Any:
        status = response.status_code
        if status == 204:
            return None
        try:
            body = response.json() if response.content else None
        except ValueError as exc:
            logger.warning("unreadable backend answer %s on %s %s", status, method, path)
            raise BackendUnavailable("unreadable answer") from exc
        if status < 400:
            return body
        if status >= 500:
            logger.warning("backend %s on %s %s", status, method, path)
            raise BackendUnavailable(f"status {status}")
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            error = {}
        code = str(error.get("code") or f"http_{status}")
        message = str(error.get("message") or "")
        details = {k: v for k, v in error.items() if k not in ("code", "message")}
        if "service_key" in code or (
            status == 401 and not customer_call and code not in ANSWER_CODES_401
        ):
            # The service credential itself was refused: a deployment fault.
            logger.error("backend refused the service key on %s %s", method, path)
            raise BackendUnavailable("service key refused")
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
        """The conversation's verified session, or ``None`` when not verified."""
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

    async def end_session(self, channel: str, conversation_id: str) -> None:
        await self._request(
            "DELETE", f"/identity/sessions/{_segment(channel)}/{_segment(conversation_id)}"
        )

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
