"""Pay bill form and submit, payment history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rasa_sdk.events import SlotSet

from actions.errors import BackendUnavailable
from actions.forms import TASK_SLOTS
from actions.payments import (
    NEW_CARD,
    ActionAskPayBillConfirm,
    ActionAskPaymentAmount,
    ActionAskPaymentMethod,
    ActionPayBill,
    ActionPaymentHistory,
    ValidatePayBillForm,
    choose_method,
)
from tests.actions.factories import (
    FakeBackend,
    bill,
    buttons,
    entity,
    refused,
    responses,
    run,
    slot_events,
    text,
    unavailable,
)

FORM = "pay_bill_form"
CLEARED = [SlotSet(slot, None) for slot in TASK_SLOTS]
RATING = [
    SlotSet("last_task", "pay_bill"), SlotSet("awaiting_rating", True),
    SlotSet("rating_asked", True),
]


async def test_unverified_customer_is_asked_to_verify_before_the_amount() -> None:
    backend = FakeBackend(verified=False)
    events, _ = await run(ValidatePayBillForm(client=backend), text="pay my bill",
                          intent="pay_bill", active_loop=FORM)
    assert events == [SlotSet("requested_slot", "identifier")]


async def test_full_balance_becomes_the_amount_due() -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await run(
        ValidatePayBillForm(client=backend), text="the full balance", intent="inform",
        requested_slot="payment_amount", active_loop=FORM,
    )
    assert slot_events(events)["payment_amount"] == "42.50"
    # Rasa asks the next domain slot itself (payment_method).
    assert dispatcher.messages == []


async def test_stated_amount_is_taken_from_the_entity() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(
        ValidatePayBillForm(client=backend), text="$25", intent="inform",
        entities=[entity("amount", "$25")], requested_slot="payment_amount", active_loop=FORM,
    )
    assert slot_events(events)["payment_amount"] == "25.00"


async def test_amount_in_the_first_message_is_kept_when_verified() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(
        ValidatePayBillForm(client=backend), text="pay $25 now", intent="pay_bill",
        entities=[entity("amount", "$25")], active_loop=FORM,
    )
    assert slot_events(events)["payment_amount"] == "25.00"


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("$500", "utter_payment_amount_too_high"),
        ("0", "utter_payment_amount_invalid"),
        ("4242 4242 4242 4242", "utter_no_card_in_chat"),
    ],
)
async def test_bad_amount_is_refused_and_asked_again(text: str, response: str) -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await run(
        ValidatePayBillForm(client=backend), text=text, intent="inform",
        requested_slot="payment_amount", active_loop=FORM,
    )
    assert slot_events(events)["payment_amount"] is None
    assert responses(dispatcher) == [response]
    assert backend.called("pay") == []


async def test_second_refusal_in_a_row_offers_a_person() -> None:
    backend = FakeBackend(verified=True)
    _, dispatcher = await run(
        ValidatePayBillForm(client=backend), text="0", intent="inform",
        requested_slot="payment_amount", active_loop=FORM,
        slots={"failed_slot": "payment_amount", "failed_count": 1.0},
    )
    assert responses(dispatcher) == [
        "utter_payment_amount_invalid", "utter_offer_human_after_retries"
    ]


async def test_nothing_due_ends_the_form_without_questions() -> None:
    backend = FakeBackend(verified=True)
    backend.bill = bill(amount_due="0.00", status="paid")
    events, _ = await run(ValidatePayBillForm(client=backend), text="pay my bill",
                          intent="pay_bill", active_loop=FORM)
    assert events == [SlotSet("requested_slot", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", "7"), ("2", "8"), ("3", NEW_CARD), ("the visa", "7"), ("card ending 4444", "8"),
     ("a new card", NEW_CARD), ("the saved card", "7"), ("default", "7"), ("banana", None),
     ("the visa one", "7"), ("the mastercard one", "8"), ("the second one", "8"),
     ("the last one", NEW_CARD), ("send me a link", NEW_CARD)],
)
def test_choose_method(text: str, expected: str | None) -> None:
    methods = FakeBackend().answers["payment_methods"]
    assert choose_method(text, methods, affirmed=text == "default").chosen == expected


async def test_payment_method_answer_is_validated_against_saved_methods() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(
        ValidatePayBillForm(client=backend), text="2", intent="rate",
        requested_slot="payment_method", active_loop=FORM, slots={"payment_amount": "42.50"},
    )
    assert slot_events(events)["payment_method"] == "8"


async def test_yes_fills_the_confirmation_and_no_is_left_to_the_stop_rule() -> None:
    backend = FakeBackend(verified=True)
    slots = {"payment_amount": "42.50", "payment_method": "7"}
    events, _ = await run(ValidatePayBillForm(client=backend), text="yes", intent="affirm",
                          requested_slot="confirm", active_loop=FORM, slots=slots)
    assert slot_events(events)["confirm"] is True
    events, _ = await run(ValidatePayBillForm(client=backend), text="no", intent="deny",
                          requested_slot="confirm", active_loop=FORM, slots=slots)
    assert "confirm" not in slot_events(events)


async def test_ask_amount_states_the_balance_and_due_date() -> None:
    _, dispatcher = await run(ActionAskPaymentAmount(client=FakeBackend(verified=True)))
    assert responses(dispatcher) == ["utter_ask_payment_amount"]
    assert "$42.50" in text(dispatcher)
    assert "December 5, 2026" in text(dispatcher)


async def test_ask_method_lists_saved_cards_and_the_secure_link() -> None:
    _, dispatcher = await run(ActionAskPaymentMethod(client=FakeBackend(verified=True)))
    assert buttons(dispatcher) == [
        ("Visa ending 4242 (default)", "1"),
        ("Mastercard ending 4444", "2"),
        ("A new card, through a secure payment link", "3"),
    ]


async def test_confirmation_restates_amount_and_method() -> None:
    _, dispatcher = await run(
        ActionAskPayBillConfirm(client=FakeBackend(verified=True)),
        slots={"payment_amount": "25.00", "payment_method": "7"},
    )
    assert responses(dispatcher) == ["utter_confirm_payment"]
    assert "$25.00" in text(dispatcher)
    assert "Visa ending 4242" in text(dispatcher)


CONFIRMED = {"payment_amount": "42.50", "payment_method": "7", "confirm": True}


async def test_confirmed_payment_is_made_once_with_a_receipt() -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await run(ActionPayBill(client=backend), text="yes", intent="affirm",
                                   slots=CONFIRMED)
    (call,) = backend.called("pay")
    assert call[1:4] == ("tok-1", Decimal("42.50"), "7")
    assert responses(dispatcher) == ["utter_payment_done", "utter_ask_rating"]
    assert "PAY-1" in text(dispatcher)
    assert "$42.50" in text(dispatcher)
    assert events == CLEARED + RATING


async def test_same_yes_gives_the_same_idempotency_key_and_a_new_yes_a_new_one() -> None:
    backend = FakeBackend(verified=True)
    await run(ActionPayBill(client=backend), text="yes", intent="affirm", slots=CONFIRMED)
    await run(ActionPayBill(client=backend), text="yes", intent="affirm", slots=CONFIRMED)
    await run(ActionPayBill(client=backend), text="yes", intent="affirm", slots=CONFIRMED,
              timestamp=1_700_000_999.0)
    keys = [call[4] for call in backend.called("pay")]
    assert keys[0] == keys[1]
    assert keys[2] != keys[0]


async def test_new_card_gets_a_secure_link_and_no_charge() -> None:
    backend = FakeBackend(verified=True)
    _, dispatcher = await run(
        ActionPayBill(client=backend), text="yes", intent="affirm",
        slots={**CONFIRMED, "payment_method": NEW_CARD},
    )
    assert backend.called("pay") == []
    assert backend.called("payment_link") == [("payment_link", "tok-1", Decimal("42.50"))]
    assert responses(dispatcher)[0] == "utter_payment_link"
    assert "http://127.0.0.1:8000/pay/abc" in text(dispatcher)


@pytest.mark.parametrize(
    ("error", "response"),
    [
        (refused(402, "card_declined"), "utter_payment_declined"),
        (refused(402, "insufficient_funds"), "utter_payment_declined"),
        (BackendUnavailable("status 502", code="payment_failed", status=502),
         "utter_payment_declined"),
        (unavailable(), "utter_payment_unknown"),
        (BackendUnavailable("status 504", code="payment_gateway_timeout", status=504),
         "utter_payment_unknown"),
        (refused(422, "amount_exceeds_balance", balance="30.00"), "utter_payment_amount_too_high"),
        (refused(409, "no_balance_due"), "utter_nothing_to_pay"),
        (refused(404, "payment_method_not_found"), "utter_payment_refused"),
    ],
)
async def test_declines_and_timeouts_are_explained_without_rating(
    error: Exception, response: str
) -> None:
    backend = FakeBackend(verified=True)
    backend.fail["pay"] = error
    events, dispatcher = await run(ActionPayBill(client=backend), text="yes", intent="affirm",
                                   slots=CONFIRMED)
    assert responses(dispatcher) == [response]
    assert events == CLEARED
    assert "internal detail" not in str(dispatcher.messages)


async def test_unconfirmed_payment_is_never_made() -> None:
    backend = FakeBackend(verified=True)
    _, dispatcher = await run(ActionPayBill(client=backend),
                              slots={**CONFIRMED, "confirm": None})
    assert backend.called("pay") == []
    assert responses(dispatcher) == ["utter_task_stopped"]


async def test_nothing_due_submit_says_so() -> None:
    backend = FakeBackend(verified=True)
    _, dispatcher = await run(ActionPayBill(client=backend))
    assert responses(dispatcher) == ["utter_nothing_to_pay"]
    assert backend.called("pay") == []


async def test_payment_history_lists_recent_payments() -> None:
    from actions.models import Payment

    backend = FakeBackend(verified=True)
    backend.answers["payments"] = [
        Payment.parse_obj({"reference": "PAY-9", "amount": "20.00", "status": "succeeded",
                           "created_at": "2026-11-03T10:00:00Z",
                           "method": {"brand": "Visa", "last4": "4242"}}),
    ]
    _, dispatcher = await run(ActionPaymentHistory(client=backend))
    assert responses(dispatcher) == ["utter_payment_history", "utter_ask_rating"]
    assert (
        "- November 3, 2026: $20.00 by Visa ending 4242 (succeeded, reference PAY-9)"
    ) in text(dispatcher)


async def test_payment_history_empty() -> None:
    _, dispatcher = await run(ActionPaymentHistory(client=FakeBackend(verified=True)))
    assert responses(dispatcher) == ["utter_no_payments", "utter_ask_rating"]


async def test_expired_session_at_submit_forgets_the_confirmation() -> None:
    backend = FakeBackend(verified=False)
    events, dispatcher = await run(ActionPayBill(client=backend), text="yes", intent="affirm",
                                   slots=CONFIRMED)
    assert backend.called("pay") == []
    assert responses(dispatcher) == ["utter_session_expired"]
    assert SlotSet("confirm", None) in events
    assert SlotSet("payment_amount", None) in events


async def test_ask_action_failure_keeps_the_answers_given_so_far() -> None:
    backend = FakeBackend(verified=True)
    backend.fail["payment_methods"] = unavailable()
    events, dispatcher = await run(ActionAskPaymentMethod(client=backend),
                                   slots={"payment_amount": "42.50"})
    assert events == []
    assert responses(dispatcher) == ["utter_backend_unavailable"]


def opened_with(text: str, entities: list | None = None) -> dict:
    return {"event": "user", "text": text,
            "parse_data": {"text": text, "intent": {"name": "pay_bill"},
                           "entities": entities or []}}


@pytest.mark.parametrize(
    ("opening", "amount"),
    [("hiya can i pay 20 bucks off my bill pls", "20.00"),
     ("pay twenty bucks of my bill", "20.00"),
     ("i want to pay $15.50", "15.50")],
)
async def test_an_amount_said_before_verification_is_taken_once_verified(
    opening: str, amount: str
) -> None:
    backend = FakeBackend(verified=False)
    events, _ = await run(
        ValidatePayBillForm(client=backend), text="482913", intent="inform",
        requested_slot="otp_code", active_loop=FORM,
        slots={"identifier": "2025550101", "verification_id": "v-1"},
        earlier_events=[opened_with(opening)],
    )
    assert slot_events(events)["payment_amount"] == amount


async def test_an_account_number_in_the_opening_is_no_amount() -> None:
    backend = FakeBackend(verified=False)
    events, _ = await run(
        ValidatePayBillForm(client=backend), text="482913", intent="inform",
        requested_slot="otp_code", active_loop=FORM,
        slots={"identifier": "AC10000001", "verification_id": "v-1"},
        earlier_events=[opened_with("pay my bill for AC10000001")],
    )
    assert "payment_amount" not in slot_events(events)


async def test_a_new_amount_at_the_confirmation_replaces_the_old_and_is_confirmed_again() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(
        ValidatePayBillForm(client=backend), text="actually make it 15 instead",
        intent="inform", requested_slot="confirm", active_loop=FORM,
        slots={"payment_amount": "20.00", "payment_method": "7"},
    )
    slots = slot_events(events)
    assert (slots["payment_amount"], slots["confirm"]) == ("15.00", None)


async def test_the_other_card_at_the_confirmation_switches_card_and_asks_again() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(
        ValidatePayBillForm(client=backend), text="no wait, the other card", intent="deny",
        requested_slot="confirm", active_loop=FORM,
        slots={"payment_amount": "20.00", "payment_method": "7"},
    )
    slots = slot_events(events)
    assert (slots["payment_method"], slots["confirm"]) == ("8", None)


async def test_yes_at_the_confirmation_changes_nothing_but_the_confirmation() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(
        ValidatePayBillForm(client=backend), text="yes pay the 20", intent="affirm",
        requested_slot="confirm", active_loop=FORM,
        slots={"payment_amount": "20.00", "payment_method": "7"},
    )
    slots = slot_events(events)
    assert slots.get("confirm") is True and "payment_amount" not in slots


async def test_an_amount_and_a_card_in_one_message_are_both_taken() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(
        ValidatePayBillForm(client=backend), text="$20 with my visa", intent="inform",
        requested_slot="payment_amount", active_loop=FORM,
    )
    slots = slot_events(events)
    assert (slots["payment_amount"], slots["payment_method"]) == ("20.00", "7")


async def test_pay_the_whole_thing_with_my_visa_needs_no_more_questions_but_the_yes() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(
        ValidatePayBillForm(client=backend), text="ugh fine pay the whole thing with my visa",
        intent="pay_bill", active_loop=FORM,
    )
    slots = slot_events(events)
    assert (slots["payment_amount"], slots["payment_method"]) == ("42.50", "7")


async def test_a_new_amount_while_asked_how_to_pay_replaces_the_amount() -> None:
    backend = FakeBackend(verified=True)
    events, _ = await run(
        ValidatePayBillForm(client=backend), text="actually just 15, sorry", intent="deny",
        requested_slot="payment_method", active_loop=FORM, slots={"payment_amount": "20.00"},
    )
    assert slot_events(events)["payment_amount"] == "15.00"


async def test_the_way_to_pay_is_asked_with_the_amount_already_given() -> None:
    backend = FakeBackend(verified=True)
    _, dispatcher = await run(ActionAskPaymentMethod(client=backend),
                              slots={"payment_amount": "20.00"})
    assert responses(dispatcher) == ["utter_ask_payment_method_for"]
    assert "$20.00" in text(dispatcher)
