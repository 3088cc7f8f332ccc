"""Which events a metric looks at: a time range, optionally a channel and a cohort."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, literal, select
from sqlalchemy.sql import ColumnElement, Select

from bot.analytics.period import Filters
from bot.analytics.schema import cohorts, events
from bot.analytics.sqlfuncs import JsonText


def input_channel(table: Any = events) -> JsonText:
    return JsonText(table.c.data, "input_channel")


def in_range(f: Filters, table: Any = events) -> ColumnElement:  # type: ignore[type-arg]
    return and_(table.c.timestamp >= f.start, table.c.timestamp < f.end)


def channel_senders(f: Filters, channel: str) -> Select:
    """Conversations (sender ids) that wrote on ``channel`` within the range."""
    return (
        select(events.c.sender_id)
        .where(events.c.type_name == "user", in_range(f), input_channel() == channel)
        .distinct()
    )


def cohort_condition(cohort: str, table: Any = events) -> ColumnElement:  # type: ignore[type-arg]
    if cohort == "unverified":
        return table.c.sender_id.not_in(select(cohorts.c.sender_id))
    pilot = cohort == "pilot"
    return table.c.sender_id.in_(
        select(cohorts.c.sender_id).where(cohorts.c.pilot == literal(pilot))
    )


def scoped(f: Filters, table: Any = events) -> ColumnElement:  # type: ignore[type-arg]
    """The range, channel and cohort conditions on an events table (or alias)."""
    conditions = [in_range(f, table)]
    if f.channel is not None:
        conditions.append(table.c.sender_id.in_(channel_senders(f, f.channel)))
    if f.cohort is not None:
        conditions.append(cohort_condition(f.cohort, table))
    return and_(*conditions)


def sender_channels(f: Filters) -> Any:
    """Subquery ``(sender_id, channel)``: the input channel each conversation used."""
    return (
        select(events.c.sender_id, func.min(input_channel()).label("channel"))
        .where(events.c.type_name == "user", scoped(f))
        .group_by(events.c.sender_id)
        .subquery("sender_channels")
    )


def ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0
