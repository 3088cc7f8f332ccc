"""Rasa's REST channel (name ``rest``, same URL and payloads) that always answers.

Registered in ``credentials.yml`` in place of Rasa's built-in ``rest:`` entry. Changes:

- a message that gets no bot message at all (the action server is down, an action
  failed) is answered with a fixed apology and a way forward
  (:mod:`channels.common.no_answer`), where Rasa 3.6 returns an empty list;
- the caller cannot name the channel (``input_channel``) or set message metadata: Rasa's
  channel takes both from the body, so a REST caller could claim to be a Twilio
  conversation (sender = its phone number) and use that conversation's verified
  session, which the backend binds to (channel, conversation id);
- a body that is not a JSON object with a text ``sender`` and ``message`` gets a 400
  (Rasa's channel answered a 500).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.common.no_answer import answer_always


class AnsweringRestInput(RestInput):
    """``rest`` channel whose every message gets an answer."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(answer_always(on_new_message))

        @webhook.middleware("request")
        async def well_formed(request: Request) -> HTTPResponse | None:
            if request.method == "POST" and not _well_formed(request):
                return response.json(
                    {"error": "expected a JSON object with text 'sender' and 'message'"},
                    status=400,
                )
            return None

        return webhook

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return None


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
