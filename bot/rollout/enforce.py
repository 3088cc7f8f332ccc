"""The rollout check at identity verification: refused before any code is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import Customer
from bot.rollout import refusals
from bot.rollout.channels import rollout_channel
from bot.rollout.config import channel_config
from bot.rollout.decision import Decision, decide
from bot.services.errors import DomainError
from bot.settings import Settings

DEMO_SALT = "demo-rollout-salt-change-me"


def salt(settings: Settings) -> str:
    """The hash key; empty (e.g. a copied .env.example) means the demo default."""
    return settings.rollout_salt.get_secret_value() or DEMO_SALT


def decision_for(db: Session, settings: Settings, customer: Customer, channel: str) -> Decision:
    """The decision for a customer on a conversation's input channel (config read now)."""
    config = channel_config(db, settings, rollout_channel(channel))
    return decide(
        enabled=config.enabled,
        allow_listed=bool(customer.pilot),
        account_number=str(customer.account_number),
        percentage=config.percentage,
        salt=salt(settings),
    )


def refused(settings: Settings, reason: str) -> DomainError:
    """403 ``not_in_rollout`` with where to go instead (portal, or a person by phone)."""
    return DomainError(
        403,
        "not_in_rollout",
        "The assistant does not serve this account on this channel yet.",
        reason=reason,
        portal_url=str(settings.rollout_portal_url),
        support_phone=settings.rollout_support_phone,
    )


def check_served(
    db: Session, settings: Settings, customer: Customer, *, channel: str, now: datetime
) -> None:
    """Raise 403 ``not_in_rollout`` when the customer is outside the rollout.

    The refusal is counted and committed first: the failing request commits nothing else
    (nothing was written before this check).
    """
    decision = decision_for(db, settings, customer, channel)
    if decision.served:
        return
    refusals.record(db, day=now.date(), channel=rollout_channel(channel), reason=decision.reason)
    db.commit()
    raise refused(settings, decision.reason)
