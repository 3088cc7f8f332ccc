"""The agent route of the socket.io channel: an agent's reply reaches the web customer.

``POST /webhooks/socketio/agent_message`` with header ``X-Agent-Relay-Key: <secret>``
and JSON ``{"conversation_id": "<session id>", "text": "..."}`` emits ``bot_uttered``
(``{"text": ..., "metadata": {"from_agent": true}}``) to the customer's session room.
The backend's handoff queue calls it (``bot/dashboard/delivery.py``).

Answers: 200 ``{"delivered": <sockets>}``; 403 wrong or missing secret (compared in
constant time; an empty secret refuses everything); 400 bad body; 404 nobody is
connected in that session.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Callable
from typing import Any, Optional

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

HEADER = "X-Agent-Relay-Key"
SESSION_ID_RE = re.compile(r"[0-9A-Za-z_.:-]{1,128}")
MAX_TEXT = 2000


def configured_secret() -> str:
    """The shared secret from the process settings (empty: the route refuses all)."""
    from bot.dashboard.delivery import relay_secret
    from bot.settings import get_settings

    return relay_secret(get_settings())


def _participants(sio: Any, namespace: str, room: str) -> int:
    try:
        return sum(1 for _ in sio.manager.get_participants(namespace, room))
    except (KeyError, TypeError):
        return 0


def add_agent_route(
    blueprint: Blueprint,
    sio: Any,
    *,
    namespace: Optional[str],
    bot_message_evt: str,
    secret: Optional[Callable[[], str]] = None,
) -> None:
    ns = namespace or "/"

    async def agent_message(request: Request) -> HTTPResponse:
        expected = (secret or configured_secret)()
        given = request.headers.get(HEADER, "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            return response.json({"error": "forbidden"}, status=403)
        body = request.json if isinstance(request.json, dict) else {}
        session_id, text = body.get("conversation_id"), body.get("text")
        if not isinstance(session_id, str) or not SESSION_ID_RE.fullmatch(session_id):
            return response.json({"error": "invalid conversation_id"}, status=400)
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            return response.json({"error": "invalid text"}, status=400)
        connected = _participants(sio, ns, session_id)
        if not connected:
            return response.json({"error": "not connected", "delivered": 0}, status=404)
        await sio.emit(bot_message_evt, {"text": text, "metadata": {"from_agent": True}},
                       room=session_id, namespace=ns)
        logger.info("agent message relayed to a web session (%d sockets)", connected)
        return response.json({"delivered": connected})

    blueprint.add_route(agent_message, "/agent_message", methods=["POST"],
                        name="agent_message")
