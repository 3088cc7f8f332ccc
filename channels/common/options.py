"""Buttons on text-only media: a numbered menu, and the customer's answer mapped back.

A phone never sees a payload: the menu shows titles only, and the payloads offered to
each sender are kept server-side (:class:`OptionsStore`) until the next message.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Optional, Protocol


@dataclass(frozen=True)
class Option:
    title: str
    payload: str


def options_from_buttons(buttons: Sequence[Mapping[str, Any]]) -> list[Option]:
    """Rasa buttons (``title``/``payload``) as options; a button without title is dropped."""
    options: list[Option] = []
    for button in buttons:
        title = str(button.get("title") or "").strip()
        if not title:
            continue
        payload = str(button.get("payload") or title)
        options.append(Option(title=title, payload=payload))
    return options


def numbered_menu(options: Sequence[Option]) -> str:
    lines = [f"{index}. {option.title}" for index, option in enumerate(options, start=1)]
    return "\n".join(lines) + "\n\nReply with a number or the option's words."


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


_NUMBER = re.compile(r"^\s*(?:option\s*|#\s*)?(\d{1,2})\s*[.)]?\s*$", re.IGNORECASE)


def match_option(reply: str, options: Sequence[Option]) -> Optional[Option]:
    """The option the customer picked, or ``None`` when the reply is free text.

    Accepts the number ("2", "2.", "#2", "option 2"), the title itself in any case or
    punctuation, or words that belong to exactly one option's title ("pay").
    """
    if not options:
        return None
    number = _NUMBER.match(reply)
    if number:
        index = int(number.group(1))
        return options[index - 1] if 1 <= index <= len(options) else None
    said = _normalise(reply)
    if not said:
        return None
    for option in options:
        if _normalise(option.title) == said:
            return option
    said_words = said.split()
    if len(said_words) > 4:
        return None
    matches = [
        option
        for option in options
        if re.search(rf"(?:^|\s){re.escape(said)}(?:\s|$)", _normalise(option.title))
    ]
    return matches[0] if len(matches) == 1 else None


class OptionsStore(Protocol):
    def offer(self, sender: str, options: Sequence[Option]) -> None: ...

    def take(self, sender: str) -> list[Option]: ...


class InMemoryOptionsStore:
    """The options last offered to each sender, forgotten after ``ttl_seconds``."""

    def __init__(
        self, ttl_seconds: float = 3600, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._offers: dict[str, tuple[float, list[Option]]] = {}
        self._lock = threading.Lock()

    def offer(self, sender: str, options: Sequence[Option]) -> None:
        with self._lock:
            if options:
                self._offers[sender] = (self._clock(), list(options))
            else:
                self._offers.pop(sender, None)

    def take(self, sender: str) -> list[Option]:
        """The sender's pending options, removed from the store."""
        with self._lock:
            offered = self._offers.pop(sender, None)
        if offered is None or self._clock() - offered[0] > self._ttl:
            return []
        return offered[1]
