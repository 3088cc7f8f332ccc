"""Every message gets an answer: a fixed apology when Rasa produced none.

Rasa 3.6 logs a custom action that fails (the action server down or crashing) and sends
the customer nothing at all. Each of our input channels hands Rasa its messages through
:func:`answer_always`: when handling a message sent no bot message, or raised, the
customer gets :data:`NO_ANSWER_TEXT` on the same output channel, with a way forward.

Nothing is lost meanwhile: Rasa has already stored the customer's message (the tracker
is saved even when an action fails), so the conversation continues where it was once
the action server is back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

NO_ANSWER_TEXT = (
    "Sorry, I can't answer right now because part of our system is not responding, "
    "and nothing was changed. Please try again in a few minutes, or say \"agent\" "
    "later and a person will call you back."
)


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


async def handle_or_apologise(
    on_new_message: OnNewMessage, message: UserMessage, text: str = NO_ANSWER_TEXT
) -> bool:
    """Let Rasa handle ``message``; apologise on its output if nothing was sent.

    Returns ``True`` when the apology was sent. Never raises for Rasa's failures; a
    failure to send the apology itself is logged.
    """
    output = message.output_channel
    watched = WatchedOutput(output)
    message.output_channel = watched
    failed = False
    try:
        await on_new_message(message)
    except Exception:
        logger.exception("handling a message failed (channel %s)", message.input_channel)
        failed = True
    finally:
        message.output_channel = output
    if watched.sent and not failed:
        return False
    if not failed:
        logger.error(
            "no answer to a message (channel %s): is the action server down?",
            message.input_channel,
        )
    try:
        await output.send_text_message(message.sender_id, text)
    except Exception:
        logger.exception("could not send the apology (channel %s)", message.input_channel)
        return False
    return True


def answer_always(on_new_message: OnNewMessage, text: str = NO_ANSWER_TEXT) -> OnNewMessage:
    """``on_new_message`` that never leaves the customer without an answer."""

    async def guarded(message: UserMessage) -> None:
        await handle_or_apologise(on_new_message, message, text)

    return guarded
