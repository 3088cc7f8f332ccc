"""Service requests: create (idempotent), get, list, cancel; only the owner sees them."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Customer, ServiceRequest
from bot.services import audit, idempotency
from bot.services.errors import DomainError

APPOINTMENT_CATEGORIES = {"fault", "relocation", "new_line", "installation", "sim_replacement"}
MAX_APPOINTMENT_DAYS = 60
CANCELLABLE = {"open", "in_progress"}
HANDOFF_MINUTES_PER_CASE = 3


def view(request: ServiceRequest, wait_minutes: Optional[int] = None) -> dict[str, Any]:
    return {
        "reference": request.reference,
        "category": request.category,
        "kind": request.category,
        "description": request.description,
        "summary": request.description,
        "status": request.status,
        "appointment_start": request.appointment_start,
        "appointment": request.appointment_start,
        "channel": request.channel,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
        "expected_wait_minutes": wait_minutes,
    }


def _new_reference(db: Session) -> str:
    for _ in range(10):
        reference = f"SR-{100000 + secrets.randbelow(900000)}"
        taken = db.execute(
            select(ServiceRequest.id).where(ServiceRequest.reference == reference)
        ).first()
        if taken is None:
            return reference
    raise DomainError(503, "try_again", "Please try again in a moment.")


def _handoff_wait(db: Session) -> int:
    queued = db.execute(
        select(func.count())
        .select_from(ServiceRequest)
        .where(ServiceRequest.category == "human_handoff", ServiceRequest.status == "open")
    ).scalar_one()
    return 2 + HANDOFF_MINUTES_PER_CASE * int(queued)


def create(
    db: Session,
    customer: Customer,
    *,
    category: str,
    description: str,
    appointment_start: Optional[datetime],
    conversation_id: Optional[str],
    transcript: Optional[str],
    key: str,
    channel: str,
    now: datetime,
) -> idempotency.Outcome:
    customer_id = customer.id
    if appointment_start is not None:
        if category not in APPOINTMENT_CATEGORIES:
            raise DomainError(
                422, "appointment_not_allowed", "This kind of request has no appointment."
            )
        if not now < appointment_start <= now + timedelta(days=MAX_APPOINTMENT_DAYS):
            raise DomainError(
                422,
                "invalid_appointment",
                f"Appointments can be booked from now up to {MAX_APPOINTMENT_DAYS} days ahead.",
            )

    def apply() -> idempotency.Outcome:
        wait = _handoff_wait(db) if category == "human_handoff" else None
        request = ServiceRequest(
            reference=_new_reference(db),
            customer_id=customer_id,
            category=category,
            description=description,
            status="open",
            appointment_start=appointment_start,
            channel=channel,
            conversation_id=conversation_id,
            transcript=transcript if category == "human_handoff" else None,
            created_at=now,
            updated_at=now,
        )
        db.add(request)
        db.flush()
        audit.record(
            db,
            now=now,
            action="service_request_created",
            entity="service_request",
            entity_id=request.reference,
            channel=channel,
            customer_id=customer_id,
            details={"category": category},
        )
        return 201, _jsonable(view(request, wait))

    payload = {
        "category": category,
        "description": description,
        "appointment_start": appointment_start,
        "conversation_id": conversation_id,
        "transcript": transcript,
    }
    return idempotency.run_once(
        db,
        customer_id=customer_id,
        scope="service_request",
        key=key,
        payload=payload,
        now=now,
        action=apply,
    )


def _jsonable(body: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in body.items()}


def owned(db: Session, customer: Customer, reference: str) -> ServiceRequest:
    request = db.execute(
        select(ServiceRequest).where(
            ServiceRequest.reference == reference.strip().upper(),
            ServiceRequest.customer_id == customer.id,
        )
    ).scalar_one_or_none()
    if request is None:
        raise DomainError(
            404,
            "service_request_not_found",
            "There is no request with that reference on this account.",
        )
    return request


def listing(
    db: Session, customer: Customer, status: Optional[str] = None, limit: int = 20
) -> list[ServiceRequest]:
    query = select(ServiceRequest).where(ServiceRequest.customer_id == customer.id)
    if status:
        query = query.where(ServiceRequest.status == status)
    query = query.order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc()).limit(limit)
    return list(db.execute(query).scalars())


def cancel(
    db: Session, customer: Customer, reference: str, *, channel: str, now: datetime
) -> ServiceRequest:
    request = owned(db, customer, reference)
    if request.status not in CANCELLABLE:
        raise DomainError(
            409,
            "cannot_cancel",
            f"This request is {request.status.replace('_', ' ')} and cannot be cancelled.",
        )
    request.status = "cancelled"
    request.updated_at = now
    audit.record(
        db,
        now=now,
        action="service_request_cancelled",
        entity="service_request",
        entity_id=request.reference,
        channel=channel,
        customer_id=customer.id,
    )
    return request
