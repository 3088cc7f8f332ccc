"""Account overview and bills."""

from __future__ import annotations

from datetime import date
from typing import Optional

from pydantic import BaseModel


class PlanOut(BaseModel):
    code: str
    name: str
    kind: str
    monthly_price: str
    currency: str
    data_gb: Optional[int]
    minutes: Optional[int]
    texts: Optional[int]


class PendingPlanChangeOut(BaseModel):
    plan: PlanOut
    effective_date: date


class AccountOut(BaseModel):
    account_number: str
    first_name: str
    last_name: str
    name: str
    phone: str
    email: Optional[str]
    address: str
    postcode: str
    status: str
    plan: PlanOut
    contract_end_date: Optional[date]
    pilot: bool
    pending_plan_change: Optional[PendingPlanChangeOut] = None


class BillLineOut(BaseModel):
    code: str
    kind: str
    description: str
    amount: str


class BillSummaryOut(BaseModel):
    bill_id: int
    reference: str
    period_start: date
    period_end: date
    issue_date: date
    due_date: date
    total: str
    amount_due: str
    status: str
    currency: str


class BillOut(BillSummaryOut):
    lines: list[BillLineOut]


class BillListOut(BaseModel):
    bills: list[BillSummaryOut]


class ComparisonLineOut(BaseModel):
    code: str
    description: str
    previous_amount: str
    current_amount: str
    difference: str
    change: str


class BillComparisonOut(BaseModel):
    bill: BillSummaryOut
    previous_bill: BillSummaryOut
    total_difference: str
    currency: str
    lines: list[ComparisonLineOut]
