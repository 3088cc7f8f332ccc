"""What customers said and what the assistant understood: intents and fallbacks."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from bot.analytics.agents import paused_user_ids
from bot.analytics.period import Filters
from bot.analytics.schema import events
from bot.analytics.scope import input_channel, ratio, scoped
from bot.analytics.sqlfuncs import JsonText
from bot.analytics.vocabulary import CORE_FALLBACK_ACTION, NLU_FALLBACK_INTENT

UNKNOWN = "unknown"


@dataclass
class Fallbacks:
    user_messages: int = 0
    nlu_fallbacks: int = 0
    core_fallbacks: int = 0
    by_channel: dict[str, tuple[int, int]] = field(default_factory=dict)
    top_messages: list[tuple[str, int]] = field(default_factory=list)
    closest_intents: list[tuple[str, int]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Share of customer messages the assistant did not understand."""
        return ratio(self.nlu_fallbacks + self.core_fallbacks, self.user_messages)

    def channel_rate(self, channel: str) -> float:
        total, fallbacks = self.by_channel.get(channel, (0, 0))
        return ratio(fallbacks, total)


def fallbacks(conn: Connection, f: Filters, top: int = 10) -> Fallbacks:
    result = Fallbacks()
    is_fallback = case((events.c.intent_name == NLU_FALLBACK_INTENT, 1), else_=0)
    channel = func.coalesce(input_channel(), UNKNOWN)
    # Messages written to an agent while the assistant was paused are not its fallbacks.
    heard = events.c.id.notin_(paused_user_ids(f))
    for name, total, missed in conn.execute(
        select(channel, func.count(), func.sum(is_fallback))
        .where(events.c.type_name == "user", scoped(f), heard)
        .group_by(channel)
    ):
        result.by_channel[str(name)] = (int(total), int(missed or 0))
        result.user_messages += int(total)
        result.nlu_fallbacks += int(missed or 0)
    result.core_fallbacks = int(
        conn.execute(
            select(func.count()).select_from(events).where(
                events.c.type_name == "action",
                events.c.action_name == CORE_FALLBACK_ACTION,
                scoped(f),
            )
        ).scalar_one()
    )
    fallback_rows = (events.c.type_name == "user",
                     events.c.intent_name == NLU_FALLBACK_INTENT, scoped(f), heard)
    text = func.lower(func.trim(JsonText(events.c.data, "text")))
    count = func.count().label("n")
    result.top_messages = [
        (str(t), int(n))
        for t, n in conn.execute(
            select(text, count).where(*fallback_rows).group_by(text)
            .order_by(count.desc(), text).limit(top)
        )
        if t is not None
    ]
    # The FallbackClassifier puts nlu_fallback first; the runner-up is the closest intent.
    closest = func.coalesce(
        JsonText(events.c.data, "parse_data", "intent_ranking", 1, "name"), UNKNOWN
    )
    result.closest_intents = [
        (str(i), int(n))
        for i, n in conn.execute(
            select(closest, count).where(*fallback_rows).group_by(closest)
            .order_by(count.desc(), closest).limit(top)
        )
    ]
    return result


def top_intents(conn: Connection, f: Filters, top: int = 15) -> list[tuple[str, int]]:
    count = func.count().label("n")
    intent = func.coalesce(events.c.intent_name, UNKNOWN)
    rows = conn.execute(
        select(intent, count)
        .where(events.c.type_name == "user", scoped(f))
        .group_by(intent)
        .order_by(count.desc(), intent)
        .limit(top)
    )
    return [(str(name), int(n)) for name, n in rows]
