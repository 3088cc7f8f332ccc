"""``say``: how an action sends a catalogue message to the customer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.messages.catalogue import CATALOGUE, Catalogue


def say(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    key: str,
    *,
    buttons: Optional[Sequence[dict[str, str]]] = None,
    catalogue: Catalogue = CATALOGUE,
    **values: Any,
) -> None:
    """Send ``key``'s variant for the conversation's channel, placeholders filled.

    ``buttons`` (e.g. options read from the backend) follow the variant's own buttons.
    ``utter_action`` travels into the bot event's metadata, where the analytics find
    task outcomes by the message key (bot/analytics/vocabulary.py ``utter_marker``).
    """
    rendered = catalogue.render(
        key, tracker.get_latest_input_channel(), values, slots=tracker.slots
    )
    dispatcher.utter_message(
        text=rendered.text,
        buttons=[*rendered.buttons, *(buttons or [])],
        utter_action=key,
    )
