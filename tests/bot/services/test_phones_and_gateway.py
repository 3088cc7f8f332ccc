"""Phone parsing and masking; the demo gateway's documented test tokens."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.services.gateway import DemoGateway, GatewayTimeout
from bot.services.phones import mask, to_e164


@pytest.mark.parametrize(
    "raw", ["+1 202 555 0101", "(202) 555-0101", "202.555.0101", "2025550101", "+12025550101"]
)
def test_common_formats_parse_to_e164(raw: str) -> None:
    assert to_e164(raw) == "+12025550101"


@pytest.mark.parametrize("raw", ["", "12345", "hello", "+1 000 000 0000", "9" * 40])
def test_invalid_numbers(raw: str) -> None:
    assert to_e164(raw) is None


def test_mask_shows_country_and_last_four_only() -> None:
    assert mask("+12025550101") == "+1 ••• ••• 0101"
    assert mask("+447700900123") == "+44 ••• ••• 0123"


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        ("tok_demo_approve", "succeeded", None),
        ("tok_demo_decline", "declined", "card_declined"),
        ("tok_demo_insufficient_funds", "declined", "insufficient_funds"),
        ("tok_other", "failed", "unknown_payment_method"),
    ],
)
def test_demo_gateway_outcomes(token: str, status: str, code: str | None) -> None:
    gateway = DemoGateway()
    result = gateway.charge(
        token=token, amount=Decimal("5.00"), currency="USD", idempotency_key="k"
    )
    assert (result.status, result.failure_code) == (status, code)


def test_demo_gateway_timeout_and_idempotency() -> None:
    gateway = DemoGateway()
    with pytest.raises(GatewayTimeout):
        gateway.charge(
            token="tok_demo_timeout", amount=Decimal("1.00"), currency="USD", idempotency_key="t"
        )
    first = gateway.charge(
        token="tok_demo_approve", amount=Decimal("1.00"), currency="USD", idempotency_key="a"
    )
    again = gateway.charge(
        token="tok_demo_approve", amount=Decimal("1.00"), currency="USD", idempotency_key="a"
    )
    assert first == again and gateway.succeeded == 1 and gateway.calls == 3
