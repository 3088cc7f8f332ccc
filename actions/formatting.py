"""Customer-facing formatting of money and dates (the only place they become text)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Optional

from babel.dates import format_date
from babel.numbers import format_currency

from actions.settings import get_settings


def money(amount: Decimal, currency: Optional[str] = None) -> str:
    settings = get_settings()
    return str(format_currency(amount, currency or settings.currency, locale=settings.locale))


def day(value: Optional[date]) -> str:
    if value is None:
        return "not set"
    return str(format_date(value, format="long", locale=get_settings().locale))


def next_visit_slot(now: datetime) -> datetime:
    """The first weekday morning (09:00 UTC) at least one day after ``now``."""
    day_ = (now.astimezone(timezone.utc) + timedelta(days=1)).date()
    while day_.weekday() >= 5:
        day_ += timedelta(days=1)
    return datetime.combine(day_, time(9, 0), tzinfo=timezone.utc)


def plural(count: int, singular: str, plural_form: str) -> str:
    return f"{count} {singular if count == 1 else plural_form}"


def number(value: Decimal) -> str:
    """A plain number without exponent or trailing zeros: 20, 4.5, 120."""
    text = format(value.normalize(), "f")
    return text
