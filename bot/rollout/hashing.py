"""The stable bucket of a customer: a keyed hash of the account number, 0..9999.

A customer is in the percentage rollout when ``bucket < percentage * 100``. The bucket
depends only on the account number and the salt, so raising the percentage only adds
customers and nobody flips in and out. Changing the salt reshuffles everyone.
"""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal

BUCKETS = 10_000


def bucket(account_number: str, salt: str) -> int:
    """HMAC-SHA256(salt, account number), first 8 bytes, modulo 10,000."""
    digest = hmac.new(
        salt.encode("utf-8"), account_number.strip().upper().encode("utf-8"), hashlib.sha256
    ).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def threshold(percentage: Decimal) -> int:
    """Buckets below this are in: 12.5 % -> 1250; 0 -> nobody; 100 -> everybody."""
    return int((Decimal(percentage) * 100).to_integral_value())


def in_percentage(account_number: str, salt: str, percentage: Decimal) -> bool:
    return bucket(account_number, salt) < threshold(percentage)
