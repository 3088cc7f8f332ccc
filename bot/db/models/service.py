"""Service requests (tickets) and outages by postcode."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text

from bot.db.base import Base
from bot.db.types import UTCDateTime

CATEGORIES = (
    "fault",
    "sim_replacement",
    "relocation",
    "new_line",
    "installation",
    "plan_issue",
    "human_handoff",
)
REQUEST_STATUSES = ("open", "in_progress", "resolved", "cancelled")


class ServiceRequest(Base):
    __tablename__ = "service_requests"
    __table_args__ = (
        Index("ix_service_requests_customer_created", "customer_id", "created_at"),
        Index("ix_service_requests_category_status", "category", "status"),
    )

    id = Column(Integer, primary_key=True)
    reference = Column(String(12), nullable=False, unique=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    category = Column(String(20), nullable=False)
    description = Column(Text, nullable=False)
    status = Column(String(12), nullable=False, default="open")
    appointment_start = Column(UTCDateTime, nullable=True)
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(128), nullable=True)
    transcript = Column(Text, nullable=True)
    created_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)


class Outage(Base):
    __tablename__ = "outages"

    id = Column(Integer, primary_key=True)
    postcode = Column(String(10), nullable=False, index=True)
    services = Column(String(80), nullable=False)  # comma-separated
    description = Column(String(200), nullable=False)
    started_at = Column(UTCDateTime, nullable=False)
    expected_fix_at = Column(UTCDateTime, nullable=True)
    resolved_at = Column(UTCDateTime, nullable=True)
