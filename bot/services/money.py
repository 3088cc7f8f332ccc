"""Money on the wire: Decimal in, two-decimal strings out."""

from __future__ import annotations

from decimal import Decimal

from bot.db.types import money


def as_str(amount: Decimal) -> str:
    return f"{money(amount):.2f}"
