"""Demo only: what the demo transport "sent". Not mounted outside demo mode."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.api.deps import get_db
from bot.api.schemas.common import errors
from bot.db.models import OutboxMessage
from bot.services.errors import DomainError
from bot.services.phones import to_e164

router = APIRouter(prefix="/demo", tags=["demo"])


class OutboxMessageOut(BaseModel):
    medium: str
    to: str
    body: str
    status: str
    created_at: datetime


class OutboxOut(BaseModel):
    messages: list[OutboxMessageOut]


@router.get("/outbox", response_model=OutboxOut, responses=errors(422))
def outbox(
    to: str = Query(..., min_length=1, max_length=40, description="E.164 phone number"),
    limit: int = Query(20, ge=1, le=100),
    db: Session = Depends(get_db),
) -> OutboxOut:
    """Messages sent to a number by the demo transport, newest first."""
    phone = to_e164(to) or to_e164("+" + to.strip())
    if phone is None:
        raise DomainError(422, "invalid_phone", "That is not a valid phone number.")
    rows = db.execute(
        select(OutboxMessage)
        .where(OutboxMessage.to == phone, OutboxMessage.transport == "demo")
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ).scalars()
    return OutboxOut(
        messages=[
            OutboxMessageOut(
                medium=m.medium, to=m.to, body=m.body, status=m.status, created_at=m.created_at
            )
            for m in rows
        ]
    )
