"""Outages by postcode (no customer token needed)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from bot.api.deps import get_db, get_now
from bot.api.schemas.common import errors
from bot.api.schemas.requests import OutageOut, OutagesOut
from bot.services import outages
from bot.services.validation import ZIP_RE

router = APIRouter(tags=["outages"])


@router.get("/outages", response_model=OutagesOut, responses=errors(422))
def by_postcode(
    postcode: str = Query(..., regex=ZIP_RE.pattern, description="US ZIP code"),
    db: Session = Depends(get_db),
    now: datetime = Depends(get_now),
) -> OutagesOut:
    """Ongoing outages in a postcode, one entry per affected service."""
    zip5 = postcode[:5]
    return OutagesOut(
        postcode=zip5, outages=[OutageOut.parse_obj(o) for o in outages.in_postcode(db, zip5, now)]
    )
