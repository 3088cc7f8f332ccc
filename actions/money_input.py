"""Reading money amounts typed by customers ("$40", "40.5", "1,200.00")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Optional

AMOUNT_RE = re.compile(r"(?<![\d.])\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?!\d|\.\d)")
CARD_RE = re.compile(r"(?:\d[ -]?){13,19}")
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
    digits = re.sub(r"\D", "", text)
    return bool(CARD_RE.search(text)) and len(digits) >= 13


def means_full_balance(text: str) -> bool:
    return bool(FULL_WORDS.search(text))
