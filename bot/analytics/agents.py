"""What people, not the assistant, did in a conversation (issue 7 handoffs).

* Agents' replies and hand-backs are stored as bot events marked
  ``"utter_action": "agent_reply"`` / ``"agent_hand_back"`` (the Rasa server's agent
  relay, ``channels/webchat/agent_relay.py``): they are not the assistant's answers.
* From a handoff (``pause`` event) to the hand-back (``resume``) or a new session, the
  assistant is silent: the customer's messages are for the agent, so they are neither
  the assistant's fallbacks nor its turns.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from bot.analytics.period import Filters
from bot.analytics.schema import events
from bot.analytics.scope import scoped
from bot.analytics.vocabulary import utter_marker

AGENT_UTTERS = ("agent_reply", "agent_hand_back")
PAUSE, RESUME = "pause", "resume"


def not_by_agent(table: Any = events) -> ColumnElement:  # type: ignore[type-arg]
    """Every event except an agent's message."""
    return or_(table.c.type_name != "bot",
               and_(*(~table.c.data.like(f"%{utter_marker(u)}%") for u in AGENT_UTTERS)))


def paused_user_ids(f: Filters) -> Any:
    """Ids of customer messages written while the conversation was paused for a person.

    Only conversations that have a ``pause`` event are scanned.
    """
    paused_senders = select(events.c.sender_id).where(events.c.type_name == PAUSE, scoped(f))
    window = {"partition_by": events.c.sender_id, "order_by": (events.c.timestamp, events.c.id),
              "rows": (None, 0)}
    last_pause = func.max(case((events.c.type_name == PAUSE, events.c.id))).over(**window)
    last_resume = func.max(
        case((events.c.type_name.in_((RESUME, "session_started")), events.c.id))
    ).over(**window)
    seq = (
        select(events.c.id, events.c.type_name, last_pause.label("paused_at"),
               last_resume.label("resumed_at"))
        .where(events.c.sender_id.in_(paused_senders), scoped(f),
               events.c.type_name.in_(("user", PAUSE, RESUME, "session_started")))
        .subquery("pause_seq")
    )
    return select(seq.c.id).where(
        seq.c.type_name == "user", seq.c.paused_at.isnot(None),
        seq.c.paused_at > func.coalesce(seq.c.resumed_at, 0),
    )
