"""Tables: operators, their sessions, and the messages agents send to customers."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text

from bot.db.base import Base
from bot.db.types import UTCDateTime


class Operator(Base):
    __tablename__ = "operators"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    role = Column(String(16), nullable=False)  # analyst | agent
    password_hash = Column(String(200), nullable=False)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(UTCDateTime, nullable=True)
    disabled = Column(Boolean, nullable=False, default=False)
    created_at = Column(UTCDateTime, nullable=False)
    last_login_at = Column(UTCDateTime, nullable=True)


class OperatorSession(Base):
    """Server-side session; the cookie holds a random token, the table its SHA-256."""

    __tablename__ = "operator_sessions"
    __table_args__ = (Index("ix_operator_sessions_operator", "operator_id"),)

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    operator_id = Column(Integer, ForeignKey("operators.id"), nullable=False)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    last_seen_at = Column(UTCDateTime, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)
    ended_at = Column(UTCDateTime, nullable=True)


class AgentMessage(Base):
    """A reply an agent sent to a handed-over conversation, and how its delivery went."""

    __tablename__ = "agent_messages"
    __table_args__ = (Index("ix_agent_messages_request", "service_request_id", "created_at"),)

    id = Column(Integer, primary_key=True)
    service_request_id = Column(Integer, ForeignKey("service_requests.id"), nullable=False)
    operator_id = Column(Integer, ForeignKey("operators.id"), nullable=False)
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(128), nullable=True)
    body = Column(Text, nullable=False)
    delivery = Column(String(16), nullable=False)  # sent | failed | not_possible
    detail = Column(String(200), nullable=False, default="")
    created_at = Column(UTCDateTime, nullable=False)
