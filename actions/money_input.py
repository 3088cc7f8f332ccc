"""Reading money amounts typed by customers ("$40", "40.5", "1,200.00")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Optional

from sensitive.cards import contains_card_number

AMOUNT_RE = re.compile(r"(?<![\d.])\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?!\d|\.\d)")
FULL_WORDS = re.compile(r"\b(full|all|everything|whole|total|entire|balance|in full)\b", re.I)


def parse_amount(text: str) -> Optional[Decimal]:
    """The first money amount in ``text`` with at most two decimals, else ``None``."""
    match = AMOUNT_RE.search(text)
    if not match:
        return None
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
