"""Request and response bodies of the add-on endpoints."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from bot.api.schemas.account import PlanOut
from bot.api.schemas.common import Strict


class AddonCodeIn(Strict):
    addon_code: str = Field(..., min_length=1, max_length=32)


class AddonQuoteOut(BaseModel):
    addon: PlanOut
    monthly_price: str
    currency: str
    effective_date: date


class AddonOut(BaseModel):
    reference: str
    addon: PlanOut
    monthly_price: str
    currency: str
    effective_date: date


class AddonListOut(BaseModel):
    addons: list[AddonOut]
