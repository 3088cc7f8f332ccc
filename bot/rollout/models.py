"""Rollout tables: per-channel configuration, the audit of changes, refusal counts.

The allow-list is ``customers.pilot`` (the pilot group): no table of its own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

from bot.db.base import Base
from bot.db.types import UTCDateTime

HUNDREDTH = Decimal("0.01")


class Percentage(TypeDecorator):
    """``Numeric(5, 2)`` handing back a ``Decimal`` with two places (0.00-100.00)."""

    impl = Numeric(5, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "sqlite":  # no decimal type: exact once rounded to 2 places
            return dialect.type_descriptor(Numeric(5, 2, asdecimal=False))
        return dialect.type_descriptor(Numeric(5, 2))

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        amount = Decimal(str(value)).quantize(HUNDREDTH)
        return float(amount) if dialect.name == "sqlite" else amount

    def process_result_value(self, value: Any, dialect: Any) -> Optional[Decimal]:
        return None if value is None else Decimal(str(value)).quantize(HUNDREDTH)


class RolloutChannel(Base):
    """One rollout channel's switch and percentage; a missing row means the defaults."""

    __tablename__ = "rollout_channels"

    channel = Column(String(32), primary_key=True)
    enabled = Column(Boolean, nullable=False)
    percentage = Column(Percentage, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)
    updated_by = Column(String(64), nullable=False)


class RolloutChange(Base):
    """The audit of every rollout change: who, when, what, before and after (JSON)."""

    __tablename__ = "rollout_changes"
    __table_args__ = (Index("ix_rollout_changes_created", "created_at"),)

    id = Column(Integer, primary_key=True)
    created_at = Column(UTCDateTime, nullable=False)
    actor = Column(String(64), nullable=False)
    action = Column(String(24), nullable=False)  # channel_set | allow | disallow
    target = Column(String(32), nullable=False)  # a channel or an account number
    before = Column(Text, nullable=False)
    after = Column(Text, nullable=False)


class RolloutRefusal(Base):
    """How many verifications (or sessions) a channel turned away on a day, and why."""

    __tablename__ = "rollout_refusals"
    __table_args__ = (
        UniqueConstraint("day", "channel", "reason", name="uq_rollout_refusals_day_channel"),
    )

    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False)
    channel = Column(String(32), nullable=False)
    reason = Column(String(24), nullable=False)  # not_selected | channel_disabled
    count = Column(Integer, nullable=False)
