"""What a customer types is text, never a Rasa intent payload.

Rasa reads a message starting with ``/`` as ``/intent{"entity": ...}``, which would let
anyone who types one skip the NLU and set entities directly. Payloads only come from
buttons the assistant offered; typed text loses its leading slashes. Telegram's own
commands are mapped to intents of the contract.
"""

from __future__ import annotations

import re
from typing import Optional

TELEGRAM_COMMANDS = {
    "start": "/greet",
    "help": "/help",
    "stop": "/stop",
    "cancel": "/stop",
}
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s|$)")


# Characters nobody types and XML 1.0 cannot carry: left in, they come back in a reply
# that quotes the customer (a confirmation) and make the TwiML unparseable for Twilio.
_UNTYPABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def typed_text(text: str) -> str:
    """``text`` without control characters or leading slashes
    (``"/pay_bill{...}"`` -> ``"pay_bill{...}"``)."""
    return _UNTYPABLE.sub("", text).strip().lstrip("/").strip()


def telegram_text(text: str) -> str:
    """A Telegram message: known bot commands as intents, anything else as typed text."""
    command = _COMMAND.match(text.strip())
    if command:
        intent: Optional[str] = TELEGRAM_COMMANDS.get(command.group(1).lower())
        if intent:
            return intent
    return typed_text(text)
