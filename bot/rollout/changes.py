"""Operator changes to the rollout, each one audited (who, when, what, before -> after).

Every function validates first and writes nothing when the input is refused
(``DomainError``); a change that changes nothing writes no audit row either.
The caller commits.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Customer
from bot.rollout.channels import ROLLOUT_CHANNELS
from bot.rollout.config import ChannelConfig, channel_config
from bot.rollout.models import HUNDREDTH, RolloutChange, RolloutChannel
from bot.services.errors import DomainError
from bot.settings import Settings

ACCOUNT_RE = re.compile(r"^AC\d{8}$")
MAX_ACTOR = 64


def parse_percentage(raw: Any) -> Decimal:
    """0-100 with at most two decimals, else a 422 ``invalid_percentage``."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value > 100 or value != value.quantize(HUNDREDTH):
        raise DomainError(
            422,
            "invalid_percentage",
            f"The percentage must be a number from 0 to 100 with at most two decimals, "
            f"not {str(raw)[:20]!r}.",
        )
    return value.quantize(HUNDREDTH)


def check_channel(channel: str) -> str:
    if channel not in ROLLOUT_CHANNELS:
        raise DomainError(
            422,
            "invalid_channel",
            f"Unknown channel {channel[:32]!r}; use one of {', '.join(ROLLOUT_CHANNELS)}.",
        )
    return channel


def _audit(
    db: Session, *, now: datetime, actor: str, action: str, target: str,
    before: dict[str, Any], after: dict[str, Any],
) -> None:
    db.add(
        RolloutChange(
            created_at=now,
            actor=actor[:MAX_ACTOR],
            action=action,
            target=target,
            before=json.dumps(before, sort_keys=True),
            after=json.dumps(after, sort_keys=True),
        )
    )


def set_channel(
    db: Session,
    settings: Settings,
    *,
    channel: str,
    actor: str,
    now: datetime,
    enabled: Optional[bool] = None,
    percentage: Optional[Any] = None,
) -> ChannelConfig:
    """Switch a channel and/or set its percentage; returns the configuration after."""
    check_channel(channel)
    new_percentage = None if percentage is None else parse_percentage(percentage)
    before = channel_config(db, settings, channel)
    after = ChannelConfig(
        channel,
        before.enabled if enabled is None else bool(enabled),
        before.percentage if new_percentage is None else new_percentage,
        False,
    )
    if after.as_dict() == before.as_dict() and not before.default:
        return before
    row = db.get(RolloutChannel, channel)
    if row is None:
        row = RolloutChannel(channel=channel)
        db.add(row)
    row.enabled = after.enabled
    row.percentage = after.percentage
    row.updated_at = now
    row.updated_by = actor[:MAX_ACTOR]
    _audit(db, now=now, actor=actor, action="channel_set", target=channel,
           before=before.as_dict(), after=after.as_dict())
    return after


def _customer(db: Session, account_number: str) -> Customer:
    account = re.sub(r"[\s-]", "", account_number or "").upper()
    if not ACCOUNT_RE.match(account):
        raise DomainError(
            422, "invalid_account_number", "An account number is AC followed by 8 digits."
        )
    customer = db.execute(
        select(Customer).where(Customer.account_number == account)
    ).scalar_one_or_none()
    if customer is None:
        raise DomainError(404, "customer_not_found", f"There is no account {account}.")
    return customer


def set_allowed(
    db: Session, *, account_number: str, allowed: bool, actor: str, now: datetime
) -> bool:
    """Put a customer on the allow-list (the pilot group) or take them off.

    Returns whether anything changed.
    """
    customer = _customer(db, account_number)
    if bool(customer.pilot) == allowed:
        return False
    _audit(db, now=now, actor=actor, action="allow" if allowed else "disallow",
           target=str(customer.account_number),
           before={"allow_list": bool(customer.pilot)}, after={"allow_list": allowed})
    customer.pilot = allowed
    return True


def recent_changes(db: Session, limit: int = 50) -> list[RolloutChange]:
    return list(
        db.execute(
            select(RolloutChange)
            .order_by(RolloutChange.created_at.desc(), RolloutChange.id.desc())
            .limit(limit)
        ).scalars()
    )
