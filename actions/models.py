"""Typed views of the backend's JSON answers (money is Decimal, parsed from strings)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Optional

from pydantic import BaseModel, root_validator


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


class ChannelStatus(_Model):
    """Whether the controlled rollout serves a channel (``GET /rollout/channels/{channel}``)."""

    channel: str
    enabled: bool
    portal_url: str = ""
    support_phone: str = ""


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


class BillSummary(_Model):
    bill_id: str
    reference: str = ""
    period_start: Optional[date] = None
    period_end: Optional[date] = None
    due_date: Optional[date] = None
    total: Decimal = Decimal("0.00")
    amount_due: Decimal = Decimal("0.00")
    status: str = ""
    currency: str = "USD"


class ComparisonLine(_Model):
    code: str = ""
    description: str = ""
    previous_amount: Decimal = Decimal("0.00")
    current_amount: Decimal = Decimal("0.00")
    difference: Decimal = Decimal("0.00")
    change: str = "unchanged"


class BillComparison(_Model):
    bill: BillSummary
    previous_bill: BillSummary
    total_difference: Decimal = Decimal("0.00")
    currency: str = "USD"
    lines: list[ComparisonLine] = []


class Plan(_Model):
    code: str
    name: str
    kind: str = ""
    monthly_price: Decimal = Decimal("0.00")
    currency: str = "USD"
    data_gb: Optional[int] = None
    minutes: Optional[int] = None
    texts: Optional[int] = None


class PendingPlanChange(_Model):
    plan: Plan
    effective_date: date


class Account(_Model):
    account_number: str
    first_name: str = ""
    name: str = ""
    phone: str = ""
    email: Optional[str] = None
    address: str = ""
    postcode: str = ""
    status: str = ""
    plan: Optional[Plan] = None
    contract_end_date: Optional[date] = None
    pending_plan_change: Optional[PendingPlanChange] = None


class UsageItem(_Model):
    used: Decimal = Decimal("0")
    allowance: Optional[Decimal] = None  # None: unlimited
    unit: str = ""


def _usage_item(raw: Any, unit: str) -> Any:
    if isinstance(raw, dict):
        return {"unit": unit, **raw}
    if raw is None:
        return None
    return {"used": raw, "unit": unit}


class Usage(_Model):
    period_start: Optional[date] = None
    period_end: Optional[date] = None
    data: Optional[UsageItem] = None
    minutes: Optional[UsageItem] = None
    texts: Optional[UsageItem] = None

    @root_validator(pre=True)
    def _flat_shapes(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Accept nested items or flat ``data_used_gb`` / ``data_mb`` style fields."""
        out = dict(values)
        if "data" not in out:
            if "data_used_gb" in out:
                out["data"] = {"used": out["data_used_gb"],
                               "allowance": out.get("data_allowance_gb")}
            elif "data_mb" in out:
                allowance = out.get("data_allowance_gb", out.get("data_gb"))
                used_gb = Decimal(str(out["data_mb"])) / Decimal(1024)
                out["data"] = {"used": used_gb.quantize(Decimal("0.01")), "allowance": allowance}
        for name in ("minutes", "texts"):
            raw = out.get(name)
            if raw is not None and not isinstance(raw, dict):
                out[name] = {"used": raw, "allowance": out.get(f"{name}_allowance")}
        for name, unit in (("data", "GB"), ("minutes", "minutes"), ("texts", "texts")):
            out[name] = _usage_item(out.get(name), unit)
        return out


class PaymentMethod(_Model):
    id: str
    label: str = ""
    brand: str = ""
    last4: str = ""
    is_default: bool = False

    @property
    def description(self) -> str:
        if self.label:
            return self.label
        brand = self.brand or "card"
        return f"{brand} ending {self.last4}" if self.last4 else brand


class Payment(_Model):
    reference: str = ""
    amount: Decimal = Decimal("0.00")
    currency: str = "USD"
    status: str = ""
    created_at: Optional[datetime] = None
    method: str = ""

    @root_validator(pre=True)
    def _aliases(cls, values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        if not out.get("reference"):
            out["reference"] = out.get("receipt_reference") or out.get("gateway_reference") or ""
        method = out.get("method") or out.get("payment_method")
        if isinstance(method, dict):
            brand, last4 = method.get("brand", "card"), method.get("last4", "")
            out["method"] = f"{brand} ending {last4}" if last4 else str(brand)
        elif method is None:
            out["method"] = ""
        return out


class PaymentLink(_Model):
    url: str
    expires_at: Optional[datetime] = None


class PlanQuote(_Model):
    plan: Plan
    current_monthly_price: Decimal = Decimal("0.00")
    new_monthly_price: Decimal = Decimal("0.00")
    difference: Decimal = Decimal("0.00")
    currency: str = "USD"
    effective_date: Optional[date] = None


class PlanChange(_Model):
    reference: str = ""
    effective_date: Optional[date] = None


class ServiceRequest(_Model):
    reference: str
    category: str = ""
    description: str = ""
    status: str = ""
    created_at: Optional[datetime] = None
    appointment_start: Optional[datetime] = None
    expected_wait_minutes: Optional[int] = None

    @root_validator(pre=True)
    def _aliases(cls, values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        if "category" not in out and "kind" in out:
            out["category"] = out["kind"]
        if "appointment_start" not in out and "appointment" in out:
            out["appointment_start"] = out["appointment"]
        return out


class Outage(_Model):
    services: list[str] = []
    description: str = ""
    expected_fix_at: Optional[datetime] = None

    @root_validator(pre=True)
    def _services(cls, values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        if "expected_fix_at" not in out and "estimated_resolution" in out:
            out["expected_fix_at"] = out["estimated_resolution"]
        raw = out.get("services", out.get("service"))
        if isinstance(raw, str):
            out["services"] = [part.strip() for part in raw.split(",") if part.strip()]
        elif raw is None:
            out["services"] = []
        return out


class Eligibility(_Model):
    eligible: bool
    rule: str = ""
    reason: str = ""


class Arrangement(_Model):
    reference: str = ""
    kind: str = ""
