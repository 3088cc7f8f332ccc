"""Masking card numbers, security codes, one-time codes and passwords in text.

Pure functions, no I/O: the conversation store (``bot.conversation_store``) runs
every event through :func:`redact_event` before writing it, so what a customer types
never reaches the store, the analytics read from it, or a handoff transcript built
from it in clear.

What is masked:

* card numbers: Luhn-valid runs of 13-19 digits, written together or in groups
  separated by one space or dash, anywhere in a text;
* security codes: 3-4 digits next to "cvv", "cvc", "csc", "cid", "security code",
  "card code" (either side);
* passwords and PINs: the word after "password is", "password:", "PIN is", ...;
* one-time codes: every 4-8 digit group of a message typed while the dialogue asks
  for the code (``requested_slot`` is the code slot), and any value of that slot or
  of the code entity, wherever it appears.

Ordinary amounts, dates, account numbers (``AC`` + 8 digits), ticket references
(``SR-`` + 6 digits) and phone numbers are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Optional

# What a card number is lives in one place, shared with the action server (which warns
# the customer about it); luhn_valid is re-exported for the store's tests.
from sensitive.cards import card_runs
from sensitive.cards import luhn_valid as luhn_valid

CARD_MASK = "[card number removed]"
SECURITY_CODE_MASK = "[security code removed]"
ONE_TIME_CODE_MASK = "[code removed]"
PASSWORD_MASK = "[password removed]"  # noqa: S105 (a marker, not a secret)

# The slot and the entity that carry the one-time code (domain.yml).
CODE_SLOT = "otp_code"
CODE_ENTITY = "otp_code"

_SECURITY_WORDS = r"(?:cvv2?|cvc2?|csc|cid|security\s+code|card\s+code|code\s+on\s+the\s+back)"
_SECURITY_AFTER_RE = re.compile(
    rf"(\b{_SECURITY_WORDS}\b[^0-9\n]{{0,20}}?)(?<!\d)(\d{{3,4}})(?!\d)", re.IGNORECASE
)
_SECURITY_BEFORE_RE = re.compile(
    rf"(?<!\d)(\d{{3,4}})(?!\d)(\s*(?:is|=|:)?\s*(?:my|the)?\s*{_SECURITY_WORDS}\b)",
    re.IGNORECASE,
)

_SECRET_WORDS = r"(?:pass\s?word|passwd|pwd|passcode|pin(?:\s+code|\s+number)?)"  # noqa: S105
_PASSWORD_RE = re.compile(
    rf"(\b{_SECRET_WORDS}\b\s*(?:is\s+now|is|was|would\s+be|will\s+be|to|=|:|-)\s*)"
    r"(\"[^\"]*\"|'[^']*'|\S+)",
    re.IGNORECASE,
)

# In a message that answers the code question, every 4-8 digit group is a code attempt.
_CODE_ATTEMPT_RE = re.compile(r"(?<![A-Za-z0-9])\d(?:[ \-]?\d){3,7}(?![A-Za-z0-9])")


def mask_card_numbers(text: str) -> str:
    """Replace every Luhn-valid 13-19 digit card number with a marker."""
    out: list[str] = []
    position = 0
    for match in card_runs(text):
        # The whole run goes: a security code or expiry typed next to it goes too.
        out.append(text[position : match.start()])
        out.append(CARD_MASK)
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def mask_security_codes(text: str) -> str:
    """Replace 3-4 digit codes next to "cvv", "cvc", "security code", ..."""
    text = _SECURITY_AFTER_RE.sub(lambda m: m.group(1) + SECURITY_CODE_MASK, text)
    return _SECURITY_BEFORE_RE.sub(lambda m: SECURITY_CODE_MASK + m.group(2), text)


def mask_passwords(text: str) -> str:
    """Replace the word after "password is", "my PIN:", ... with a marker."""
    return _PASSWORD_RE.sub(lambda m: m.group(1) + PASSWORD_MASK, text)


def mask_code_attempts(text: str) -> str:
    """Replace every 4-8 digit group: for a message that answers the code question."""
    return _CODE_ATTEMPT_RE.sub(ONE_TIME_CODE_MASK, text)


def redact_text(text: str, *, answers_code_question: bool = False) -> str:
    """``text`` with card numbers, security codes and passwords (and codes) masked."""
    text = mask_card_numbers(text)
    text = mask_security_codes(text)
    text = mask_passwords(text)
    if answers_code_question:
        text = mask_code_attempts(text)
    return text


def redact_value(value: Any, *, answers_code_question: bool = False) -> Any:
    """Every string inside ``value`` (dicts and lists walked) redacted."""
    if isinstance(value, str):
        return redact_text(value, answers_code_question=answers_code_question)
    if isinstance(value, Mapping):
        return {
            key: redact_value(item, answers_code_question=answers_code_question)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_value(item, answers_code_question=answers_code_question) for item in value]
    return value


def _redact_entities(entities: Any, answers_code_question: bool) -> Any:
    if not isinstance(entities, list):
        return entities
    redacted = []
    for entity in entities:
        if not isinstance(entity, Mapping):
            redacted.append(entity)
            continue
        copy = dict(entity)
        if copy.get("entity") == CODE_ENTITY and copy.get("value") is not None:
            copy["value"] = ONE_TIME_CODE_MASK
        else:
            copy["value"] = redact_value(
                copy.get("value"), answers_code_question=answers_code_question
            )
        redacted.append(copy)
    return redacted


def _redact_parse_data(parse_data: Any, answers_code_question: bool) -> Any:
    if not isinstance(parse_data, Mapping):
        return parse_data
    copy = dict(parse_data)
    if isinstance(copy.get("text"), str):
        copy["text"] = redact_text(copy["text"], answers_code_question=answers_code_question)
    if "entities" in copy:
        copy["entities"] = _redact_entities(copy["entities"], answers_code_question)
    return copy


def redact_event(event: Mapping[str, Any], *, requested_slot: Optional[str] = None) -> dict:
    """A serialized Rasa event with everything sensitive masked.

    ``requested_slot`` is the slot the dialogue was asking for when the event
    happened; a user message typed while it is the code slot has its code masked.
    """
    kind = event.get("event")
    copy = dict(event)
    if kind == "user":
        answers_code = requested_slot == CODE_SLOT
        if isinstance(copy.get("text"), str):
            copy["text"] = redact_text(copy["text"], answers_code_question=answers_code)
        copy["parse_data"] = _redact_parse_data(copy.get("parse_data"), answers_code)
        if "metadata" in copy:
            copy["metadata"] = redact_value(copy["metadata"], answers_code_question=answers_code)
    elif kind == "bot":
        if isinstance(copy.get("text"), str):
            copy["text"] = redact_text(copy["text"])
        if "data" in copy:
            copy["data"] = redact_value(copy["data"])
    elif kind == "slot":
        if copy.get("name") == CODE_SLOT and copy.get("value") is not None:
            copy["value"] = ONE_TIME_CODE_MASK
        else:
            copy["value"] = redact_value(copy.get("value"))
    elif kind == "entities":
        copy["entities"] = _redact_entities(copy.get("entities"), False)
    return copy


class RequestedSlotTracker:
    """Follows ``requested_slot`` through a stream of serialized events."""

    def __init__(self) -> None:
        self.requested_slot: Optional[str] = None

    def observe(self, event: Mapping[str, Any]) -> None:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            value = event.get("value")
            self.requested_slot = value if isinstance(value, str) else None
        elif kind in ("restart", "session_started", "reset_slots"):
            self.requested_slot = None


def redact_events(events: Iterable[Mapping[str, Any]]) -> list[dict]:
    """A whole conversation's serialized events, redacted in order."""
    state = RequestedSlotTracker()
    redacted = []
    for event in events:
        redacted.append(redact_event(event, requested_slot=state.requested_slot))
        state.observe(event)
    return redacted
