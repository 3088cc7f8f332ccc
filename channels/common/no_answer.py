"""Every message gets an answer: a fixed apology when Rasa produced none.

Rasa 3.6 logs a custom action that fails (the action server down or crashing) and sends
the customer nothing at all. Each of our input channels hands Rasa its messages through
:func:`answer_always`: when handling a message sent no bot message, or raised, the
customer gets :data:`NO_ANSWER_TEXT` on the same output channel, with a way forward.

Nothing is lost meanwhile: Rasa has already stored the customer's message (the tracker
is saved even when an action fails), so the conversation continues where it was once
the action server is back.

A stalled action server is worse: Rasa 3.6 waits five minutes for it. Channels whose
output can still deliver later answers (socket.io, Telegram) pass a ``deadline``: if
Rasa has sent nothing by then the customer is told it takes longer (:data:`SLOW_TEXT`,
which promises nothing about the outcome: the action may still complete), and Rasa's
answers follow when they come. Twilio has its own deadline (``reply_within_seconds``).
REST has its own too (``TCN_REST_REPLY_DEADLINE_SECONDS``, default 10 s,
:mod:`channels.rest_input`): a plain request is answered in its HTTP response, which
cannot take later answers, so at the deadline it gets what Rasa sent so far and a note
that the message takes longer, and Rasa's late answers are stored but not delivered;
with ``?stream=true`` it passes ``deadline`` here like socket.io and the late answers
follow the note.

A conversation handed to a person (``action_human_handoff`` returns ``ConversationPaused``)
is silent on purpose: Rasa stores the customer's messages and predicts nothing until the
agent hands back. Such a turn gets no apology. The first message after the pause gets
:data:`PAUSED_TEXT` so the customer knows a person will read it; later ones get nothing
(the agent is talking with them; one note per message would drown the agent's replies).
Whether the conversation is paused is read from its stored events after handling
(:func:`paused_turns`), through the Rasa server's agent (``app.ctx.agent``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import ConversationPaused, UserUttered

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

NO_ANSWER_TEXT = (
    "Sorry, I can't answer right now because part of our system is not responding. "
    "If you had just confirmed a payment or a change, please don't repeat it yet: in a "
    "few minutes ask me for your payment history or your request's status to see "
    "whether it went through. Otherwise please try again in a few minutes, or say "
    "\"agent\" later and a person will call you back."
)

SLOW_TEXT = (
    "Sorry, this is taking longer than it should. Please wait a moment; if no answer "
    "comes, try again in a few minutes, or say \"agent\" and a person will call you back."
)
PAUSED_TEXT = "A TeleComNet agent has your conversation and will reply here."
# Within the 5-second promise of issue 6, with time left to deliver the text.
REPLY_DEADLINE_SECONDS = 4.5
# The Sanic app names Rasa 3.6 gives its server (``rasa.server`` / ``rasa.core.run``).
RASA_APP_NAMES = ("rasa_server", "rasa_core_no_api")

# How many customer messages a paused conversation holds since the pause (0: not paused).
PausedTurns = Callable[[str], Awaitable[int]]


async def paused_turns(tracker_store: TrackerStore, sender_id: str) -> int:
    """Customer messages stored since the conversation was paused; 0 when it is not."""
    tracker = await tracker_store.retrieve(sender_id)
    if tracker is None or not tracker.is_paused():
        return 0
    turns = 0
    for event in reversed(tracker.events):
        if isinstance(event, ConversationPaused):
            break
        if isinstance(event, UserUttered):
            turns += 1
    return turns


def _rasa_tracker_store() -> Optional[TrackerStore]:
    """The running Rasa server's tracker store (``app.ctx.agent``), if there is one."""
    from sanic import Sanic
    from sanic.exceptions import SanicException

    for name in RASA_APP_NAMES:
        try:
            app = Sanic.get_app(name)
        except SanicException:
            continue
        agent = getattr(app.ctx, "agent", None)
        store = getattr(agent, "tracker_store", None)
        return store if isinstance(store, TrackerStore) else None
    return None


