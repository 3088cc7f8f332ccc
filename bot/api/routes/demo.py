"""Demo only: what the demo transports "sent". Not mounted outside demo mode.

The database keeps one-time codes redacted; the clear text shown here comes from the
demo transport's process memory (demo mode only), so a code sent before a restart of
the backend shows as withheld.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.api.deps import get_db, get_now
from bot.api.schemas.common import errors
from bot.db.models import OutboxMessage
from bot.seed.copies import TooManyCopies, copy_persona
from bot.services.errors import DomainError
from bot.services.outbox import readable_body
from bot.services.phones import to_e164
from bot.services.validation import normalise_email

router = APIRouter(prefix="/demo", tags=["demo"])


class OutboxMessageOut(BaseModel):
    medium: str
    to: str
    subject: Optional[str] = None
    body: str
    status: str
    created_at: datetime


class OutboxOut(BaseModel):
    messages: list[OutboxMessageOut]


@router.get("/outbox", response_model=OutboxOut, responses=errors(422))
def outbox(
    request: Request,
    to: str = Query(
        ..., min_length=1, max_length=254, description="E.164 phone number or email address"
    ),
    limit: int = Query(20, ge=1, le=100),
    db: Session = Depends(get_db),
) -> OutboxOut:
    """Messages sent to a number or address by the demo transports, newest first."""
    if "@" in to:
        try:
            address = normalise_email(to)
        except ValueError:
            raise DomainError(422, "invalid_email", "That is not a valid email address.") from None
    else:
        phone = to_e164(to) or to_e164("+" + to.strip())
        if phone is None:
            raise DomainError(422, "invalid_phone", "That is not a valid phone number.")
        address = phone
    transports = (request.app.state.sms_transport, request.app.state.email_transport)
    rows = db.execute(
        select(OutboxMessage)
        .where(OutboxMessage.to == address, OutboxMessage.transport == "demo")
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ).scalars()
    return OutboxOut(
        messages=[
            OutboxMessageOut(
                medium=m.medium,
                to=m.to,
                subject=m.subject,
                body=readable_body(m, transports),
                status=m.status,
                created_at=m.created_at,
            )
            for m in rows
        ]
    )


class PersonaCopyOut(BaseModel):
    account_number: str
    phone: str
    email: str
    name: str


@router.post(
    "/personas/{account_number}/copies",
    response_model=PersonaCopyOut,
    status_code=201,
    responses=errors(404, 409),
)
def copy_demo_identity(
    account_number: str = Path(..., regex=r"^AC\d{8}$"),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> PersonaCopyOut:
    """A fresh copy of a demo identity (README's table) in its original state, with its
    own account number and phone: for demonstrations and dialogue tests."""
    try:
        made = copy_persona(db.connection(), account_number, now)
    except TooManyCopies:
        raise DomainError(409, "no_copies_left", "Reseed the demo database.") from None
    if made is None:
        raise DomainError(404, "not_a_demo_identity", "That is not a demo identity.")
    db.commit()
    return PersonaCopyOut(**made.__dict__)
