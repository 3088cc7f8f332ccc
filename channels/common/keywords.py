"""Carrier-style SMS keywords (STOP / START / HELP) and who has opted out."""

from __future__ import annotations

import threading
from enum import Enum
from typing import Optional

# Twilio's default opt-out, opt-in and help keywords (matched on the whole message).
STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
START_WORDS = frozenset({"start", "unstop", "yes"})
HELP_WORDS = frozenset({"help", "info"})


class Keyword(Enum):
    STOP = "stop"
    START = "start"
    HELP = "help"


def classify(body: str, opted_out: bool) -> Optional[Keyword]:
    """The keyword a whole message is, if any.

    ``yes`` and the other opt-in words only count for a sender who opted out: for
    everyone else "yes" is an answer for the assistant.
    """
    word = body.strip().strip(".!").casefold()
    if word in STOP_WORDS:
        return Keyword.STOP
    if word in HELP_WORDS:
        return Keyword.HELP
    if word in START_WORDS and (opted_out or word != "yes"):
        return Keyword.START
    return None


class OptOuts:
    """Senders who replied STOP (in memory, per process)."""

    def __init__(self) -> None:
        self._senders: set[str] = set()
        self._lock = threading.Lock()

    def add(self, sender: str) -> None:
        with self._lock:
            self._senders.add(sender)

    def remove(self, sender: str) -> None:
        with self._lock:
            self._senders.discard(sender)

    def __contains__(self, sender: object) -> bool:
        return sender in self._senders
