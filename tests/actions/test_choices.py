"""Which listed option a reply means: position, name, attribute; never the first by default."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actions.choices import Choice, position, resolve, spoken_list


def plans() -> list[Choice[str]]:
    return [
        Choice("BASIC5", ("Basic 5 GB", "basic"), Decimal("25.00"), Decimal(5)),
        Choice("PLUS20", ("Plus 20 GB", "plus"), Decimal("40.00"), Decimal(20)),
        Choice("MAX", ("Unlimited Max", "unlimited", "max"), Decimal("65.00"), unlimited=True),
        Choice("HOME300", ("Home Fiber 300", "home fiber", "fiber"), Decimal("55.00")),
    ]


def cards() -> list[Choice[str]]:
    return [
        Choice("pm-1", ("Mastercard", "0002", "mastercard 0002")),
        Choice("pm-2", ("Visa", "9995", "visa 9995")),
    ]


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("the unlimited one", "MAX"),
        ("unlimted pls", "MAX"),
        ("Unlimited Max", "MAX"),
        ("the 20 gig one", "PLUS20"),
        ("20gb", "PLUS20"),
        ("plus", "PLUS20"),
        ("the cheapest", "BASIC5"),
        ("cheapest one please", "BASIC5"),
        ("the most expensive", "MAX"),
        ("the one with the most data", "MAX"),
        ("fiber", "HOME300"),
        ("2", "PLUS20"),
        ("#3", "MAX"),
        ("option 4", "HOME300"),
        ("the 2nd one", "PLUS20"),
        ("second", "PLUS20"),
        ("number two", "PLUS20"),
        ("one", "BASIC5"),
        ("the last one", "HOME300"),
        ("basic", "BASIC5"),
    ],
)
def test_a_plan_is_picked_by_position_name_or_attribute(said: str, meant: str) -> None:
    assert resolve(said, plans()).chosen == meant


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("the visa one", "pm-2"),
        ("the visa", "pm-2"),
        ("card ending 9995", "pm-2"),
        ("9995", "pm-2"),
        ("mastercard", "pm-1"),
        ("the master card", "pm-1"),
        ("1", "pm-1"),
        ("the second card", "pm-2"),
    ],
)
def test_a_card_is_picked_by_brand_digits_or_position(said: str, meant: str) -> None:
    assert resolve(said, cards()).chosen == meant


@pytest.mark.parametrize("said", ["the red one", "whatever", "the 7th", "9", "amex"])
def test_nothing_listed_matches_and_nothing_is_chosen(said: str) -> None:
    found = resolve(said, plans() if "amex" not in said else cards())
    assert found.chosen is None and not found.ambiguous


def test_two_cards_of_one_brand_are_asked_about_not_guessed() -> None:
    two_visas = [Choice("a", ("Visa", "4242")), Choice("b", ("Visa", "1881"))]
    found = resolve("the visa", two_visas)
    assert found.chosen is None and found.ambiguous and found.candidates == ["a", "b"]
    assert resolve("the visa ending 1881", two_visas).chosen == "b"


def test_the_other_one_means_the_option_not_tried_yet() -> None:
    assert resolve("try the other card", cards(), previous="pm-1").chosen == "pm-2"
    assert resolve("the other one", cards()).chosen is None


def test_the_word_one_inside_a_reply_is_not_a_position() -> None:
    assert position("the unlimited one", 4) is None
    assert position("the visa one", 2) is None
    assert position("one", 4) == 0


def test_options_are_named_in_a_readable_list() -> None:
    assert spoken_list(["Visa 4242", "Visa 1881"]) == "Visa 4242 or Visa 1881"
    assert spoken_list(["a", "b", "c"]) == "a, b or c"


@pytest.mark.parametrize(
    ("text", "count", "index"),
    [("2", 3, 1), ("#1", 3, 0), ("option 3", 3, 2), ("the second one", 3, 1), ("4", 3, None),
     ("none", 3, None), ("2.", 3, 1), ("no. 3", 3, 2), ("the last one", 3, 2)],
)
def test_a_position_is_read_in_the_usual_forms(text: str, count: int, index: int | None) -> None:
    assert position(text, count) == index
