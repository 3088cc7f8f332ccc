"""Rasa's REST channel (name ``rest``, same URL and payloads) that always answers.

Registered in ``credentials.yml`` in place of Rasa's built-in ``rest:`` entry. The only
change: a message that gets no bot message at all (the action server is down, an action
failed) is answered with a fixed apology and a way forward
(:mod:`channels.common.no_answer`), where Rasa 3.6 returns an empty list.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from channels.common.no_answer import answer_always


class AnsweringRestInput(RestInput):
    """``rest`` channel whose every message gets an answer."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(answer_always(on_new_message))
