"""Conversation-level actions: satisfaction rating and fallback handling."""

from __future__ import annotations

import logging
import re
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.card_details import warn_if_card_details
from actions.client import BackendClient
from actions.conversation import conversation_of, entity_value, latest_text
from actions.errors import BackendError
from actions.messages import say

logger = logging.getLogger(__name__)

RATING_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def parse_rating(tracker: Tracker) -> Optional[int]:
    raw = entity_value(tracker, "rating") or latest_text(tracker)
    raw = raw.lower().strip()
    if raw in RATING_WORDS:
        return RATING_WORDS[raw]
    numbers = re.findall(r"\b\d+\b", raw)
    if not numbers:
        words = [RATING_WORDS[w] for w in re.findall(r"[a-z]+", raw) if w in RATING_WORDS]
        return words[0] if words else None
    value = int(numbers[0])
    return value if 1 <= value <= 5 else None


class ActionStoreRating(Action):
    """Store the customer's 1-5 rating of the task just completed."""

    def __init__(self, client: Optional[BackendClient] = None) -> None:
        self.client = client or BackendClient()

    def name(self) -> str:
        return "action_store_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        rating = parse_rating(tracker)
        if rating is None:
            say(dispatcher, tracker, "utter_rating_invalid")
            return []
        task = str(tracker.get_slot("last_task") or "general")
        channel, conversation_id = conversation_of(tracker)
        with self.client.run_budget():  # the session and the rating share one budget
            try:
                session = await self.client.get_session(channel, conversation_id)
                if session is not None:
                    await self.client.store_feedback(session.token, rating, task, channel)
            except BackendError as exc:
                # Losing one rating must not spoil the conversation; keep it in the logs.
                logger.warning("rating %s for %s not stored: %s", rating, task, exc.code)
        say(dispatcher, tracker, "utter_rating_thanks")
        return [SlotSet("awaiting_rating", False), SlotSet("last_task", None)]


class ActionHandleFallback(Action):
    """First misunderstanding: ask to rephrase. Second in a row: offer a person."""

    def name(self) -> str:
        return "action_handle_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if warn_if_card_details(dispatcher, tracker):
            return []  # card details are no misunderstanding: say never to send them
        user_intents = [
            (event.get("parse_data") or {}).get("intent", {}).get("name")
            for event in tracker.events
            if event.get("event") == "user"
        ]
        consecutive = 0
        for intent in reversed(user_intents):
            if intent != "nlu_fallback":
                break
            consecutive += 1
        if consecutive >= 2:
            say(dispatcher, tracker, "utter_offer_human")
        else:
            say(dispatcher, tracker, "utter_default")
        return []


class ActionDefaultFallback(Action):
    """Rasa's core fallback (no confident next action), with the catalogue's text.

    Overrides Rasa's default action of the same name (a documented extension point),
    which would utter ``utter_default`` from the domain; like it, it reverts the
    customer's message so the dialogue continues as if it had not been said.
    """

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if not warn_if_card_details(dispatcher, tracker):
            say(dispatcher, tracker, "utter_default")
        return [UserUtteranceReverted()]
