"""Human handoff: a service request carrying the transcript, a reference and the wait.

Once the request exists the conversation is paused for the assistant (an agent answers
from the dashboard); a failed request leaves it running.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import CustomerAction
from actions.forms import TaskForm, clear_task_slots
from actions.messages import say
from actions.models import Session
from actions.service_requests import create_ticket

CODE_LIKE_RE = re.compile(r"\b(\d[\d \-]{4,}\d)\b")
TRANSCRIPT_LIMIT = 4000


def transcript(tracker: Tracker) -> str:
    """The conversation so far, codes and card-like numbers masked, newest kept."""
    lines = []
    for event in tracker.events:
        kind = event.get("event")
        text = event.get("text")
        if kind in ("user", "bot") and text:
            who = "Customer" if kind == "user" else "Assistant"
            lines.append(f"{who}: {CODE_LIKE_RE.sub('[number hidden]', str(text))}")
    joined = "\n".join(lines)
    return joined[-TRANSCRIPT_LIMIT:]


class ValidateHumanHandoffForm(TaskForm):
    def name(self) -> str:
        return "validate_human_handoff_form"


class ActionHumanHandoff(CustomerAction):
    task = "human_handoff"

    def name(self) -> str:
        return "action_human_handoff"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        session: Session,
    ) -> list[dict[str, Any]]:
        body = {
            "category": "human_handoff",
            "description": "The customer asked to talk to a person in chat.",
            "transcript": transcript(tracker),
            "conversation_id": tracker.sender_id[:128],
        }
        ticket = await create_ticket(self, dispatcher, tracker, session, body, "handoff")
        if ticket is None:
            return clear_task_slots()
        wait = ticket.expected_wait_minutes
        say(
            dispatcher, tracker, "utter_handoff_created",
            reference=ticket.reference,
            wait=f"in about {wait} minutes" if wait else "as soon as possible",
        )
        # A person has the conversation now: Rasa stores what the customer writes but
        # predicts nothing until the agent hands back (ConversationResumed, appended by
        # the Rasa server's agent relay, channels/webchat/agent_relay.py).
        return [*clear_task_slots(), ConversationPaused()]
