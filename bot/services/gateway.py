"""The payment gateway interface and the demo gateway with documented test tokens.

| token                          | outcome                                  |
|--------------------------------|------------------------------------------|
| ``tok_demo_approve``           | succeeded                                |
| ``tok_demo_decline``           | declined, ``card_declined``              |
| ``tok_demo_insufficient_funds``| declined, ``insufficient_funds``         |
| ``tok_demo_timeout``           | the gateway does not answer in time      |
| anything else                  | failed, ``unknown_payment_method``       |

A real provider implements :class:`PaymentGateway` and receives the idempotency key,
so even a retry after a crash cannot charge twice at the provider.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional, Protocol

from bot.services.secrets_util import sha256_hex

APPROVE = "tok_demo_approve"
DECLINE = "tok_demo_decline"
INSUFFICIENT_FUNDS = "tok_demo_insufficient_funds"
TIMEOUT = "tok_demo_timeout"


class GatewayTimeout(Exception):
    """The gateway did not answer: the outcome is unknown."""


@dataclass(frozen=True)
class ChargeResult:
    status: str  # succeeded | declined | failed
    reference: Optional[str]
    failure_code: Optional[str] = None


class PaymentGateway(Protocol):
    def charge(
        self, *, token: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ChargeResult: ...


class DemoGateway:
    """Deterministic outcomes by token; remembers charges by idempotency key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.charges: dict[str, ChargeResult] = {}
        self.calls = 0

    def charge(
        self, *, token: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ChargeResult:
        with self._lock:
            self.calls += 1
            if idempotency_key in self.charges:
                return self.charges[idempotency_key]
            if token == TIMEOUT:
                raise GatewayTimeout("the demo gateway timed out")
            reference = "demo_ch_" + sha256_hex(f"{idempotency_key}:{amount}:{currency}")[:20]
            if token == APPROVE:
                result = ChargeResult("succeeded", reference)
            elif token == DECLINE:
                result = ChargeResult("declined", reference, "card_declined")
            elif token == INSUFFICIENT_FUNDS:
                result = ChargeResult("declined", reference, "insufficient_funds")
            else:
                result = ChargeResult("failed", None, "unknown_payment_method")
            self.charges[idempotency_key] = result
            return result

    @property
    def succeeded(self) -> int:
        return sum(1 for r in self.charges.values() if r.status == "succeeded")


def make_gateway(name: str) -> PaymentGateway:
    if name == "demo":
        return DemoGateway()
    raise ValueError(f"unknown payment gateway {name!r}: only 'demo' is built in")
