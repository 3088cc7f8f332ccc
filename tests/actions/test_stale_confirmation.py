"""A confirmation left over from an earlier task never confirms a new one.

Found by ``tests/e2e/test_kill_mid_action.py``: the action server was SIGKILLed after
the backend took a payment, so the submit action's slot clean-up never reached Rasa;
the customer asked to pay again, the form was activated with ``payment_amount``,
``payment_method`` and ``confirm`` still filled, and a second payment was made at once.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.payments import ValidatePayBillForm
from actions.service_requests import ValidateRequestServiceForm
from tests.actions.factories import FakeBackend, load_domain, make_tracker, slot_events

STALE = {"payment_amount": "5.00", "payment_method": "7", "confirm": True}


def activation_tracker(form: str, intent: str, text: str, slots: dict[str, Any]) -> Tracker:
    """The tracker Rasa sends when it activates ``form`` with slots already filled: the
    pre-filled values arrive as SlotSet events after the user's message."""
    tracker = make_tracker(text=text, intent=intent, slots=slots, active_loop=form)
    tracker.events.extend({"event": "slot", "name": k, "value": v} for k, v in slots.items())
    return tracker


async def test_a_left_over_confirmation_is_dropped_when_the_payment_form_starts() -> None:
    tracker = activation_tracker("pay_bill_form", "pay_bill", "I want to pay my bill", STALE)
    events = await ValidatePayBillForm(client=FakeBackend(verified=True)).run(
        CollectingDispatcher(), tracker, load_domain()
    )
    assert slot_events(events)["confirm"] is None, "the question must be asked again"


async def test_a_left_over_confirmation_is_dropped_when_a_ticket_form_starts() -> None:
    slots = {"request_type": "sim_replacement", "confirm": True}
    tracker = activation_tracker("request_service_form", "request_service", "new SIM", slots)
    events = await ValidateRequestServiceForm(client=FakeBackend(verified=True)).run(
        CollectingDispatcher(), tracker, load_domain()
    )
    assert slot_events(events)["confirm"] is None


async def test_a_yes_to_the_question_still_confirms() -> None:
    slots = {"payment_amount": "5.00", "payment_method": "7"}
    tracker = make_tracker(
        text="yes", intent="affirm", slots=slots, requested_slot="confirm",
        active_loop="pay_bill_form",
    )
    events = await ValidatePayBillForm(client=FakeBackend(verified=True)).run(
        CollectingDispatcher(), tracker, load_domain()
    )
    assert slot_events(events)["confirm"] is True
