"""Add-ons of the verified customer: quote, buy (idempotent), list."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from bot.api.deps import Principal, current_customer, get_db, get_now, get_settings
from bot.api.schemas.addons import AddonCodeIn, AddonListOut, AddonOut, AddonQuoteOut
from bot.api.schemas.common import errors
from bot.services import addons, idempotency
from bot.settings import Settings

router = APIRouter(prefix="/me", tags=["plans"], responses=errors(401, 403))


@router.get("/addons", response_model=AddonListOut)
def active_addons(
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> AddonListOut:
    """The customer's active add-ons."""
    return AddonListOut(
        addons=[
            AddonOut.parse_obj(addons.view(record, addon, settings.currency))
            for record, addon in addons.active(db, who.customer)
        ]
    )


@router.post("/addon-quote", response_model=AddonQuoteOut, responses=errors(404, 409, 422))
def quote(
    body: AddonCodeIn,
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> AddonQuoteOut:
    """What adding ``addon_code`` would cost a month, and from when."""
    return AddonQuoteOut.parse_obj(
        addons.quote(db, who.customer, body.addon_code, now.date(), settings.currency)
    )


@router.post("/addons", status_code=201, response_model=AddonOut, responses=errors(404, 409, 422))
def buy(
    body: AddonCodeIn,
    who: Principal = Depends(current_customer),
    idempotency_key: Optional[str] = Header(None, alias="Idempotency-Key"),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> JSONResponse:
    """Add an add-on (needs an Idempotency-Key; a repeat returns the first answer)."""
    key = idempotency.check_key(idempotency_key)
    status, payload = addons.buy(
        db,
        who.customer,
        addon_code=body.addon_code,
        key=key,
        channel=who.channel,
        now=now,
        currency=settings.currency,
    )
    return JSONResponse(payload, status_code=status)
