"""Outbox of sent messages, audit trail, and idempotency records."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint

from bot.db.base import Base
from bot.db.types import UTCDateTime


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_to_created", "to", "created_at"),)

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=True)
    medium = Column(String(8), nullable=False)  # sms | email
    to = Column(String(254), nullable=False)
    subject = Column(String(200), nullable=True)  # email only
    # One-time codes are replaced by a marker before the row is written.
    body = Column(Text, nullable=False)
    transport = Column(String(16), nullable=False)
    status = Column(String(10), nullable=False)  # queued | sent | failed
    provider_reference = Column(String(64), nullable=True)
    failure_reason = Column(String(200), nullable=True)
    created_at = Column(UTCDateTime, nullable=False)


class AuditRecord(Base):
    __tablename__ = "audit_records"
    __table_args__ = (Index("ix_audit_records_customer_created", "customer_id", "created_at"),)

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=True)
    action = Column(String(48), nullable=False)
    entity = Column(String(32), nullable=False)
    entity_id = Column(String(40), nullable=True)
    channel = Column(String(32), nullable=False)
    details = Column(Text, nullable=False, default="{}")
    created_at = Column(UTCDateTime, nullable=False)


class IdempotencyRecord(Base):
    """The first response to a keyed request, replayed for every repeat of the key."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("customer_id", "scope", "key", name="uq_idempotency_key"),)

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    scope = Column(String(32), nullable=False)
    key = Column(String(128), nullable=False)
    request_hash = Column(String(64), nullable=False)
    status_code = Column(Integer, nullable=False)
    response_body = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