async def paused_in_rasa(sender_id: str) -> int:
    """:func:`paused_turns` in the running Rasa server; 0 when that cannot be read."""
    store = _rasa_tracker_store()
    if store is None:
        return 0
    try:
        return await paused_turns(store, sender_id)
    except Exception:  # the store unreachable: treat the silence as a failure
        logger.exception("could not read whether a conversation is paused")
        return 0


class WatchedOutput(OutputChannel):
    """The channel's own output, counting what is sent through it."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:  # type: ignore[override]
        # Rasa picks channel-specific response variants by this name: keep the inner one.
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    # Rasa sends through send_response; the rest is for code that calls them directly.
    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.sent += 1
        await self.inner.send_text_message(recipient_id, text, **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        self.sent += 1
        await self.inner.send_text_with_buttons(recipient_id, text, buttons, **kwargs)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        self.sent += 1
        await self.inner.send_quick_replies(recipient_id, text, quick_replies, **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        self.sent += 1
        await self.inner.send_image_url(recipient_id, image, **kwargs)

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        self.sent += 1
        await self.inner.send_attachment(recipient_id, attachment, **kwargs)

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        self.sent += 1
        await self.inner.send_elements(recipient_id, elements, **kwargs)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        self.sent += 1
        await self.inner.send_custom_json(recipient_id, json_message, **kwargs)

    def __getattr__(self, attribute: str) -> Any:
        # Anything else a channel reads off its output (Rasa's collector's ``messages``).
        return getattr(self.inner, attribute)


async def _send(output: OutputChannel, message: UserMessage, text: str) -> bool:
    try:
        await output.send_text_message(message.sender_id, text)
    except Exception:
        logger.exception("could not send a fallback text (channel %s)", message.input_channel)
        return False
    return True


async def handle_or_apologise(
    on_new_message: OnNewMessage,
    message: UserMessage,
    text: str = NO_ANSWER_TEXT,
    *,
    deadline: float | None = None,
    slow_text: str = SLOW_TEXT,
    paused: PausedTurns | None = None,
) -> bool:
    """Let Rasa handle ``message``; apologise on its output if nothing was sent.

    With a ``deadline`` (seconds), ``slow_text`` goes out when Rasa has sent nothing by
    then; Rasa's own answers still follow. Returns ``True`` when the apology was sent.
    A silent turn of a conversation ``paused`` (handed to a person) is intended: no
    apology, and :data:`PAUSED_TEXT` for its first message since the pause.
    Never raises for Rasa's failures; a failure to send a text is logged.
    """
    output = message.output_channel
    watched = WatchedOutput(output)
    message.output_channel = watched
    failed = False
    try:
        handling = asyncio.ensure_future(on_new_message(message))
        if deadline is not None:
            done, _ = await asyncio.wait({handling}, timeout=deadline)
            if not done and not watched.sent:
                logger.warning("no answer within %.1fs (channel %s)", deadline,
                               message.input_channel)
                await _send(output, message, slow_text)
        await handling
    except Exception:
        logger.exception("handling a message failed (channel %s)", message.input_channel)
        failed = True
    finally:
        message.output_channel = output
    if watched.sent and not failed:
        return False
    if not failed and paused is not None:
        turns = await paused(message.sender_id)
        if turns:
            if turns == 1:
                await _send(output, message, PAUSED_TEXT)
            return False
    if not failed:
        logger.error(
            "no answer to a message (channel %s): is the action server down?",
            message.input_channel,
        )
    return await _send(output, message, text)


def answer_always(
    on_new_message: OnNewMessage, text: str = NO_ANSWER_TEXT, *, deadline: float | None = None,
    paused: PausedTurns | None = paused_in_rasa,
) -> OnNewMessage:
    """``on_new_message`` that never leaves the customer without an answer.

    A conversation paused for a person is the exception (see :func:`paused_in_rasa`).
    """

    async def guarded(message: UserMessage) -> None:
        await handle_or_apologise(on_new_message, message, text, deadline=deadline,
                                  paused=paused)

    return guarded
