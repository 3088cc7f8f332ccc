"""Rasa's socket.io input channel, with session persistence that works.

Rasa 3.6 calls ``AsyncServer.enter_room`` without awaiting it, but python-socketio 5.x
made it a coroutine: the socket never joins its session's room, and with
``session_persistence: true`` every bot answer (emitted to the room) is lost. This
subclass keeps Rasa's channel (name ``socketio``, same events and payloads) and replaces
only the ``session_request`` handler:

- the socket joins the session's room (awaited when python-socketio needs it);
- a session id the client sends back is kept only if it looks like one this server
  hands out (32 hex characters): a conversation id is a bearer secret, so the client
  may resume its own session but not pick a guessable one;
- metadata sent by the browser is dropped: message metadata is where the other channels
  put facts they verified (``phone_verified_by``), and a browser must not claim them;
- a malformed event is ignored, never raised on (found by fuzzing,
  ``tests/channels/test_fuzz_rasa_channels.py``): an event sent with no argument or
  several, a ``message`` that is not a string (Rasa's ``UserMessage`` calls ``.strip()``
  on it), a ``session_id`` that is not one this server hands out (with persistence it is
  the conversation id and the room the answers go to: a list or a dict made python-socketio
  raise, and any other string let a client pick a guessable conversation id that
  ``session_request`` would have refused).
"""

from __future__ import annotations

import inspect
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Optional, TypeGuard

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from channels.common.no_answer import REPLY_DEADLINE_SECONDS, answer_always
from channels.webchat.agent_relay import add_agent_route

logger = logging.getLogger(__name__)

SESSION_ID_RE = re.compile(r"[0-9a-f]{32}")


def is_issued_session_id(value: Any) -> TypeGuard[str]:
    """Whether ``value`` has the form of the session ids this server hands out."""
    return isinstance(value, str) and SESSION_ID_RE.fullmatch(value) is not None


def accepted_session_id(data: Any) -> str:
    """The client's session id if well-formed, else a new random one."""
    candidate = data.get("session_id") if isinstance(data, dict) else None
    return candidate if is_issued_session_id(candidate) else uuid.uuid4().hex


def malformed_message(data: Any, *, session_persistence: bool) -> Optional[str]:
    """Why a ``user_uttered`` payload cannot be handed to Rasa, or ``None`` if it can.

    Rasa reads ``message`` (default ``""``) and, with session persistence, ``session_id``.
    """
    if not isinstance(data, dict):
        return "the payload is not an object"
    if not isinstance(data.get("message", ""), str):
        return "the message is not a string"
    if session_persistence and not is_issued_session_id(data.get("session_id")):
        return "no session id this server hands out"
    return None


class PersistentSocketIOInput(SocketIOInput):
    """``socketio`` channel whose sessions survive a page reload."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # A message Rasa leaves unanswered (action server down) gets an apology; a slow
        # one (action server stalled) a "taking longer" note, the answer following.
        guarded = answer_always(on_new_message, deadline=REPLY_DEADLINE_SECONDS)
        webhook = super().blueprint(guarded)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint

        # ``data=None, *_extra``: a client may send an event with no argument or several;
        # python-socketio passes them as they come and a TypeError would end the handler.
        async def session_request(sid: str, data: Any = None, *_extra: Any) -> None:
            session_id = accepted_session_id(data)
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug("socket.io session %s confirmed", sid)

        sio.on("session_request", handler=session_request, namespace=self.namespace)

        rasa_handler = sio.handlers[self.namespace or "/"][self.user_message_evt]

        async def user_message(sid: str, data: Any = None, *_extra: Any) -> None:
            problem = malformed_message(data, session_persistence=self.session_persistence)
            if problem:
                logger.debug("socket.io message from %s ignored: %s", sid, problem)
                return
            if self.metadata_key in data:
                data = {key: value for key, value in data.items() if key != self.metadata_key}
            await rasa_handler(sid, data)

        sio.on(self.user_message_evt, handler=user_message, namespace=self.namespace)
        add_agent_route(webhook, sio, namespace=self.namespace, bot_message_evt=self.bot_message_evt)  # noqa: E501
        return webhook
