"""The one card-number detector: the store masks exactly what the assistant warns about."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.redaction import mask_card_numbers
from sensitive.cards import contains_card_number, luhn_valid
from tests.fuzzing import examples


@pytest.mark.parametrize(
    "text",
    [
        "my card number is 4111 1111 1111 1111",
        "4111 1111 1111 1111 exp 12/29 the cvv is 7391",
        "can you charge 5555-5555-5555-4444",
        "4111111111111111",
        "amex 3782 822463 10005 please",
        "41111111111111117391",  # a CVV glued to the card
    ],
)
def test_card_numbers_in_any_spacing_are_found(text: str) -> None:
    assert contains_card_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # not Luhn-valid
        "my account is AC10000001",
        "call me on +1 202 555 0101",
        "ticket SR-100234",
        "pay $1,200.00 on 12/29",
        "482913",
        "",
    ],
)
def test_ordinary_numbers_are_not_cards(text: str) -> None:
    assert not contains_card_number(text)


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("")


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 -abAC$.,/"), max_size=60))
def test_the_assistant_warns_exactly_when_the_store_masks(text: str) -> None:
    assert contains_card_number(text) == (mask_card_numbers(text) != text)
