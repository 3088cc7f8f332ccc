"""Saved cards, payments (idempotent) and one-time payment links."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from fastapi import APIRouter, Depends, Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from bot.api.deps import Principal, current_customer, get_db, get_gateway, get_now, get_settings
from bot.api.schemas.common import errors
from bot.api.schemas.payments import (
    AmountIn,
    PaymentIn,
    PaymentLinkOut,
    PaymentMethodOut,
    PaymentMethodsOut,
    PaymentOut,
    PaymentsOut,
)
from bot.services import idempotency, payment_links, payments
from bot.services.gateway import PaymentGateway
from bot.settings import Settings

router = APIRouter(prefix="/me", tags=["payments"], responses=errors(401, 403))


@router.get("/payment-methods", response_model=PaymentMethodsOut)
def payment_methods(
    who: Principal = Depends(current_customer), db: Session = Depends(get_db)
) -> PaymentMethodsOut:
    """Saved cards: brand and last four digits only."""
    return PaymentMethodsOut(
        payment_methods=[
            PaymentMethodOut.parse_obj(payments.method_view(m))
            for m in payments.methods(db, who.customer)
        ]
    )


@router.get("/payments", response_model=PaymentsOut)
def payment_history(
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> PaymentsOut:
    """The last twenty payments, newest first."""
    return PaymentsOut(
        payments=[
            PaymentOut.parse_obj(payments.payment_view(p, settings.currency))
            for p in payments.history(db, who.customer)
        ]
    )


@router.post(
    "/payments",
    status_code=201,
    response_model=PaymentOut,
    responses={**errors(402, 404, 409, 422), 202: {"model": PaymentOut}},
)
def pay(
    body: PaymentIn,
    who: Principal = Depends(current_customer),
    idempotency_key: Optional[str] = Header(None, alias="Idempotency-Key"),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    gateway: PaymentGateway = Depends(get_gateway),
    now: datetime = Depends(get_now),
) -> JSONResponse:
    """Pay with a saved card. Needs an Idempotency-Key: a repeat never charges again.

    201 succeeded; 202 ``status: pending`` when the gateway did not answer in time (the
    outcome is unknown: do not pay again); 402 ``card_declined`` / ``insufficient_funds``
    / ``payment_failed``, with the recorded ``payment``.
    """
    key = idempotency.check_key(idempotency_key)
    status, payload = payments.create_payment(
        db,
        settings,
        gateway,
        customer=who.customer,
        channel=who.channel,
        amount=body.amount,
        payment_method_id=body.payment_method_id,
        key=key,
        now=now,
    )
    return JSONResponse(payload, status_code=status)


@router.post(
    "/payment-links", status_code=201, response_model=PaymentLinkOut, responses=errors(409, 422)
)
def payment_link(
    body: AmountIn,
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> JSONResponse:
    """A one-time secure link to pay with a new card (never in chat)."""
    link = payment_links.create_link(
        db, settings, customer=who.customer, channel=who.channel, amount=body.amount, now=now
    )
    db.commit()
    return JSONResponse(jsonable_encoder(link), status_code=201)
