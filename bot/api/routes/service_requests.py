"""Service requests of the verified customer."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Optional

from fastapi import APIRouter, Depends, Header, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from bot.api.deps import Principal, current_customer, get_db, get_now
from bot.api.schemas.common import errors
from bot.api.schemas.requests import ServiceRequestIn, ServiceRequestOut, ServiceRequestsOut
from bot.services import idempotency, service_requests

router = APIRouter(
    prefix="/me/service-requests", tags=["service requests"], responses=errors(401, 403)
)
REFERENCE = Path(..., min_length=1, max_length=20, description="e.g. SR-100234")


@router.post("", status_code=201, response_model=ServiceRequestOut, responses=errors(409, 422))
def create(
    body: ServiceRequestIn,
    who: Principal = Depends(current_customer),
    idempotency_key: Optional[str] = Header(None, alias="Idempotency-Key"),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> JSONResponse:
    """Open a request (needs an Idempotency-Key; a repeat returns the same reference)."""
    key = idempotency.check_key(idempotency_key)
    status, payload = service_requests.create(
        db,
        who.customer,
        category=body.category,
        description=body.description,
        appointment_start=body.appointment_start,
        conversation_id=body.conversation_id,
        transcript=body.transcript,
        key=key,
        channel=who.channel,
        now=now,
    )
    return JSONResponse(payload, status_code=status)


@router.get("", response_model=ServiceRequestsOut)
def listing(
    status: Optional[Literal["open", "in_progress", "resolved", "cancelled"]] = Query(None),
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
) -> ServiceRequestsOut:
    """The twenty most recent requests, newest first."""
    rows = service_requests.listing(db, who.customer, status)
    return ServiceRequestsOut(
        service_requests=[ServiceRequestOut.parse_obj(service_requests.view(r)) for r in rows]
    )


@router.get("/{reference}", response_model=ServiceRequestOut, responses=errors(404))
def get_one(
    reference: str = REFERENCE,
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
) -> ServiceRequestOut:
    """One request by reference; another customer's reference is not found."""
    return ServiceRequestOut.parse_obj(
        service_requests.view(service_requests.owned(db, who.customer, reference))
    )


@router.post("/{reference}/cancel", response_model=ServiceRequestOut, responses=errors(404, 409))
def cancel(
    reference: str = REFERENCE,
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> ServiceRequestOut:
    """Cancel an open or in-progress request."""
    request = service_requests.cancel(db, who.customer, reference, channel=who.channel, now=now)
    db.commit()
    return ServiceRequestOut.parse_obj(service_requests.view(request))
