"""The charts page's query parameters: a UTC date range and a channel, validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

from bot.analytics.period import Filters
from bot.analytics.vocabulary import CHANNELS

DEFAULT_DAYS = 90
MAX_DAYS = 366


@dataclass
class ChartQuery:
    first: date
    last: date
    channel: Optional[str]
    errors: list[str] = field(default_factory=list)

    @property
    def filters(self) -> Filters:
        return Filters.between(self.first, self.last, self.channel)


def _parse_day(text: str, name: str, errors: list[str]) -> Optional[date]:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors.append(f"The {name} date must look like 2025-01-31, not {text.strip()!r}.")
        return None


def parse(
    start: Optional[str], end: Optional[str], channel: Optional[str], latest: date
) -> ChartQuery:
    """The range and channel asked for; on any error the default range and the messages.

    Default: the ``DEFAULT_DAYS`` days up to ``latest`` (the day of the newest event).
    """
    errors: list[str] = []
    last = _parse_day(end, "end", errors) if end else latest
    first = _parse_day(start, "start", errors) if start else None
    chosen = (channel or "").strip() or None
    if chosen is not None and chosen not in CHANNELS:
        errors.append(f"Unknown channel {chosen!r}; choose one of {', '.join(CHANNELS)}.")
        chosen = None
    if last is not None and first is None and not errors:
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    if first is not None and last is not None and not errors:
        if last < first:
            errors.append("The end date must be on or after the start date.")
        elif (last - first).days + 1 > MAX_DAYS:
            errors.append(f"Choose a range of at most {MAX_DAYS} days.")
    if errors or first is None or last is None:
        return ChartQuery(latest - timedelta(days=DEFAULT_DAYS - 1), latest, chosen, errors)
    return ChartQuery(first, last, chosen)
