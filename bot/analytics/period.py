"""Quarters and the filters every metric takes."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from typing import Optional

from bot.analytics.vocabulary import CHANNELS

QUARTER_RE = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
COHORTS = ("pilot", "non_pilot", "unverified")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = QUARTER_RE.match(text.strip())
        if not match:
            raise ValueError(f"quarter must look like 2025Q1, not {text!r}")
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            raise ValueError(f"quarter year {year} is out of range")
        return cls(year, int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """First day after the quarter."""
        return self.next().start

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def filters(self, channel: Optional[str] = None) -> Filters:
        return Filters(epoch(self.start), epoch(self.end), channel)


def epoch(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()


def day_of(day_index: int) -> date:
    return datetime.fromtimestamp(day_index * 86400, tz=timezone.utc).date()


@dataclass(frozen=True)
class Filters:
    """Events with ``start <= timestamp < end`` (UTC epoch seconds), optionally one
    channel (Rasa input channel name) and one cohort (pilot, non_pilot, unverified)."""

    start: float
    end: float
    channel: Optional[str] = None
    cohort: Optional[str] = None

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("the end of the range must be after its start")
        if self.channel is not None and self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}; one of {', '.join(CHANNELS)}")
        if self.cohort is not None and self.cohort not in COHORTS:
            raise ValueError(f"unknown cohort {self.cohort!r}; one of {', '.join(COHORTS)}")

    @classmethod
    def between(cls, first: date, last: date, channel: Optional[str] = None) -> Filters:
        """Whole UTC days from ``first`` to ``last`` inclusive."""
        return cls(epoch(first), epoch(last) + 86400, channel)

    def with_cohort(self, cohort: Optional[str]) -> Filters:
        return replace(self, cohort=cohort)
