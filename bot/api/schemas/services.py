"""Usage, contact update, plans, feedback."""

from __future__ import annotations

from datetime import date
from typing import Optional

from pydantic import BaseModel, Field, validator

from bot.api.schemas.account import PlanOut
from bot.api.schemas.common import Strict
from bot.services.phones import to_e164
from bot.services.validation import normalise_address, normalise_email, normalise_postcode


class UsageItemOut(BaseModel):
    used: str
    allowance: Optional[str]
    unit: str
    unlimited: bool
    percent_used: Optional[int]


class UsageOut(BaseModel):
    period_start: date
    period_end: date
    days_left: int
    plan_code: str
    data: UsageItemOut
    minutes: UsageItemOut
    texts: UsageItemOut


class ContactUpdate(Strict):
    email: Optional[str] = Field(None, max_length=254)
    phone: Optional[str] = Field(None, max_length=32)
    address: Optional[str] = Field(None, max_length=200)
    postcode: Optional[str] = Field(None, max_length=10)

    @validator("email")
    def _email(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else normalise_email(value)

    @validator("phone")
    def _phone(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        e164 = to_e164(value)
        if e164 is None:
            raise ValueError("not a valid phone number")
        return e164

    @validator("address")
    def _address(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else normalise_address(value)

    @validator("postcode")
    def _postcode(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else normalise_postcode(value)


class PlanListOut(BaseModel):
    plans: list[PlanOut]


class PlanCodeIn(Strict):
    plan_code: str = Field(..., min_length=1, max_length=32)


class QuoteOut(BaseModel):
    plan: PlanOut
    current_plan: PlanOut
    current_monthly_price: str
    new_monthly_price: str
    difference: str
    currency: str
    effective_date: date


class PlanChangeOut(BaseModel):
    reference: str
    from_plan: PlanOut
    to_plan: PlanOut
    price_difference: str
    currency: str
    effective_date: date


class FeedbackIn(Strict):
    rating: int = Field(..., ge=1, le=5)
    task: str = Field("", max_length=64)
    channel: str = Field("", max_length=32)
