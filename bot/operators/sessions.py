"""Server-side operator sessions behind an opaque random cookie.

The cookie value is 32 random bytes; only its SHA-256 is stored, so a copy of the
table does not let anyone log in. Sessions expire after ``idle`` without a request
and in any case ``absolute`` after login. Each session has its own CSRF token.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.operators.models import Operator, OperatorSession
from bot.services.secrets_util import sha256_hex


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)


@dataclass(frozen=True)
class CurrentOperator:
    """Who is logged in: what pages and forms need, detached from the database session."""

    id: int
    username: str
    role: str
    csrf_token: str
    session_id: int


def start(
    db: Session, operator: Operator, *, now: datetime, policy: SessionPolicy
) -> tuple[str, OperatorSession]:
    """A new session; returns the cookie value (shown once, never stored) and the row."""
    token = secrets.token_urlsafe(32)
    row = OperatorSession(
        token_hash=sha256_hex(token),
        operator_id=operator.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=min(now + policy.idle, now + policy.absolute),
    )
    db.add(row)
    db.flush()
    return token, row


def resume(
    db: Session, token: Optional[str], *, now: datetime, policy: SessionPolicy
) -> Optional[CurrentOperator]:
    """The operator of a live session (sliding its idle expiry), or None."""
    if not token or len(token) > 128:
        return None
    found = db.execute(
        select(OperatorSession, Operator)
        .join(Operator, Operator.id == OperatorSession.operator_id)
        .where(OperatorSession.token_hash == sha256_hex(token))
    ).first()
    if found is None:
        return None
    row, operator = found
    if row.ended_at is not None or row.expires_at <= now or operator.disabled:
        return None
    row.last_seen_at = now
    row.expires_at = min(now + policy.idle, row.created_at + policy.absolute)
    return CurrentOperator(operator.id, operator.username, operator.role, row.csrf_token, row.id)


def end(db: Session, token: Optional[str], *, now: datetime) -> None:
    if not token:
        return
    row = db.execute(
        select(OperatorSession).where(OperatorSession.token_hash == sha256_hex(token))
    ).scalar_one_or_none()
    if row is not None and row.ended_at is None:
        row.ended_at = now
