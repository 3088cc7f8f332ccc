"""Typed views of the backend's JSON answers (money is Decimal, parsed from strings)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel


class _Model(BaseModel):
    class Config:
        extra = "ignore"


class CustomerRef(_Model):
    account_number: str
    first_name: str = ""


class Verification(_Model):
    verification_id: str
    masked_destination: str = ""
    expires_at: Optional[datetime] = None


class Session(_Model):
    token: str
    expires_at: Optional[datetime] = None
    customer: CustomerRef


class BillLine(_Model):
    description: str = ""
    amount: Decimal = Decimal("0.00")
    kind: str = ""


class Bill(_Model):
    bill_id: str
    reference: str = ""
    period_start: Optional[date] = None
    period_end: Optional[date] = None
    issue_date: Optional[date] = None
    due_date: Optional[date] = None
    total: Decimal = Decimal("0.00")
    amount_due: Decimal = Decimal("0.00")
    status: str = ""
    currency: str = "USD"
    lines: list[BillLine] = []
