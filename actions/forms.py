"""Shared form machinery: the task slots, confirmation, retries and stopping a task."""

from __future__ import annotations

from abc import ABC
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import latest_intent
from actions.identity import RESET_IDENTITY, VerifiedTaskForm
from actions.messages import say
from actions.retries import accepted, reject

# Every slot a task form fills; cleared when a task ends, completed or stopped, so the
# next task starts from scratch and a second change always asks its own confirmation.
TASK_SLOTS = (
    "payment_amount",
    "payment_method",
    "confirm",
    "postcode",
    "service",
    "troubleshoot",
    "ticket_ref",
    "request_type",
    "plan_name",
    "contact_field",
    "contact_value",
    "arrangement_kind",
    "arrangement_detail",
    "failed_slot",
    "failed_count",
)


# Intents that answer no form question: the form is rejected and a rule handles them.
NOT_AN_ANSWER = frozenset(
    {"stop", "deny", "faq", "chitchat", "help", "bot_challenge", "out_of_scope", "nlu_fallback",
     "greet", "goodbye", "thank_you", "human_handoff", "log_out"}
)


# Task intents: a confident one inside a form is a switch of task, unless the text also
# reads as an answer to the question asked (checked by each extractor first).
TASK_INTENTS = frozenset(
    {"check_bill", "explain_bill", "pay_bill", "payment_history", "payment_arrangement",
     "account_overview", "check_data_usage", "change_plan", "update_contact_details",
     "report_problem", "check_outage", "request_service", "check_ticket_status",
     "cancel_ticket", "human_handoff"}
)
SWITCH_CONFIDENCE = 0.8


def not_an_answer(tracker: Tracker) -> bool:
    """The latest message answers no form question: a rule or a task switch handles it."""
    intent = tracker.latest_message.get("intent") or {}
    name = str(intent.get("name") or "")
    if name in NOT_AN_ANSWER:
        return True
    return name in TASK_INTENTS and float(intent.get("confidence") or 0) >= SWITCH_CONFIDENCE


def clear_task_slots() -> list[EventType]:
    return [SlotSet(slot, None) for slot in TASK_SLOTS]


class TaskForm(VerifiedTaskForm, ABC):
    """A verified task form whose last slot, ``confirm``, is an explicit yes."""

    async def extract_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "confirm":
            return {}
        if latest_intent(tracker) == "affirm":
            return {"confirm": True}
        # "no" / "stop" are not extracted: the form is rejected and the stop rule runs.
        return {}

    async def validate_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Only a yes to the question itself counts. A `confirm` left over from an earlier
        # task (its submit action died before clearing the slots: action server killed
        # mid-payment) arrives here as a pre-filled slot when the form is activated
        # again, and would make a second payment without a question.
        asked = tracker.get_slot("requested_slot") == "confirm"
        return {"confirm": True if value is True and asked else None}


class ActionStopTask(Action):
    """``stop`` or "no" inside a task: end the form, forget its answers, change nothing."""

    def name(self) -> str:
        return "action_stop_task"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, tracker, "utter_task_stopped")
        identity = [SlotSet(slot, value) for slot, value in RESET_IDENTITY.items()]
        return [ActiveLoop(None), SlotSet("requested_slot", None), *identity, *clear_task_slots()]


TASK_LABELS = {
    "check_bill_form": "checking your bill",
    "explain_bill_form": "explaining your bill",
    "pay_bill_form": "your payment",
    "payment_history_form": "your payment history",
    "payment_arrangement_form": "your payment arrangement",
    "account_overview_form": "your account overview",
    "data_usage_form": "your usage",
    "change_plan_form": "changing your plan",
    "update_contact_form": "updating your contact details",
    "check_outage_form": "the outage check",
    "report_problem_form": "reporting your problem",
    "request_service_form": "your service request",
    "check_ticket_status_form": "your ticket status",
    "cancel_ticket_form": "cancelling your ticket",
    "human_handoff_form": "reaching a person",
}


class ActionSwitchTask(Action):
    """Another task asked for inside a form: pause this one (nothing changed), offer it later.

    A verification in progress is kept, so the new task continues with the same code.
    """

    def name(self) -> str:
        return "action_switch_task"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        paused = str((tracker.active_loop or {}).get("name") or "")
        say(
            dispatcher, tracker, "utter_task_switched",
            paused=TASK_LABELS.get(paused, "what we were doing")
        )
        return [ActiveLoop(None), SlotSet("requested_slot", None), *clear_task_slots()]


__all__ = ["accepted", "reject"]
