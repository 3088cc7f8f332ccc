"""Rasa's SQL conversation store, with card data, codes and passwords masked on write.

Configured in ``endpoints.yml``::

    tracker_store:
      type: bot.conversation_store.RedactingSQLTrackerStore
      dialect: ...
      url: ...
      db: ...

Rasa 3.6 loads a tracker store whose ``type`` is not one of its own by module path
and calls it with ``host=<url>, domain=..., event_broker=...`` plus the remaining
keys (``dialect``, ``db``, ...), exactly the arguments of ``SQLTrackerStore``.

Only what is written is masked: the tracker Rasa keeps in memory during a turn is
untouched, so the action server still receives the one-time code in the turn it is
typed. Later turns read the masked events back from the store, so handoff
transcripts and analytics built from them never see the data either.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.redaction import RequestedSlotTracker, redact_event


class RedactingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that writes (and publishes to a broker) every event redacted."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            stored = self._event_query(
                session, tracker.sender_id, fetch_events_from_all_sessions=False
            ).count()
            state = RequestedSlotTracker()
            new: list[tuple[Event, dict[str, Any]]] = []
            for index, event in enumerate(tracker.events):
                data = event.as_dict()
                if index >= stored:
                    new.append((event, redact_event(data, requested_slot=state.requested_slot)))
                state.observe(data)
            for event, clean in new:
                session.add(self._row(tracker.sender_id, event, clean))
            session.commit()
        if self.event_broker is not None:
            # Analytics consumers get the same masked events the store holds.
            for _, clean in new:
                self.event_broker.publish({"sender_id": tracker.sender_id, **clean})

    def _row(self, sender_id: str, event: Event, clean: dict[str, Any]) -> Any:
        parse_data = clean.get("parse_data") or {}
        intent = (parse_data.get("intent") or {}).get(INTENT_NAME_KEY)
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=clean.get("timestamp"),
            intent_name=intent,
            action_name=clean.get("name"),
            data=json.dumps(clean),
        )
