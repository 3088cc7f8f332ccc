"""The plan catalogue, quotes and plan changes."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from bot.api.deps import Principal, current_customer, get_db, get_now, get_settings
from bot.api.schemas.account import PlanOut
from bot.api.schemas.common import errors
from bot.api.schemas.services import PlanChangeOut, PlanCodeIn, PlanListOut, QuoteOut
from bot.services import accounts, idempotency, plans
from bot.settings import Settings

router = APIRouter(tags=["plans"])


@router.get("/plans", response_model=PlanListOut)
def catalogue(
    db: Session = Depends(get_db), settings: Settings = Depends(get_settings)
) -> PlanListOut:
    """Plans and add-ons on sale."""
    return PlanListOut(
        plans=[
            PlanOut.parse_obj(accounts.plan_view(p, settings.currency)) for p in plans.catalogue(db)
        ]
    )


@router.post("/me/plan-quote", response_model=QuoteOut, responses=errors(401, 404, 409, 422))
def quote(
    body: PlanCodeIn,
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> QuoteOut:
    """What a change to ``plan_code`` would cost, and from when."""
    return QuoteOut.parse_obj(
        plans.quote(db, who.customer, body.plan_code, now.date(), settings.currency)
    )


@router.post(
    "/me/plan-changes",
    status_code=201,
    response_model=PlanChangeOut,
    responses=errors(401, 404, 409, 422),
)
def change(
    body: PlanCodeIn,
    who: Principal = Depends(current_customer),
    idempotency_key: Optional[str] = Header(None, alias="Idempotency-Key"),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> JSONResponse:
    """Change the plan (needs an Idempotency-Key; a repeat returns the first answer)."""
    key = idempotency.check_key(idempotency_key)
    status, payload = plans.change(
        db,
        who.customer,
        plan_code=body.plan_code,
        key=key,
        channel=who.channel,
        now=now,
        currency=settings.currency,
    )
    return JSONResponse(payload, status_code=status)


@router.delete(
    "/me/plan-changes/pending", status_code=204, response_class=Response,
    responses=errors(401, 404),
)
def cancel_pending_change(
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> Response:
    """Cancel the plan change waiting for its effective date (the plan stays as it is)."""
    plans.cancel_pending(db, who.customer, channel=who.channel, now=now)
    db.commit()
    return Response(status_code=204)
