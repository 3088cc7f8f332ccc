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
# Ratings said in words, as customers answer "how would you rate this help?".
RATING_ADJECTIVES = {
    **dict.fromkeys(("terrible", "awful", "horrible", "useless", "worst", "appalling"), 1),
    **dict.fromkeys(("bad", "poor", "unhelpful", "disappointing"), 2),
    **dict.fromkeys(("ok", "okay", "average", "fine", "meh", "mediocre", "alright"), 3),
    **dict.fromkeys(("good", "helpful", "nice", "decent"), 4),
    **dict.fromkeys(
        ("great", "excellent", "amazing", "perfect", "fantastic", "brilliant", "awesome",
         "superb", "outstanding", "best", "wonderful"),
        5,
    ),
}
# The bot messages after which a reply is the answer to the rating question.
RATING_QUESTIONS = frozenset({"utter_ask_rating", "utter_rating_invalid"})


def parse_rating(tracker: Tracker) -> Optional[int]:
    """1-5 from "4", "4/5", "four", "terrible" or "really great"; None for anything else
    ("-5", "10", "3 or 4" reads its first number, as a person would)."""
    raw = (entity_value(tracker, "rating") or latest_text(tracker)).lower().strip()
    if raw in RATING_WORDS:
        return RATING_WORDS[raw]
    if re.search(r"-\s*\d", raw):
        return None  # a negative number is no rating
    numbers = re.findall(r"\b\d+\b", raw)
    if numbers:
        value = int(numbers[0])
        return value if 1 <= value <= 5 else None
    words = re.findall(r"[a-z]+", raw)
    spelled = [RATING_WORDS[w] for w in words if w in RATING_WORDS]
    if spelled:
        return spelled[0]
    said = [RATING_ADJECTIVES[w] for w in words if w in RATING_ADJECTIVES]
    if said and "not" not in words:
        return said[0]
    return None


def rating_question_open(tracker: Tracker) -> bool:
    """The assistant's last words before this message asked for the rating."""
    seen_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return False
            seen_user = True
        elif kind == "bot" and seen_user:
            utter = (event.get("metadata") or {}).get("utter_action")
            return utter in RATING_QUESTIONS
    return False


class ActionStoreRating(Action):
    """Store the customer's 1-5 rating of the task just completed."""

    def __init__(self, client: Optional[BackendClient] = None) -> None:
        self.client = client or BackendClient()

    def name(self) -> str:
        return "action_store_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if not rating_question_open(tracker):
            # A number typed when nothing was asked ("3", "one sec") is not a rating.
            say(dispatcher, tracker, "utter_rating_not_asked")
            return []
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
