"""Reading the rollout configuration: straight from the database on every decision.

No cache: a decision is one primary-key lookup (once per verification or session
start), so an operator's change applies to the very next request, without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rollout.channels import ROLLOUT_CHANNELS
from bot.rollout.models import HUNDREDTH, RolloutChannel
from bot.settings import Settings


@dataclass(frozen=True)
class ChannelConfig:
    channel: str
    enabled: bool
    percentage: Decimal
    default: bool  # True when no operator has set this channel yet

    def as_dict(self) -> dict[str, object]:
        return {"enabled": self.enabled, "percentage": str(self.percentage)}


def default_config(settings: Settings, channel: str) -> ChannelConfig:
    """A channel nobody configured: enabled, at the default percentage (0: pilot only)."""
    percentage = Decimal(settings.rollout_default_percentage).quantize(HUNDREDTH)
    return ChannelConfig(channel, True, percentage, True)


def _from_row(row: RolloutChannel) -> ChannelConfig:
    return ChannelConfig(str(row.channel), bool(row.enabled), row.percentage, False)


def channel_config(db: Session, settings: Settings, channel: str) -> ChannelConfig:
    row = db.get(RolloutChannel, channel, populate_existing=True)
    return default_config(settings, channel) if row is None else _from_row(row)


def all_channels(db: Session, settings: Settings) -> list[ChannelConfig]:
    rows = {r.channel: r for r in db.execute(select(RolloutChannel)).scalars()}
    return [
        _from_row(rows[name]) if name in rows else default_config(settings, name)
        for name in ROLLOUT_CHANNELS
    ]
