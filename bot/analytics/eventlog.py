"""Rasa-shaped conversation events as rows of the ``events`` table.

The JSON in ``data`` is what ``Event.as_dict()`` of Rasa 3.6 produces, and the
columns are filled as ``SQLTrackerStore.save`` fills them (``intent_name`` from the
parse data, ``action_name`` from the event's ``name``). Used by the demo generator
and by the tests' hand-built conversations.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Optional

Row = dict[str, Any]


class Transcript:
    """Appends the events of one conversation (sender) with a running clock."""

    def __init__(self, sender_id: str, channel: str, start: float) -> None:
        self.sender_id = sender_id
        self.channel = channel
        self.clock = start
        self.rows: list[Row] = []
        self._messages = 0

    def _add(self, event: dict[str, Any], intent: Optional[str] = None) -> None:
        self.rows.append(
            {
                "sender_id": self.sender_id,
                "type_name": event["event"],
                "timestamp": event["timestamp"],
                "intent_name": intent,
                "action_name": event.get("name"),
                "data": json.dumps(event),
            }
        )

    def wait(self, seconds: float) -> Transcript:
        self.clock += seconds
        return self

    def action(self, name: str, after: float = 0.01, policy: Optional[str] = None,
               confidence: float = 1.0) -> Transcript:
        self.clock += after
        self._add({"event": "action", "timestamp": self.clock, "name": name,
                   "policy": policy or "RulePolicy", "confidence": confidence,
                   "action_text": None, "hide_rule_turn": False})
        return self

    def session_start(self) -> Transcript:
        self.action("action_session_start", after=0.0)
        self.clock += 0.001
        self._add({"event": "session_started", "timestamp": self.clock})
        return self.action("action_listen", after=0.001)

    def user(self, text: str, intent: str, confidence: float = 0.93,
             entities: Sequence[dict[str, Any]] = (), runner_up: Optional[str] = None,
             think: float = 5.0) -> Transcript:
        self.clock += think
        self._messages += 1
        ranking = [{"name": intent, "confidence": confidence}]
        if runner_up:
            ranking.append({"name": runner_up, "confidence": round(1 - confidence, 4)})
        parse_data = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": list(entities),
            "text": text,
            "message_id": f"{self.sender_id}-{self._messages}",
            "metadata": {},
            "intent_ranking": ranking,
        }
        self._add(
            {"event": "user", "timestamp": self.clock, "metadata": {}, "text": text,
             "parse_data": parse_data, "input_channel": self.channel,
             "message_id": f"{self.sender_id}-{self._messages}"},
            intent=intent,
        )
        return self

    def bot(self, utter: str, text: str = "", after: float = 0.3) -> Transcript:
        self.clock += after
        data = {"elements": None, "quick_replies": None, "buttons": None,
                "attachment": None, "image": None, "custom": None}
        self._add({"event": "bot", "timestamp": self.clock,
                   "metadata": {"utter_action": utter},
                   "text": text or utter.replace("_", " "), "data": data})
        return self

    def slot(self, name: str, value: Any) -> Transcript:
        self._add({"event": "slot", "timestamp": self.clock, "name": name, "value": value})
        return self

    def active_loop(self, name: Optional[str]) -> Transcript:
        self._add({"event": "active_loop", "timestamp": self.clock, "name": name})
        return self

    def listen(self) -> Transcript:
        return self.action("action_listen", after=0.001)
