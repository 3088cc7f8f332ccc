"""Conversations and unique customers, per channel and per day.

A conversation is one Rasa session (a ``session_started`` event); a customer is the
verified account behind it (``analytics_cohorts``), or the conversation's own sender
id when the customer never verified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import distinct, func, select
from sqlalchemy.engine import Connection

from bot.analytics.period import Filters, day_of
from bot.analytics.schema import cohorts, events
from bot.analytics.scope import scoped, sender_channels
from bot.analytics.sqlfuncs import FloorDiv

UNKNOWN_CHANNEL = "unknown"


@dataclass(frozen=True)
class ChannelDay:
    day: date
    channel: str
    conversations: int
    customers: int


@dataclass
class Volume:
    conversations: int = 0
    customers: int = 0
    user_messages: int = 0
    by_channel: dict[str, tuple[int, int]] = field(default_factory=dict)
    by_day: list[ChannelDay] = field(default_factory=list)


def volume(conn: Connection, f: Filters) -> Volume:
    channels = sender_channels(f)
    customer = func.coalesce(cohorts.c.customer_key, events.c.sender_id)
    channel = func.coalesce(channels.c.channel, UNKNOWN_CHANNEL)
    day = FloorDiv(events.c.timestamp, 86400)
    base = (
        events.outerjoin(channels, channels.c.sender_id == events.c.sender_id)
        .outerjoin(cohorts, cohorts.c.sender_id == events.c.sender_id)
    )
    sessions = (events.c.type_name == "session_started", scoped(f))
    result = Volume()
    totals = conn.execute(
        select(func.count(), func.count(distinct(customer))).select_from(base).where(*sessions)
    ).one()
    result.conversations, result.customers = int(totals[0]), int(totals[1])
    for name, conversations, customers in conn.execute(
        select(channel, func.count(), func.count(distinct(customer)))
        .select_from(base)
        .where(*sessions)
        .group_by(channel)
    ):
        result.by_channel[str(name)] = (int(conversations), int(customers))
    rows = conn.execute(
        select(day.label("day"), channel.label("channel"), func.count(),
               func.count(distinct(customer)))
        .select_from(base)
        .where(*sessions)
        .group_by(day, channel)
        .order_by(day, channel)
    )
    result.by_day = [
        ChannelDay(day_of(int(d)), str(c), int(n), int(u)) for d, c, n, u in rows
    ]
    result.user_messages = int(
        conn.execute(
            select(func.count()).select_from(events).where(
                events.c.type_name == "user", scoped(f)
            )
        ).scalar_one()
    )
    return result
