"""Customers (one account each), the plan and add-on catalogue, plan changes, usage."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from bot.db.base import Base
from bot.db.types import Money, UTCDateTime

CUSTOMER_STATUSES = ("active", "suspended", "closed")


class Plan(Base):
    __tablename__ = "plans"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(80), nullable=False)
    kind = Column(String(8), nullable=False, default="plan")  # plan | addon
    monthly_price = Column(Money, nullable=False)
    data_gb = Column(Integer, nullable=True)  # None: unlimited
    minutes = Column(Integer, nullable=True)
    texts = Column(Integer, nullable=True)
    available = Column(Boolean, nullable=False, default=True)


class Customer(Base):
    """A customer and their (single) account."""

    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    account_number = Column(String(10), nullable=False, unique=True)
    first_name = Column(String(80), nullable=False)
    last_name = Column(String(80), nullable=False)
    phone = Column(String(20), nullable=False, index=True)  # E.164
    email = Column(String(254), nullable=True)
    address = Column(String(200), nullable=False)
    postcode = Column(String(10), nullable=False, index=True)
    status = Column(String(12), nullable=False, default="active")
    plan_id = Column(Integer, ForeignKey("plans.id"), nullable=False)
    contract_end_date = Column(Date, nullable=True)
    pilot = Column(Boolean, nullable=False, default=False)
    created_at = Column(UTCDateTime, nullable=False)

    plan: Plan = relationship(Plan, lazy="joined")

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PlanChange(Base):
    """A change of plan: ``scheduled`` until its effective date, then ``applied`` (or
    ``cancelled`` by the customer before it); ``decided_at`` is when either happened."""

    __tablename__ = "plan_changes"
    __table_args__ = (Index("ix_plan_changes_customer_status", "customer_id", "status"),)

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    from_plan_id = Column(Integer, ForeignKey("plans.id"), nullable=False)
    to_plan_id = Column(Integer, ForeignKey("plans.id"), nullable=False)
    effective_date = Column(Date, nullable=False)
    price_difference = Column(Money, nullable=False)
    channel = Column(String(32), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    status = Column(String(12), nullable=False, default="scheduled", server_default="applied")
    decided_at = Column(UTCDateTime, nullable=True)

    to_plan: Plan = relationship(Plan, foreign_keys=[to_plan_id], lazy="joined")


class UsageCycle(Base):
    """Usage in one billing cycle (data in MB, minutes, texts)."""

    __tablename__ = "usage_cycles"
    __table_args__ = (Index("ix_usage_cycles_customer_period", "customer_id", "period_start"),)

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    period_start = Column(Date, nullable=False)
    period_end = Column(Date, nullable=False)
    data_mb = Column(Integer, nullable=False, default=0)
    minutes = Column(Integer, nullable=False, default=0)
    texts = Column(Integer, nullable=False, default=0)
