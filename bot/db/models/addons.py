"""Add-ons a customer has bought (catalogue rows of kind ``addon``)."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String

from bot.db.base import Base
from bot.db.types import Money, UTCDateTime


class CustomerAddon(Base):
    __tablename__ = "customer_addons"
    __table_args__ = (Index("ix_customer_addons_customer_status", "customer_id", "status"),)

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    plan_id = Column(Integer, ForeignKey("plans.id"), nullable=False)
    status = Column(String(12), nullable=False, default="active")  # active | cancelled
    monthly_price = Column(Money, nullable=False)  # the price when it was bought
    effective_date = Column(Date, nullable=False)
    channel = Column(String(32), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
