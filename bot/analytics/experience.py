"""Satisfaction ratings and response latency."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Connection

from bot.analytics.agents import not_by_agent
from bot.analytics.period import Filters
from bot.analytics.schema import events
from bot.analytics.scope import ratio, scoped
from bot.analytics.sqlfuncs import FloorDiv, JsonText
from bot.analytics.vocabulary import RATING_INTENT

RATING_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
LATENCY_BUCKET_MS = 10


def parse_rating(text: str) -> Optional[int]:
    """A 1-5 rating from the customer's answer, read as ``action_store_rating`` does."""
    raw = text.lower().strip()
    numbers = re.findall(r"\b\d+\b", raw)
    if numbers:
        value = int(numbers[0])
        return value if 1 <= value <= 5 else None
    words = [RATING_WORDS[w] for w in re.findall(r"[a-z]+", raw) if w in RATING_WORDS]
    return words[0] if words else None


@dataclass
class Satisfaction:
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))

    @property
    def count(self) -> int:
        return sum(self.distribution.values())

    @property
    def average(self) -> float:
        total = sum(score * n for score, n in self.distribution.items())
        return ratio(total, self.count)

    @property
    def low_share(self) -> float:
        """Share of ratings of 1 or 2."""
        return ratio(self.distribution[1] + self.distribution[2], self.count)


def satisfaction(conn: Connection, f: Filters) -> Satisfaction:
    """Answers classified as ``rate``, grouped by their text, parsed 1-5 (others ignored)."""
    text = func.lower(func.trim(JsonText(events.c.data, "text")))
    rows = conn.execute(
        select(text, func.count())
        .where(events.c.type_name == "user", events.c.intent_name == RATING_INTENT, scoped(f))
        .group_by(text)
    )
    result = Satisfaction()
    for answer, n in rows:
        score = parse_rating(str(answer or ""))
        if score is not None:
            result.distribution[score] += int(n)
    return result


@dataclass
class Latency:
    """Seconds from a customer message to the assistant's next message."""

    samples: int = 0
    percentiles: dict[int, float] = field(default_factory=dict)


def percentiles_from_histogram(
    histogram: list[tuple[int, int]], wanted: tuple[int, ...], bucket_seconds: float
) -> dict[int, float]:
    """Nearest-rank percentiles; each value is its bucket's upper bound."""
    total = sum(n for _, n in histogram)
    result: dict[int, float] = {}
    if not total:
        return result
    ordered = sorted(histogram)
    for p in wanted:
        rank = max(1, math.ceil(p / 100 * total))
        seen = 0
        for bucket, n in ordered:
            seen += n
            if seen >= rank:
                result[p] = round((bucket + 1) * bucket_seconds, 3)
                break
    return result


def latency(conn: Connection, f: Filters, wanted: tuple[int, ...] = (50, 90, 95, 99)) -> Latency:
    window = {"partition_by": events.c.sender_id, "order_by": (events.c.timestamp, events.c.id)}
    pairs = (
        select(
            events.c.type_name,
            events.c.timestamp,
            func.lead(events.c.type_name).over(**window).label("next_type"),
            func.lead(events.c.timestamp).over(**window).label("next_time"),
        )
        # Agents' replies after a handoff are not the assistant's answers.
        .where(events.c.type_name.in_(("user", "bot")), scoped(f), not_by_agent())
        .subquery("pairs")
    )
    delay = pairs.c.next_time - pairs.c.timestamp
    bucket = FloorDiv(delay * 1000, LATENCY_BUCKET_MS)
    rows = conn.execute(
        select(bucket, func.count())
        .where(and_(pairs.c.type_name == "user", pairs.c.next_type == "bot", delay >= 0))
        .group_by(bucket)
    ).all()
    histogram = [(int(b), int(n)) for b, n in rows]
    return Latency(
        samples=sum(n for _, n in histogram),
        percentiles=percentiles_from_histogram(histogram, wanted, LATENCY_BUCKET_MS / 1000),
    )


def satisfaction_by_task(conn: Connection, f: Filters) -> dict[str, Satisfaction]:
    """Ratings attributed to the task completed last before them in the conversation."""
    from bot.analytics.tasks import is_completion

    is_rating = and_(events.c.type_name == "user", events.c.intent_name == RATING_INTENT)
    seq = (
        select(
            events.c.id, events.c.sender_id, events.c.timestamp,
            case((is_completion(), events.c.id)).label("done_id"),
            case((is_rating, func.lower(func.trim(JsonText(events.c.data, "text")))))
            .label("answer"),
        )
        .where(scoped(f), events.c.type_name.in_(("user", "slot")))
        .subquery("seq")
    )
    last_done = func.max(seq.c.done_id).over(
        partition_by=seq.c.sender_id, order_by=(seq.c.timestamp, seq.c.id), rows=(None, 0)
    )
    marked = select(seq.c.answer, last_done.label("last_done")).subquery("marked")
    done = events.alias("done")
    task = JsonText(done.c.data, "value")
    rows = conn.execute(
        select(task, marked.c.answer, func.count())
        .select_from(marked.join(done, done.c.id == marked.c.last_done))
        .where(marked.c.answer.isnot(None))
        .group_by(task, marked.c.answer)
    )
    result: dict[str, Satisfaction] = {}
    for name, answer, n in rows:
        score = parse_rating(str(answer or ""))
        if score is not None and name is not None:
            result.setdefault(str(name), Satisfaction()).distribution[score] += int(n)
    return result
