"""Usage, contact details and feedback of the verified customer."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from bot.api.deps import (
    Principal,
    current_customer,
    get_db,
    get_email_transport,
    get_now,
    get_settings,
    get_transport,
)
from bot.api.schemas.account import AccountOut
from bot.api.schemas.common import errors
from bot.api.schemas.services import ContactUpdate, FeedbackIn, UsageOut
from bot.services import accounts, audit, contact, plans, usage
from bot.services.outbox import EmailTransport, SmsTransport
from bot.settings import Settings

router = APIRouter(prefix="/me", tags=["account"], responses=errors(401, 403))


@router.get("/usage", response_model=UsageOut, responses=errors(404))
def current_usage(
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> UsageOut:
    """Usage in the current billing cycle against the plan's allowance."""
    return UsageOut.parse_obj(usage.current_usage(db, who.customer, now.date()))


@router.patch("/contact", response_model=AccountOut, responses=errors(422))
def update_contact(
    body: ContactUpdate,
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    transport: SmsTransport = Depends(get_transport),
    email_transport: EmailTransport = Depends(get_email_transport),
    now: datetime = Depends(get_now),
) -> AccountOut:
    """Change any of email, phone, address, postcode; answers with the updated account."""
    contact.update_contact(
        db,
        transport,
        who.customer,
        email_transport=email_transport,
        email=body.email,
        phone=body.phone,
        address=body.address,
        postcode=body.postcode,
        channel=who.channel,
        now=now,
    )
    db.commit()
    return AccountOut.parse_obj(
        accounts.overview(
            who.customer, settings.currency, plans.pending_change(db, who.customer)
        )
    )


@router.post("/feedback", status_code=204, response_class=Response, responses=errors(422))
def feedback(
    body: FeedbackIn,
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> Response:
    """Store a 1-5 satisfaction rating for a finished task."""
    audit.record(
        db,
        now=now,
        action="feedback",
        entity="conversation",
        entity_id=None,
        channel=body.channel or who.channel,
        customer_id=who.customer.id,
        details={"rating": body.rating, "task": body.task},
    )
    db.commit()
    return Response(status_code=204)
