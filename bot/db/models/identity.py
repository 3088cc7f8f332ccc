"""One-time verification codes and the verified sessions bound to conversations."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String

from bot.db.base import Base
from bot.db.types import UTCDateTime


class Verification(Base):
    __tablename__ = "verifications"
    __table_args__ = (Index("ix_verifications_customer_created", "customer_id", "created_at"),)

    id = Column(Integer, primary_key=True)
    public_id = Column(String(40), nullable=False, unique=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    code_hash = Column(String(64), nullable=False)
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(128), nullable=False)
    destination = Column(String(20), nullable=False)
    # pending | used | locked | superseded
    status = Column(String(12), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    created_at = Column(UTCDateTime, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)
    used_at = Column(UTCDateTime, nullable=True)


class IdentitySession(Base):
    """A verified, short-lived session of one customer in one conversation.

    The bearer token is never stored: it is derived from ``secret_id`` with the
    server's token secret, and looked up through ``token_hash``.
    """

    __tablename__ = "identity_sessions"
    __table_args__ = (Index("ix_identity_sessions_conversation", "channel", "conversation_id"),)

    id = Column(Integer, primary_key=True)
    secret_id = Column(String(64), nullable=False, unique=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(128), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)
    revoked_at = Column(UTCDateTime, nullable=True)
