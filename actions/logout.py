"""Sign out: "log me out", "this isn't my account", "forget me".

Ends the conversation's verified session in the backend (a new code is needed to see or
change anything again), stops any task in progress with its answers, and says so. Works
whether or not the conversation was verified.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.client import BackendClient
from actions.conversation import conversation_of
from actions.errors import BackendError
from actions.forms import clear_task_slots
from actions.identity import RESET_IDENTITY
from actions.messages import say

logger = logging.getLogger(__name__)


class ActionLogOut(Action):
    def __init__(self, client: Optional[BackendClient] = None) -> None:
        self.client = client or BackendClient()

    def name(self) -> str:
        return "action_log_out"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        channel, conversation_id = conversation_of(tracker)
        with self.client.run_budget():
            try:
                await self.client.end_session(channel, conversation_id)
            except BackendError as exc:
                # Not signed out for sure: say so rather than claim it.
                logger.warning("sign-out failed: %s", exc.code)
                say(dispatcher, tracker, "utter_log_out_failed")
                return []
        say(dispatcher, tracker, "utter_logged_out")
        identity = [SlotSet(slot, value) for slot, value in RESET_IDENTITY.items()]
        return [
            ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("verified", False),
            *identity, *clear_task_slots(),
        ]
