"""What the customer and the assistant said after a handoff, from the conversation store.

Rasa keeps writing the conversation's events while the handoff is open; the agent sees
the latest ones next to the transcript captured when the handoff was created. The
store's texts are already redacted (``bot.conversation_store``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.analytics.schema import events
from bot.analytics.vocabulary import (
    FORM_TASKS,
    HANDOFF_FORM,
    HANDOFF_REASONS,
    REASON_LABELS,
    TASK_LABELS,
)

LIMIT = 50
CLOCK_SKEW_SECONDS = 60  # the backend's and Rasa's clocks, the action's own latency


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
            event = json.loads(data or "{}")
            text = event.get("text") or ""
            by_agent = (event.get("metadata") or {}).get("agent") is True
        except (ValueError, AttributeError):
            text, by_agent = "", False
        # Agents' replies are in the store too (the relay); they are shown from
        # agent_messages, with who sent them and the delivery outcome.
        if text and not by_agent:
            who = "customer" if kind == "user" else "assistant"
            lines.append(Line(datetime.fromtimestamp(float(timestamp), tz=timezone.utc), who,
                              str(text)))
    return lines


def handoff_reason(engine: Engine, sender_id: str, created_at: datetime,
                   scan: int = 300) -> Optional[str]:
    """Why this conversation was handed over, classified as the analytics do
    (``docs/monitoring.md``): what the assistant said last before the handoff form
    started, and the task started last in that session. None when the store has no
    handoff form for this sender before ``created_at``."""
    query = (
        select(events.c.type_name, events.c.action_name, events.c.data)
        .where(events.c.sender_id == sender_id,
               events.c.type_name.in_(("session_started", "active_loop", "bot")),
               events.c.timestamp <= created_at.timestamp() + CLOCK_SKEW_SECONDS)
        .order_by(events.c.timestamp.desc(), events.c.id.desc())
        .limit(scan)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    seen_form, reason, task = False, None, None
    for kind, name, data in rows:  # newest first
        if kind == "session_started" and seen_form:
            break
        if not seen_form:
            seen_form = kind == "active_loop" and name == HANDOFF_FORM
            continue
        if kind == "bot" and reason is None:
            utter = _utter(data)
            reason = HANDOFF_REASONS.get(utter, "asked_directly")
        if kind == "active_loop" and task is None and name in FORM_TASKS:
            task = FORM_TASKS[name]
    if not seen_form:
        return None
    text = REASON_LABELS[reason or "asked_directly"]
    return f"{text} (during: {TASK_LABELS.get(task, task)})" if task else text


def _utter(data: Optional[str]) -> str:
    try:
        metadata = json.loads(data or "{}").get("metadata") or {}
        return str(metadata.get("utter_action") or "")
    except (ValueError, AttributeError):
        return ""
