"""Reading money amounts typed by customers ("$40", "40.5", "1,200.00")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Optional

from sensitive.cards import contains_card_number

AMOUNT_RE = re.compile(r"(?<![\d.])\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?!\d|\.\d)")
FULL_WORDS = re.compile(r"\b(full|all|everything|whole|total|entire|balance|in full)\b", re.I)


UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
# "twenty bucks", "fifty dollars", "forty-five": whole dollars in words, followed by a
# money word so that "one sec" or "the second one" are no amounts.
WORDS_RE = re.compile(
    rf"\b(?:(?P<tens>{'|'.join(TENS)})(?:[\s-]+(?P<unit>{'|'.join(list(UNITS)[:9])}))?"
    rf"|(?P<small>{'|'.join(UNITS)}))"
    r"(?:\s+hundred)?\s+(?:dollars?|bucks?|usd)\b",
    re.IGNORECASE,
)


def _amount_in_words(text: str) -> Optional[Decimal]:
    match = WORDS_RE.search(text)
    if not match:
        return None
    value = (
        TENS[match.group("tens").lower()] + UNITS.get((match.group("unit") or "").lower(), 0)
        if match.group("tens")
        else UNITS[match.group("small").lower()]
    )
    if re.search(r"\bhundred\b", match.group(0), re.IGNORECASE):
        value *= 100
    return Decimal(value).quantize(Decimal("0.01"))


def parse_amount(text: str) -> Optional[Decimal]:
    """The first money amount in ``text`` with at most two decimals ("$40", "40.5",
    "twenty bucks"), else ``None``."""
    match = AMOUNT_RE.search(text)
    if not match:
        return _amount_in_words(text)
    whole = match.group(1).replace(",", "")
    cents = match.group(2) or "0"
    try:
        return Decimal(f"{whole}.{cents.ljust(2, '0')}")
    except InvalidOperation:
        return None


def looks_like_card_number(text: str) -> bool:
    """Card details where the payment form asks for an amount or a method.

    The shared detector (:mod:`sensitive.cards`, Luhn-valid 13-19 digits), the one the
    conversation store masks with: the form warns about exactly what the store masks.
    A mistyped card number (Luhn-invalid) is not a card number there either: as an amount
    it is refused as too high or invalid, and it is stored as typed.
    """
    return contains_card_number(text)


def means_full_balance(text: str) -> bool:
    return bool(FULL_WORDS.search(text))
