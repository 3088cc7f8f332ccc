"""The agent route of the Rasa server: agents' replies and hand-backs reach the conversation.

``POST /webhooks/socketio/agent_message`` with header ``X-Agent-Relay-Key: <secret>`` and
JSON ``{"conversation_id": "<sender id>", "text": "...", "channel": "socketio",
"kind": "reply"}``. The backend's handoff queue calls it (``bot/dashboard/delivery.py``)
for every channel's conversation:

* ``kind: "reply"``: the agent's reply is appended to the conversation's tracker as a
  ``BotUttered`` with metadata ``{"agent": true, "utter_action": "agent_reply"}`` (so the
  conversation store holds it and the analytics can tell it from the assistant's).
* ``kind: "hand_back"``: ``ConversationResumed``, the ``text`` as a ``BotUttered``
  (``utter_action: "agent_hand_back"``) and ``action_listen`` are appended: the
  assistant answers the next message again (``action_human_handoff`` paused it).
* ``channel: "socketio"`` (the default): the text is also emitted as ``bot_uttered``
  (``{"text": ..., "metadata": {"from_agent": true}}``) to the customer's session room.
  For the other channels the backend delivers the text itself (outbox, Bot API) and
  this route only records it.

The tracker is read, updated and saved under the agent's lock store lock for that sender
(``agent.lock_store.lock``), as Rasa handles a message, so one conversation's events are
never written concurrently.

Answers: 200 ``{"delivered": <sockets>, "recorded": <bool>}``; 403 wrong or missing
secret (compared in constant time; an empty secret refuses everything); 400 bad body;
404 a web reply with nobody connected in that session (nothing recorded); 503 a hand-back
that could not be recorded (the conversation stays paused).
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Callable
from typing import Any, Optional

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationResumed, Event
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

HEADER = "X-Agent-Relay-Key"
# Web session ids, phone numbers (+1...), whatsapp:+1..., Telegram chat ids (-100...).
SESSION_ID_RE = re.compile(r"[0-9A-Za-z_.:+-]{1,128}")
MAX_TEXT = 2000
WEB = "socketio"
CHANNELS = (WEB, "rest", "twilio_sms", "twilio_whatsapp", "telegram")
KINDS = ("reply", "hand_back")
UTTER_ACTIONS = {"reply": "agent_reply", "hand_back": "agent_hand_back"}


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


def agent_events(kind: str, text: str) -> list[Event]:
    """What an agent's reply or hand-back adds to the conversation."""
    said = BotUttered(text, data={},
                      metadata={"agent": True, "utter_action": UTTER_ACTIONS[kind]})
    if kind != "hand_back":
        return [said]
    # Paused right after action_human_handoff, Rasa never predicted action_listen; the
    # next message must follow a listen, as in training, for the rules to apply.
    return [ConversationResumed(), said, ActionExecuted(ACTION_LISTEN_NAME)]


async def record(agent: Any, sender_id: str, new_events: list[Event]) -> bool:
    """Append ``new_events`` to the stored conversation, under its lock.

    ``False`` when there is no such conversation or no store (nothing to resume);
    raises when the store or the lock fails.
    """
    tracker_store = getattr(agent, "tracker_store", None)
    lock_store = getattr(agent, "lock_store", None)
    if tracker_store is None or lock_store is None:
        return False
    async with lock_store.lock(sender_id):
        tracker = await tracker_store.retrieve(sender_id)
        if tracker is None:
            return False
        for event in new_events:
            tracker.update(event)
        await tracker_store.save(tracker)
    return True


def _parse(body: Any) -> tuple[str, str, str, str] | str:
    """(sender id, text, channel, kind), or the error message."""
    body = body if isinstance(body, dict) else {}
    sender_id, text = body.get("conversation_id"), body.get("text")
    channel, kind = body.get("channel", WEB), body.get("kind", "reply")
    if not isinstance(sender_id, str) or not SESSION_ID_RE.fullmatch(sender_id):
        return "invalid conversation_id"
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        return "invalid text"
    if channel not in CHANNELS:
        return "invalid channel"
    if kind not in KINDS:
        return "invalid kind"
    return sender_id, text, channel, kind


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
        parsed = _parse(request.json)
        if isinstance(parsed, str):
            return response.json({"error": parsed}, status=400)
        sender_id, text, channel, kind = parsed
        connected = _participants(sio, ns, sender_id) if channel == WEB else 0
        if channel == WEB and kind == "reply" and not connected:
            return response.json({"error": "not connected", "delivered": 0}, status=404)
        agent = getattr(request.app.ctx, "agent", None)
        try:
            recorded = await record(agent, sender_id, agent_events(kind, text))
        except Exception:  # the store or the lock failed: the message is not in history
            logger.exception("could not record an agent %s in the conversation", kind)
            if kind == "hand_back":
                return response.json({"error": "conversation store unavailable"}, status=503)
            recorded = False
        if connected:
            await sio.emit(bot_message_evt, {"text": text, "metadata": {"from_agent": True}},
                           room=sender_id, namespace=ns)
        logger.info("agent %s relayed (channel %s, %d sockets, recorded %s)",
                    kind, channel, connected, recorded)
        return response.json({"delivered": connected, "recorded": recorded})

    blueprint.add_route(agent_message, "/agent_message", methods=["POST"],
                        name="agent_message")
