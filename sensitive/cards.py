"""What a payment card number looks like in typed text.

Luhn-valid runs of 13-19 digits, written together or in groups separated by one space
or dash, not glued to letters or digits (``AC10000001`` and ``SR-100234`` are never
candidates). A longer digit run counts when a card number starts or ends it (a CVV or
expiry typed right after the card).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

CARD_MIN_DIGITS = 13
CARD_MAX_DIGITS = 19

# Digit groups joined by at most one space or dash, not glued to letters or digits.
DIGIT_RUN_RE = re.compile(r"(?<![A-Za-z0-9])(?<![A-Za-z]-)\d+(?:[ \-]\d+)*(?![A-Za-z0-9])")
_GROUP_RE = re.compile(r"\d+")


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of a string of digits (the check used by payment cards)."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def card_spans(run: str) -> list[tuple[int, int]]:
    """Spans (within a digit run) of Luhn-valid 13-19 digit card numbers."""
    groups = [(m.start(), m.end()) for m in _GROUP_RE.finditer(run)]
    found: list[tuple[int, int]] = []
    # Whole groups: "4111 1111 1111 1111", "4111-1111-1111-1111 123".
    for first in range(len(groups)):
        digits = ""
        for last in range(first, len(groups)):
            digits += run[groups[last][0] : groups[last][1]]
            if len(digits) > CARD_MAX_DIGITS:
                break
            if len(digits) >= CARD_MIN_DIGITS and luhn_valid(digits):
                found.append((groups[first][0], groups[last][1]))
    # One long group with a card at its start or end: "4111111111111111123".
    for start, end in groups:
        length = end - start
        if length <= CARD_MIN_DIGITS:
            continue
        for size in range(CARD_MIN_DIGITS, min(length, CARD_MAX_DIGITS + 1)):
            if luhn_valid(run[start : start + size]):
                found.append((start, start + size))
            if luhn_valid(run[end - size : end]):
                found.append((end - size, end))
    return found


def card_runs(text: str) -> Iterator[re.Match[str]]:
    """The digit runs of ``text`` that hold a card number (the whole run, CVV and all)."""
    for match in DIGIT_RUN_RE.finditer(text):
        run = match.group(0)
        if sum(ch.isdigit() for ch in run) >= CARD_MIN_DIGITS and card_spans(run):
            yield match


def contains_card_number(text: str) -> bool:
    """Does ``text`` hold a card number (Luhn-valid, any spacing)?"""
    return next(card_runs(text), None) is not None
