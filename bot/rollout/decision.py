"""In or out: a customer is served on a channel iff the channel is enabled AND
(the customer is on the allow-list OR their bucket is below the percentage)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.rollout.hashing import bucket, threshold

ALLOW_LIST = "allow_list"
PERCENTAGE = "percentage"
CHANNEL_DISABLED = "channel_disabled"
NOT_SELECTED = "not_selected"


@dataclass(frozen=True)
class Decision:
    served: bool
    reason: str  # allow_list | percentage | channel_disabled | not_selected


def decide(
    *, enabled: bool, allow_listed: bool, account_number: str, percentage: Decimal, salt: str
) -> Decision:
    """The pure rule (no database): the decision table in docs/rollout.md."""
    if not enabled:
        return Decision(False, CHANNEL_DISABLED)
    if allow_listed:
        return Decision(True, ALLOW_LIST)
    if bucket(account_number, salt) < threshold(percentage):
        return Decision(True, PERCENTAGE)
    return Decision(False, NOT_SELECTED)
