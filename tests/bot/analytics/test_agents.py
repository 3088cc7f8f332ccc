"""After a handoff: agents' messages are not the assistant's answers, and what the
customer wrote to the agent (conversation paused) is not the assistant's fallback."""

from __future__ import annotations

import json

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bot.analytics.eventlog import Transcript
from bot.analytics.experience import latency
from bot.analytics.period import Quarter, epoch
from bot.analytics.schema import events
from bot.analytics.understanding import fallbacks

from .scenario import DAY0

Q1 = Quarter(2025, 1)


def _raw(t: Transcript, event: dict, after: float = 0.0) -> Transcript:
    """An event the builder has no method for (pause, resume, an agent's message)."""
    t.clock += after
    event = {**event, "timestamp": t.clock}
    t.rows.append({"sender_id": t.sender_id, "type_name": event["event"],
                   "timestamp": t.clock, "intent_name": None, "action_name": None,
                   "data": json.dumps(event)})
    return t


def _agent_said(t: Transcript, text: str, utter: str, after: float) -> Transcript:
    return _raw(t, {"event": "bot", "text": text, "data": {},
                    "metadata": {"agent": True, "utter_action": utter}}, after)


def _handed_over(store: Engine) -> None:
    t = Transcript("web-handoff-1", "socketio", epoch(DAY0) + 9 * 3600)
    t.session_start()
    t.user("hi", "greet").bot("utter_greet", after=0.3).listen()
    t.user("a person please", "human_handoff").bot("utter_handoff_created", after=0.5)
    _raw(t, {"event": "pause"})
    t.user("asdfgh", "nlu_fallback")
    _agent_said(t, "TeleComNet agent: Hello!", "agent_reply", after=300)
    t.user("qwerty", "nlu_fallback", think=2)
    _raw(t, {"event": "resume"}, after=60)
    _agent_said(t, "You're back with the TeleComNet assistant.", "agent_hand_back", after=0)
    t.user("blah", "nlu_fallback").bot("utter_default", after=0.4)
    with store.begin() as conn:
        conn.execute(insert(events), t.rows)


def test_agent_messages_are_not_response_latency(store: Engine) -> None:
    _handed_over(store)
    with store.connect() as conn:
        measured = latency(conn, Q1.filters())
    # hi -> greet, handoff -> confirmation, blah -> default; not "asdfgh" -> the agent.
    assert measured.samples == 3
    assert measured.percentiles[99] <= 1.0


def test_messages_to_the_agent_are_not_fallbacks(store: Engine) -> None:
    _handed_over(store)
    with store.connect() as conn:
        result = fallbacks(conn, Q1.filters())
    assert (result.user_messages, result.nlu_fallbacks) == (3, 1)
    assert result.top_messages == [("blah", 1)]
    assert result.by_channel == {"socketio": (3, 1)}
