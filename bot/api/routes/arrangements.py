"""Payment arrangements: check eligibility, create."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from fastapi import APIRouter, Depends, Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from bot.api.deps import Principal, current_customer, get_db, get_now, get_settings
from bot.api.schemas.common import errors
from bot.api.schemas.payments import ArrangementIn, ArrangementOut, EligibilityOut
from bot.db.models import Customer
from bot.services import arrangements, idempotency
from bot.settings import Settings

router = APIRouter(prefix="/me/arrangements", tags=["payments"], responses=errors(401, 403))


@router.post("/eligibility", response_model=EligibilityOut, responses=errors(422))
def eligibility(
    body: ArrangementIn,
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> EligibilityOut:
    """Whether the arrangement is possible, and which rule fails if not."""
    return EligibilityOut.parse_obj(
        arrangements.eligibility(
            db,
            who.customer,
            kind=body.kind,
            extend_to=body.extend_to,
            instalments=body.instalments,
            today=now.date(),
            currency=settings.currency,
        )
    )


@router.post("", status_code=201, response_model=ArrangementOut, responses=errors(409, 422))
def create(
    body: ArrangementIn,
    who: Principal = Depends(current_customer),
    idempotency_key: Optional[str] = Header(None, alias="Idempotency-Key"),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> JSONResponse:
    """Create the arrangement; 409 ``arrangement_not_eligible`` names the failed ``rule``.

    With an Idempotency-Key a repeat returns the first answer.
    """
    customer_id = who.customer.id

    def apply() -> idempotency.Outcome:
        owner = db.get(Customer, customer_id)
        assert owner is not None
        view = arrangements.create(
            db,
            owner,
            kind=body.kind,
            extend_to=body.extend_to,
            instalments=body.instalments,
            channel=who.channel,
            now=now,
            currency=settings.currency,
        )
        return 201, jsonable_encoder(view)

    if idempotency_key is None:
        status, payload = apply()
        db.commit()
    else:
        status, payload = idempotency.run_once(
            db,
            customer_id=customer_id,
            scope="arrangement",
            key=idempotency.check_key(idempotency_key),
            payload=jsonable_encoder(body.dict()),
            now=now,
            action=apply,
        )
    return JSONResponse(payload, status_code=status)
