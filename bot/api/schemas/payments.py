"""Payment methods, payments, payment links, arrangements."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, Optional

from pydantic import BaseModel, Field, validator

from bot.api.schemas.common import Strict
from bot.services.validation import parse_amount


class AmountIn(Strict):
    amount: Decimal = Field(..., description='A decimal string with two decimals, e.g. "42.50"')

    @validator("amount", pre=True)
    def _amount(cls, value: Any) -> Decimal:
        return parse_amount(value)


class PaymentIn(AmountIn):
    payment_method_id: int = Field(..., ge=1, le=2**31 - 1)


class PaymentMethodOut(BaseModel):
    id: int
    label: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    is_default: bool


class PaymentMethodsOut(BaseModel):
    payment_methods: list[PaymentMethodOut]


class PaymentOut(BaseModel):
    payment_id: int
    reference: str
    amount: str
    currency: str
    status: str
    failure_code: Optional[str]
    method: str
    payment_method_id: Optional[int]
    created_at: datetime
    remaining_balance: Optional[str] = None


class PaymentsOut(BaseModel):
    payments: list[PaymentOut]


class PaymentLinkOut(BaseModel):
    url: str
    amount: str
    currency: str
    expires_at: datetime


class ArrangementIn(Strict):
    kind: Literal["extension", "instalments"]
    extend_to: Optional[date] = Field(None, description="For an extension: the new payment date")
    instalments: Optional[int] = Field(None, ge=1, le=24, description="For instalments")


class RuleOut(BaseModel):
    rule: str
    passed: bool
    message: str


class EligibilityOut(BaseModel):
    eligible: bool
    kind: str
    rule: str
    reason: str
    balance: str
    currency: str
    latest_extension_date: date
    rules: list[RuleOut]


class ScheduleItemOut(BaseModel):
    due_date: Optional[date]
    amount: str


class ArrangementOut(BaseModel):
    reference: str
    kind: str
    status: str
    amount: str
    currency: str
    extend_to: Optional[date]
    instalments: Optional[int]
    created_at: datetime
    schedule: list[ScheduleItemOut]
