"""Input validators: amounts, e-mail, postcodes, addresses."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.validation import (
    normalise_address,
    normalise_email,
    normalise_postcode,
    parse_amount,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("42.50", "42.50"), ("42.5", "42.50"), (7, "7.00"), (" 1 ", "1.00"), (12.25, "12.25")],
)
def test_good_amounts(raw: object, expected: str) -> None:
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "raw", ["0", "-1", "0.001", "1e999999", "NaN", "Infinity", "", "abc", None, True, "100000000"]
)
def test_bad_amounts(raw: object) -> None:
    with pytest.raises(ValueError, match="amount"):
        parse_amount(raw)


@given(st.text(max_size=30))
def test_amount_parser_only_raises_value_error(raw: str) -> None:
    try:
        amount = parse_amount(raw)
    except ValueError:
        return
    assert amount > 0 and amount == amount.quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Ann@Example.COM", "Ann@example.com"), (" a.b+c@mail.co.uk ", "a.b+c@mail.co.uk")],
)
def test_good_emails(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "plain",
        "a@b",
        "a@@b.com",
        "a..b@x.com",
        ".a@x.com",
        "a@-x.com",
        "a@x.c",
        "a b@x.com",
        "a@x.123",
        "x" * 65 + "@example.com",
    ],
)
def test_bad_emails(raw: str) -> None:
    with pytest.raises(ValueError):
        normalise_email(raw)


def test_postcodes_and_addresses() -> None:
    assert normalise_postcode("20001") == "20001"
    assert normalise_postcode("20001-1234") == "20001"
    for bad in ("2000", "ABCDE", "200011"):
        with pytest.raises(ValueError):
            normalise_postcode(bad)
    assert normalise_address("  12   Oak St ") == "12 Oak St"
    for bad in ("1", "12345", "x" * 201):
        with pytest.raises(ValueError):
            normalise_address(bad)
