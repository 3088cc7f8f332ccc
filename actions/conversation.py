"""What an action knows about the conversation it runs in."""

from __future__ import annotations

import hashlib
from typing import Any, Optional

from rasa_sdk import Tracker

DEFAULT_CHANNEL = "rest"
KNOWN_CHANNELS = frozenset({"rest", "socketio", "twilio_sms", "twilio_whatsapp", "telegram"})


def conversation_of(tracker: Tracker) -> tuple[str, str]:
    """``(channel, conversation_id)`` as the backend binds verified sessions to it."""
    channel = tracker.get_latest_input_channel() or DEFAULT_CHANNEL
    if channel not in KNOWN_CHANNELS:
        channel = DEFAULT_CHANNEL
    return channel, tracker.sender_id


def latest_user_event(tracker: Tracker) -> Optional[dict[str, Any]]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event
    return None


def task_opening(tracker: Tracker, intent: str) -> Optional[dict[str, Any]]:
    """The latest customer message with ``intent``: what opened the task, which may hold
    details given before verification ("pay 20 bucks of my bill")."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") == intent:
            return event
    return None


def idempotency_key(tracker: Tracker, purpose: str) -> str:
    """One key per confirmed change, derived from the conversation and the confirming turn.

    A re-run of the same action for the same "yes" yields the same key, so the backend
    replays the first result instead of charging or changing twice.
    """
    channel, conversation_id = conversation_of(tracker)
    event = latest_user_event(tracker) or {}
    turn = f"{event.get('timestamp', '')}|{event.get('message_id', '')}"
    raw = "|".join((channel, conversation_id, purpose, turn))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


def latest_intent(tracker: Tracker) -> str:
    intent = tracker.latest_message.get("intent") or {}
    return str(intent.get("name") or "")


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "").strip()


def entity_value(tracker: Tracker, entity: str) -> Optional[str]:
    value = next(tracker.get_latest_entity_values(entity), None)
    if value is None:
        return None
    return str(value).strip() or None
