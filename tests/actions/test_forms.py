"""Stopping and switching tasks, refusals, and the input readers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet

from actions.dates_input import parse_date
from actions.forms import TASK_SLOTS, ActionStopTask, ActionSwitchTask
from actions.money_input import looks_like_card_number, means_full_balance, parse_amount
from tests.actions.factories import responses, run, text

CLEARED = [SlotSet(slot, None) for slot in TASK_SLOTS]
IDENTITY_CLEARED = [
    SlotSet("identifier", None), SlotSet("otp_code", None), SlotSet("verification_id", None)
]


async def test_stop_ends_the_form_forgets_answers_and_says_nothing_changed() -> None:
    events, dispatcher = await run(ActionStopTask(), text="stop", intent="stop",
                                   active_loop="pay_bill_form",
                                   slots={"payment_amount": "42.50", "confirm": None})
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), *IDENTITY_CLEARED,
                      *CLEARED]
    assert responses(dispatcher) == ["utter_task_stopped"]


async def test_switch_pauses_the_task_and_keeps_a_verification_in_progress() -> None:
    events, dispatcher = await run(ActionSwitchTask(), text="how much is my bill",
                                   intent="check_bill", active_loop="update_contact_form")
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), *CLEARED]
    assert responses(dispatcher) == ["utter_task_switched"]
    assert "updating your contact details" in text(dispatcher)




@pytest.mark.parametrize(
    ("text", "amount"),
    [("$40", "40.00"), ("40.5", "40.50"), ("pay 1,200.00 please", "1200.00"),
     ("25 dollars", "25.00"), ("nothing", None), ("4.567", None)],
)
def test_parse_amount(text: str, amount: str | None) -> None:
    assert parse_amount(text) == (Decimal(amount) if amount else None)


def test_card_numbers_and_full_balance_words() -> None:
    assert looks_like_card_number("4242 4242 4242 4242")
    assert not looks_like_card_number("$42.50")
    assert means_full_balance("the full balance please")
    assert not means_full_balance("$20")


TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-12-20", date(2026, 12, 20)), ("December 20", date(2026, 12, 20)),
     ("dec 5th", date(2026, 12, 5)), ("20th of december", date(2026, 12, 20)),
     ("in 2 weeks", date(2026, 12, 9)), ("in 10 days", date(2026, 12, 5)),
     ("in 1 week", date(2026, 12, 2)), ("1 week", date(2026, 12, 2)),
     ("a week from now", date(2026, 12, 2)), ("two weeks", date(2026, 12, 9)),
     ("tomorrow", date(2026, 11, 26)), ("next week", date(2026, 12, 2)),
     ("friday", date(2026, 11, 27)), ("12/20", date(2026, 12, 20)),
     ("January 3", date(2027, 1, 3)), ("whenever", None), ("February 30", None),
     ("on the 20th", date(2026, 12, 20)), ("the 28th", date(2026, 11, 28)),
     ("1st", date(2026, 12, 1)), ("end of the month", date(2026, 11, 30)),
     ("the 40th", None)],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text, TODAY) == expected
