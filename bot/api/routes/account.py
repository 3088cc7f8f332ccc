"""The verified customer's account overview and bills."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Path
from sqlalchemy.orm import Session

from bot.api.deps import Principal, current_customer, get_db, get_now, get_settings
from bot.api.schemas.account import AccountOut, BillComparisonOut, BillListOut, BillOut
from bot.api.schemas.common import errors
from bot.services import accounts, bills, plans
from bot.settings import Settings

router = APIRouter(prefix="/me", tags=["account"], responses=errors(401, 403))


@router.get("", response_model=AccountOut)
def me(
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> AccountOut:
    """Account overview."""
    return AccountOut.parse_obj(
        accounts.overview(
            who.customer, settings.currency, plans.pending_change(db, who.customer)
        )
    )


@router.get("/bills/current", response_model=BillOut, responses=errors(404))
def current_bill(
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> BillOut:
    """The latest bill with its lines."""
    bill = bills.require_current_bill(db, who.customer)
    return BillOut.parse_obj(bills.bill_detail(bill, now.date(), settings.currency))


@router.get("/bills", response_model=BillListOut)
def bill_history(
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> BillListOut:
    """The last twelve bills, newest first."""
    rows = bills.history(db, who.customer)
    return BillListOut.parse_obj(
        {"bills": [bills.bill_summary(b, now.date(), settings.currency) for b in rows]}
    )


@router.get("/bills/{bill_id}/comparison", response_model=BillComparisonOut, responses=errors(404))
def compare(
    bill_id: int = Path(..., ge=1, le=2**31 - 1),
    who: Principal = Depends(current_customer),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
    now: datetime = Depends(get_now),
) -> BillComparisonOut:
    """This bill against the previous one, line by line."""
    body = bills.comparison(db, who.customer, bill_id, now.date(), settings.currency)
    return BillComparisonOut.parse_obj(body)
