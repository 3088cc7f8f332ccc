"""Rasa's REST channel (name ``rest``, same URL and payloads), authenticated, always answering.

Registered in ``credentials.yml`` in place of Rasa's built-in ``rest:`` entry; settings in
:mod:`channels.rest_config`. Changes to Rasa's ``RestInput``:

- **authentication**: with a secret (``TCN_REST_JWT_SECRET``; required outside demo mode)
  every POST needs ``Authorization: Bearer <JWT>``, HS256, with ``exp`` and a ``sub``
  equal to the body's ``sender``: no or a bad or expired token gets 401, a token for
  another sender 403, and neither reaches Rasa (no conversation event). Rasa took the
  sender from the body with no check, so whoever reached the port and knew a
  conversation id acted in it. In demo mode with no secret the channel stays open
  (local demo; a warning at start-up says so). The caller that owns the conversation
  (e.g. the portal's backend) mints the token:
  ``jwt.encode({"sub": sender, "exp": now + 5 min}, secret, algorithm="HS256")``;
- a message that gets no bot message at all (the action server is down, an action
  failed) is answered with a fixed apology and a way forward
  (:mod:`channels.common.no_answer`), where Rasa 3.6 returns an empty list;
- **a deadline** (``TCN_REST_REPLY_DEADLINE_SECONDS``, default 10 s): a message Rasa has
  not finished by then (a stalled action server: Rasa waits up to 5 minutes) is answered
  with what Rasa sent so far and :data:`REST_SLOW_TEXT`. Rasa is not interrupted: it
  finishes the turn in the background and stores it (late bot messages included) in the
  conversation, but an HTTP answer cannot be sent twice, so the late messages never
  reach this caller; the next message continues from the stored conversation (it waits
  for the conversation's lock while the turn is still running). With ``?stream=true``
  the answer is streamed, so late messages do arrive: a "taking longer" note goes out at
  the deadline and Rasa's messages follow;
- **no message text in the logs** at the default level: Rasa's handler logs the text with
  any failure (``rest.message.received.failure text=...``); here a failure is logged by
  its exception type only (the exception itself, which may quote the text, at DEBUG);
- the caller cannot name the channel (``input_channel``) or set message metadata: Rasa's
  channel takes both from the body, so a REST caller could claim to be a Twilio
  conversation (sender = its phone number) and use that conversation's verified
  session, which the backend binds to (channel, conversation id);
- a body that is not a JSON object with a text ``sender`` and ``message`` gets a 400
  (Rasa's channel answered a 500).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import sys
from typing import Any, Optional

import jwt
import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from channels.common.no_answer import OnNewMessage, answer_always
from channels.rest_config import RestConfig

logger = logging.getLogger(__name__)

# The REST answer past the deadline: this HTTP answer is the last this caller gets for
# the message, so it says so, and how to check before repeating a payment or a change.
REST_SLOW_TEXT = (
    "Sorry, this is taking longer than it should, so I can't give you the answer here. "
    "Your message was received and is still being handled. If you had just confirmed a "
    "payment or a change, please don't repeat it: in a few minutes ask me for your "
    "payment history or your request's status to see whether it went through. Otherwise "
    "please try again in a few minutes, or say \"agent\" and a person will call you back."
)
JWT_ALGORITHMS = ["HS256"]
JWT_LEEWAY_SECONDS = 30  # clock skew between the token's issuer and this server


class HandlingFailed(Exception):
    """Rasa failed on a REST message. Carries the original exception's type name only:
    its text (which may quote the customer's message) is logged at DEBUG, never above."""


def _quiet(on_new_message: OnNewMessage) -> OnNewMessage:
    async def handle(message: UserMessage) -> None:
        try:
            await on_new_message(message)
        except Exception as error:
            logger.debug("handling a REST message failed", exc_info=True)
            raise HandlingFailed(type(error).__name__) from None

    return handle


def _log_late_failure(task: asyncio.Future) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:  # answer_always never raises: kept for safety, type only
        logger.error("a REST message finished late with %s", type(error).__name__)


class AnsweringRestInput(RestInput):
    """``rest`` channel: authenticated, whose every message gets an answer in time."""

    def __init__(self, config: Optional[RestConfig] = None) -> None:
        self.config = config if config is not None else RestConfig()
        # Turns answered at the deadline that Rasa is still handling.
        self._running: set[asyncio.Future] = set()

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> InputChannel:
        try:
            config = RestConfig.from_credentials(credentials)
        except ValueError as error:  # outside demo mode without a real secret: no start
            print(f"error: {error}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        if not config.authenticated:
            logger.warning(
                "REST channel without authentication (demo mode, no TCN_REST_JWT_SECRET): "
                "anyone who reaches the Rasa port can use any REST conversation id"
            )
        return cls(config)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        # Rasa's blueprint name and routes; only the handler differs.
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        quiet = _quiet(on_new_message)
        answering = answer_always(quiet)
        streaming = answer_always(quiet, deadline=self.config.reply_deadline_seconds)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse | ResponseStream:
            refused = self._refusal(request)
            if refused is not None:
                return refused
            sender, text = request.json["sender"], request.json["message"]
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(streaming, text, sender, self.name(), None),
                    content_type="text/event-stream",
                )
            return await self._answer(answering, sender, text)

        return webhook

    async def _answer(self, handle: OnNewMessage, sender: str, text: str) -> HTTPResponse:
        collector = CollectingOutputChannel()
        message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=None)
        # A task, not awaited directly: neither the deadline nor a caller hanging up
        # (Sanic cancels the handler) cancels Rasa's handling of the turn.
        handling = asyncio.ensure_future(handle(message))
        self._running.add(handling)
        handling.add_done_callback(self._running.discard)
        handling.add_done_callback(_log_late_failure)
        deadline = self.config.reply_deadline_seconds
        done, _ = await asyncio.wait({handling}, timeout=deadline)
        if handling in done:
            return response.json(collector.messages)
        logger.warning("REST: no complete answer within %.1fs; told it takes longer", deadline)
        slow = {"recipient_id": sender, "text": REST_SLOW_TEXT}
        return response.json([*collector.messages, slow])

    def _refusal(self, request: Request) -> HTTPResponse | None:
        """401/403/400 for a request that must not reach Rasa; ``None`` to go on."""
        claims: dict[str, Any] | None = None
        if self.config.authenticated:
            claims = _verified_claims(request, self.config.jwt_secret)
            if claims is None:
                logger.warning("REST: refused a request without a valid bearer token")
                return response.json(
                    {"error": "a valid bearer token is required"},
                    status=401,
                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
        if not _well_formed(request):
            return response.json(
                {"error": "expected a JSON object with text 'sender' and 'message'"},
                status=400,
            )
        if claims is not None and not hmac.compare_digest(
            str(claims["sub"]).encode("utf-8"), request.json["sender"].encode("utf-8")
        ):
            logger.warning("REST: refused a token issued for another sender")
            return response.json({"error": "the token is not for this sender"}, status=403)
        return None

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return None


def _verified_claims(request: Request, secret: str) -> dict[str, Any] | None:
    """The claims of a valid ``Authorization: Bearer`` JWT (HS256, ``exp`` and ``sub``)."""
    scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        claims = jwt.decode(
            token.strip(),
            secret,
            algorithms=JWT_ALGORITHMS,
            options={"require": ["exp", "sub"]},
            leeway=JWT_LEEWAY_SECONDS,
        )
    except jwt.PyJWTError:
        return None
    return claims if isinstance(claims.get("sub"), str) else None


def _well_formed(request: Request) -> bool:
    try:
        body = request.json
    except Exception:  # Sanic raises for a body that is not JSON
        return False
    return (
        isinstance(body, dict)
        and isinstance(body.get("sender"), str)
        and isinstance(body.get("message"), str)
    )
