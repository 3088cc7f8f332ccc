"""Base of actions that read or change a verified customer's data.

``run`` fetches the conversation's verified session from the backend (never from
a slot), then calls :meth:`CustomerAction.act`; every backend call of the run shares
one time budget (:meth:`BackendClient.run_budget`). Backend failures become friendly
responses with an offer; raw error text never reaches the customer.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.client import BackendClient
from actions.conversation import conversation_of
from actions.errors import BackendError, BackendUnavailable, NotVerified
from actions.forms import clear_task_slots
from actions.messages import say
from actions.models import Session

logger = logging.getLogger(__name__)


def ask_rating(dispatcher: CollectingDispatcher, tracker: Tracker, task: str) -> list[EventType]:
    """After a completed task: the 1-5 satisfaction question, at most once a conversation
    (after the first task completed; docs/conversation.md). ``last_task`` marks the task
    completed either way (the analytics count completions by it)."""
    if tracker.get_slot("rating_asked"):
        return [SlotSet("last_task", task)]
    say(dispatcher, tracker, "utter_ask_rating")
    return [
        SlotSet("last_task", task), SlotSet("awaiting_rating", True), SlotSet("rating_asked", True)
    ]


class CustomerAction(Action, ABC):
    """An action that needs the conversation's verified customer."""

    task = ""

    def __init__(self, client: Optional[BackendClient] = None) -> None:
        self.client = client or BackendClient()

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        channel, conversation_id = conversation_of(tracker)
        # A task that fails ends here: forget its answers (a confirmation above all), so a
        # later attempt asks everything, and confirms, again.
        ended = clear_task_slots() if self.task else []
        # Every backend call of this run (the session, the action's own calls, retries)
        # shares one time budget (actions.budget).
        with self.client.run_budget():
            try:
                session = await self.client.get_session(channel, conversation_id)
                if session is None:
                    raise NotVerified()
                return await self.act(dispatcher, tracker, domain, session)
            except NotVerified:
                say(dispatcher, tracker, "utter_session_expired")
                return [SlotSet("verified", False), *ended]
            except BackendUnavailable:
                say(dispatcher, tracker, "utter_backend_unavailable")
                return ended
            except BackendError as exc:
                logger.warning("%s: unhandled backend error %s", self.name(), exc.code)
                say(dispatcher, tracker, "utter_backend_error")
                return ended

    @abstractmethod
    async def act(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        """The action's work for a verified customer."""
