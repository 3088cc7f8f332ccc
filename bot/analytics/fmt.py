"""Number formatting for the report (babel, the settings' locale)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency, format_decimal, format_percent

MINUS = "\u2212"


@dataclass(frozen=True)
class Fmt:
    locale: str = "en_US"
    currency: str = "USD"

    def money(self, amount: Decimal) -> str:
        return str(format_currency(amount, self.currency, locale=self.locale))

    def number(self, value: float) -> str:
        return str(format_decimal(value, format="#,##0", locale=self.locale))

    def decimal(self, value: float, digits: int = 2) -> str:
        return str(format_decimal(value, format="#,##0." + "0" * digits, locale=self.locale))

    def percent(self, value: float) -> str:
        return str(format_percent(value, format="#,##0.0%", locale=self.locale))

    def seconds(self, value: float) -> str:
        return f"{self.decimal(value)} s"

    def change_points(self, now: float, before: float) -> str:
        """Difference of two rates in percentage points, signed."""
        points = (now - before) * 100
        return f"{'+' if points >= 0 else MINUS}{self.decimal(abs(points), 1)} pp"

    def change_relative(self, now: float, before: float) -> str:
        if not before:
            return "new"
        change = (now - before) / before
        return f"{'+' if change >= 0 else MINUS}{self.percent(abs(change))}"

    def change_plain(self, now: float, before: float, digits: int = 2) -> str:
        diff = now - before
        return f"{'+' if diff >= 0 else MINUS}{self.decimal(abs(diff), digits)}"
