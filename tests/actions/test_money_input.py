"""The payment form's card check is the shared detector: it warns exactly where the store masks.

Until issue 6 the form had its own, broader check (any 13-19 digits, no Luhn): it
warned about numbers the conversation store then kept unmasked, and the two could drift.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.money_input import looks_like_card_number
from actions.payments import ValidatePayBillForm
from bot.redaction import mask_card_numbers
from sensitive.cards import contains_card_number
from tests.actions.factories import FakeBackend, responses, run, slot_events
from tests.fuzzing import examples

FORM = "pay_bill_form"


@pytest.mark.parametrize(
    "text",
    [
        "4242 4242 4242 4242",
        "4111-1111-1111-1111",
        "my card is 4111111111111111 exp 12/29",
        "41111111111111117391",  # a CVV glued to the card
        "amex 3782 822463 10005",
    ],
)
@pytest.mark.parametrize("slot", ["payment_amount", "payment_method"])
async def test_a_card_number_as_an_amount_or_a_method_gets_the_warning_and_is_not_taken(
    text: str, slot: str
) -> None:
    backend = FakeBackend(verified=True)
    events, dispatcher = await run(
        ValidatePayBillForm(client=backend), text=text, intent="inform",
        requested_slot=slot, active_loop=FORM,
    )
    assert responses(dispatcher) == ["utter_no_card_in_chat"]
    assert slot_events(events)[slot] is None
    assert backend.called("pay") == backend.called("payment_link") == []
    assert mask_card_numbers(text) != text, "the store masks what the form warned about"


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 -abAC$.,/"), max_size=60))
def test_the_payment_form_warns_exactly_when_the_store_masks(text: str) -> None:
    assert looks_like_card_number(text) == contains_card_number(text)
    assert looks_like_card_number(text) == (mask_card_numbers(text) != text)


@pytest.mark.parametrize(
    "text",
    [
        "4242 4242 4242 4241",  # Luhn-invalid: a slip, not a card number
        "card4111111111111111",  # glued to a word, like AC10000001 or SR-100234
    ],
)
def test_pinned_what_the_old_broader_check_warned_about_and_the_store_never_masked(
    text: str,
) -> None:
    assert not looks_like_card_number(text)
    assert mask_card_numbers(text) == text


async def test_a_mistyped_card_number_as_the_amount_is_refused_as_too_high() -> None:
    backend = FakeBackend(verified=True)  # balance $42.50
    events, dispatcher = await run(
        ValidatePayBillForm(client=backend), text="4242 4242 4242 4241", intent="inform",
        requested_slot="payment_amount", active_loop=FORM,
    )
    assert responses(dispatcher) == ["utter_payment_amount_too_high"]
    assert slot_events(events)["payment_amount"] is None
    assert backend.called("pay") == []


@pytest.mark.parametrize("text", ["$42.50", "1,200.00", "40", "AC10000001", "+1 202 555 0101"])
def test_amounts_and_identifiers_are_not_cards(text: str) -> None:
    assert not looks_like_card_number(text)
