"""Usage in the current billing cycle against the plan's allowance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Customer, UsageCycle
from bot.services.errors import DomainError


def _item(used: Decimal, allowance: Optional[int], unit: str) -> dict[str, Any]:
    return {
        "used": str(used),
        "allowance": None if allowance is None else str(allowance),
        "unit": unit,
        "unlimited": allowance is None,
        "percent_used": None if not allowance else int(used * 100 / allowance),
    }


def current_usage(db: Session, customer: Customer, today: date) -> dict[str, Any]:
    cycle = db.execute(
        select(UsageCycle)
        .where(UsageCycle.customer_id == customer.id, UsageCycle.period_start <= today)
        .order_by(UsageCycle.period_start.desc())
        .limit(1)
    ).scalar_one_or_none()
    if cycle is None:
        raise DomainError(404, "no_usage", "There is no usage recorded for this cycle yet.")
    plan = customer.plan
    data_gb = (Decimal(cycle.data_mb) / 1024).quantize(Decimal("0.01"))
    return {
        "period_start": cycle.period_start,
        "period_end": cycle.period_end,
        "days_left": max((cycle.period_end - today).days, 0),
        "plan_code": plan.code,
        "data": _item(data_gb, plan.data_gb, "GB"),
        "minutes": _item(Decimal(cycle.minutes), plan.minutes, "minutes"),
        "texts": _item(Decimal(cycle.texts), plan.texts, "texts"),
    }
