"""SMS and WhatsApp texts never ask a customer to send a carrier keyword.

Twilio answers STOP / STOPALL / UNSUBSCRIBE / CANCEL / END / QUIT (opt-out), HELP / INFO
and START / UNSTOP itself (channels/common/keywords.py does the same), so "type cancel to
stop" on a phone would unsubscribe the customer instead. Scanned: every variant of the
catalogue and of domain.yml that a ``twilio_sms`` or ``twilio_whatsapp`` conversation can
get, with its button titles (Twilio shows them as a numbered menu whose words are replies).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from actions.messages import CATALOGUE
from tests.actions.factories import load_domain

TWILIO_CHANNELS = ("twilio_sms", "twilio_whatsapp")
RESERVED = ("stopall", "stop", "unsubscribe", "cancel", "end", "quit", "help", "info",
            "start", "unstop")
_WORD = "|".join(RESERVED)
_QUOTE = "\"'\u201c\u201d\u2018\u2019"
INSTRUCTION = re.compile(
    # a keyword in quotes ("help"), after a verb of sending (reply STOP, type help), or in
    # capitals as a command (HELP for options)
    rf"[{_QUOTE}]({_WORD})[{_QUOTE}]"
    rf"|\b(?:say|type|reply|send|text|write|enter|respond|answer)\s+(?:with\s+)?(?:the\s+word\s+)?"
    rf"[{_QUOTE}]?({_WORD})\b"
    rf"|\b({_WORD.upper()})\b",
    re.IGNORECASE,
)
_CAPS = re.compile(rf"\b({_WORD.upper()})\b")


def asks_for_keyword(text: str) -> bool:
    for match in INSTRUCTION.finditer(text):
        if match.group(3) and not _CAPS.search(match.group(0)):
            continue  # a lower-case word in a sentence ("cancel your request") is fine
        return True
    return False


@pytest.mark.parametrize(
    "text",
    [
        'Type "help" to see everything.',
        "or \u201cstop\u201d to leave this for now",
        "Reply STOP to end.",
        "type cancel to stop",
        "Send START to carry on.",
        "Say 'quit' any time.",
        "Reply with the word info.",
    ],
)
def test_the_scan_catches_keyword_instructions(text: str) -> None:
    assert asks_for_keyword(text)


@pytest.mark.parametrize(
    "text",
    [
        "Which request would you like to cancel?",
        "Reply MENU to see everything.",
        'or say "never mind" to leave this for now',
        "Our engineers are working on it; it should end soon.",
        "I can help with your bill.",
    ],
)
def test_the_scan_lets_ordinary_sentences_through(text: str) -> None:
    assert not asks_for_keyword(text)


def domain_variant(variants: list[dict[str, Any]], channel: str) -> Iterator[dict[str, Any]]:
    """The variants Rasa may pick for ``channel``: its own, else those without a channel."""
    own = [v for v in variants if v.get("channel") == channel]
    yield from own or [v for v in variants if not v.get("channel")]


def texts_a_phone_can_get() -> Iterator[tuple[str, str]]:
    for key in CATALOGUE:
        for channel in TWILIO_CHANNELS:
            variant = CATALOGUE.variant(key, channel)
            yield f"catalogue {key} ({channel})", variant.text
            for button in variant.buttons:
                yield f"catalogue {key} ({channel}) button", button.title
    for key, variants in load_domain()["responses"].items():
        for channel in TWILIO_CHANNELS:
            for variant in domain_variant(variants, channel):
                yield f"domain {key} ({channel})", str(variant.get("text") or "")
                for button in variant.get("buttons") or []:
                    yield f"domain {key} ({channel}) button", str(button.get("title"))


def test_no_sms_or_whatsapp_text_asks_for_a_carrier_keyword() -> None:
    scanned = list(texts_a_phone_can_get())
    assert len(scanned) > 200
    offending = [f"{where}: {text}" for where, text in scanned if asks_for_keyword(text)]
    assert not offending, "\n".join(offending)


def test_no_button_a_phone_sees_is_titled_with_a_keyword() -> None:
    titles = [text for where, text in texts_a_phone_can_get() if where.endswith("button")]
    assert titles
    assert not [t for t in titles if t.strip().casefold() in RESERVED]
