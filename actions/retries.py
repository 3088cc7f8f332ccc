"""Refusing an answer: a clear message, and after two refusals in a row an offer of a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.messages import say


def reject(
    slot: str,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    response: str,
    **values: Any,
) -> dict[str, Any]:
    """Refuse an answer with a clear message; the second refusal in a row offers a person."""
    say(dispatcher, tracker, response, **values)
    count = 1
    if tracker.get_slot("failed_slot") == slot:
        count = int(tracker.get_slot("failed_count") or 0) + 1
    if count >= 2:
        say(dispatcher, tracker, "utter_offer_human_after_retries")
    return {slot: None, "failed_slot": slot, "failed_count": float(count)}


def accepted(slot: str, value: Any) -> dict[str, Any]:
    return {slot: value, "failed_slot": None, "failed_count": None}
