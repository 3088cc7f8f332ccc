"""What the customer and the assistant said after a handoff, from the conversation store.

Rasa keeps writing the conversation's events while the handoff is open; the agent sees
the latest ones next to the transcript captured when the handoff was created. The
store's texts are already redacted (``bot.conversation_store``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.analytics.schema import events

LIMIT = 50


@dataclass(frozen=True)
class Line:
    at: datetime
    who: str  # customer | assistant | agent
    text: str
    note: str = ""


def since(engine: Engine, sender_id: str, start: datetime, limit: int = LIMIT) -> list[Line]:
    """The last ``limit`` customer and assistant messages of ``sender_id`` from ``start``."""
    query = (
        select(events.c.timestamp, events.c.type_name, events.c.data)
        .where(events.c.sender_id == sender_id, events.c.type_name.in_(("user", "bot")),
               events.c.timestamp >= start.timestamp())
        .order_by(events.c.timestamp.desc(), events.c.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    lines = []
    for timestamp, kind, data in reversed(rows):
        try:
            text = json.loads(data or "{}").get("text") or ""
        except (ValueError, AttributeError):
            text = ""
        if text:
            who = "customer" if kind == "user" else "assistant"
            lines.append(Line(datetime.fromtimestamp(float(timestamp), tz=timezone.utc), who,
                              str(text)))
    return lines
