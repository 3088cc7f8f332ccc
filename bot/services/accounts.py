"""The account overview of one customer."""

from __future__ import annotations

from typing import Any, Optional

from bot.db.models import Customer, Plan, PlanChange
from bot.services.money import as_str


def plan_view(plan: Plan, currency: str) -> dict[str, Any]:
    return {
        "code": plan.code,
        "name": plan.name,
        "kind": plan.kind,
        "monthly_price": as_str(plan.monthly_price),
        "currency": currency,
        "data_gb": plan.data_gb,
        "minutes": plan.minutes,
        "texts": plan.texts,
    }


def overview(
    customer: Customer, currency: str, pending: Optional[PlanChange] = None
) -> dict[str, Any]:
    """The account as the customer sees it; ``pending`` is a scheduled plan change."""
    return {
        "account_number": customer.account_number,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "name": customer.name,
        "phone": customer.phone,
        "email": customer.email,
        "address": customer.address,
        "postcode": customer.postcode,
        "status": customer.status,
        "plan": plan_view(customer.plan, currency),
        "contract_end_date": customer.contract_end_date,
        "pilot": customer.pilot,
        "pending_plan_change": None
        if pending is None
        else {
            "plan": plan_view(pending.to_plan, currency),
            "effective_date": pending.effective_date,
        },
    }
