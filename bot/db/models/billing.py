"""Bills with line items, saved payment methods, payments, payment links, arrangements."""

from __future__ import annotations

from typing import Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import relationship

from bot.db.base import Base
from bot.db.types import Money, UTCDateTime

BILL_STATUSES = ("open", "paid", "overdue")
PAYMENT_STATUSES = ("pending", "succeeded", "declined", "failed")


class Bill(Base):
    __tablename__ = "bills"
    __table_args__ = (
        Index("ix_bills_customer_issue", "customer_id", "issue_date"),
        CheckConstraint("amount_due >= 0", name="amount_due_not_negative"),
    )

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    reference = Column(String(20), nullable=False, unique=True)
    period_start = Column(Date, nullable=False)
    period_end = Column(Date, nullable=False)
    issue_date = Column(Date, nullable=False)
    due_date = Column(Date, nullable=False)
    total = Column(Money, nullable=False)
    amount_due = Column(Money, nullable=False)
    status = Column(String(10), nullable=False)

    lines: list[BillLine] = relationship(
        "BillLine", order_by="BillLine.position", lazy="selectin", cascade="all, delete-orphan"
    )


class BillLine(Base):
    __tablename__ = "bill_lines"

    id = Column(Integer, primary_key=True)
    bill_id = Column(Integer, ForeignKey("bills.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    kind = Column(String(16), nullable=False)  # plan | addon | usage | tax | credit | fee
    code = Column(String(32), nullable=False)  # stable key for comparisons
    description = Column(String(120), nullable=False)
    amount = Column(Money, nullable=False)


class PaymentMethod(Base):
    """A saved card: the gateway token, brand and last four digits only."""

    __tablename__ = "payment_methods"

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    gateway_token = Column(String(64), nullable=False)
    brand = Column(String(20), nullable=False)
    last4 = Column(String(4), nullable=False)
    exp_month = Column(Integer, nullable=False)
    exp_year = Column(Integer, nullable=False)
    is_default = Column(Boolean, nullable=False, default=False)


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_customer_created", "customer_id", "created_at"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    bill_id = Column(Integer, ForeignKey("bills.id"), nullable=True)
    payment_method_id = Column(Integer, ForeignKey("payment_methods.id"), nullable=True)
    amount = Column(Money, nullable=False)
    status = Column(String(10), nullable=False)
    gateway_reference = Column(String(64), nullable=True)
    failure_code = Column(String(32), nullable=True)
    idempotency_key = Column(String(128), nullable=True)
    channel = Column(String(32), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)

    method: Optional[PaymentMethod] = relationship(PaymentMethod, lazy="joined")


class PaymentLink(Base):
    """A one-time secure link to pay with a new card outside the chat."""

    __tablename__ = "payment_links"

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    amount = Column(Money, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)
    used_at = Column(UTCDateTime, nullable=True)


class Arrangement(Base):
    """A payment arrangement: an extension to a date, or instalments."""

    __tablename__ = "arrangements"

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    bill_id = Column(Integer, ForeignKey("bills.id"), nullable=False)
    kind = Column(String(12), nullable=False)  # extension | instalments
    status = Column(String(10), nullable=False)  # active | completed | cancelled
    amount = Column(Money, nullable=False)
    extend_to = Column(Date, nullable=True)
    instalments = Column(Integer, nullable=True)
    channel = Column(String(32), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
