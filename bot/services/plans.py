"""The plan catalogue, a quote for a change, and the change itself (idempotent)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Customer, Plan, PlanChange, UsageCycle
from bot.services import audit, idempotency
from bot.services.accounts import plan_view
from bot.services.errors import DomainError
from bot.services.money import as_str


def catalogue(db: Session) -> list[Plan]:
    return list(
        db.execute(
            select(Plan)
            .where(Plan.available.is_(True))
            .order_by(Plan.kind.desc(), Plan.monthly_price)
        ).scalars()
    )


def _target(db: Session, customer: Customer, plan_code: str) -> Plan:
    plan = db.execute(
        select(Plan).where(Plan.code == plan_code.strip().upper(), Plan.kind == "plan")
    ).scalar_one_or_none()
    if plan is None or not plan.available:
        raise DomainError(404, "plan_not_found", "There is no such plan.")
    if plan.id == customer.plan_id:
        raise DomainError(409, "same_plan", f"You are already on {plan.name}.")
    if customer.status != "active":
        raise DomainError(
            409, "account_not_active", "The plan can only be changed on an active account."
        )
    return plan


def effective_date(db: Session, customer: Customer, today: date) -> date:
    """Plans change at the start of the next billing cycle."""
    cycle_end = db.execute(
        select(UsageCycle.period_end)
        .where(UsageCycle.customer_id == customer.id, UsageCycle.period_start <= today)
        .order_by(UsageCycle.period_start.desc())
        .limit(1)
    ).scalar_one_or_none()
    if cycle_end is None or cycle_end < today:
        return today + timedelta(days=1)
    next_day: date = cycle_end + timedelta(days=1)
    return next_day


def quote(
    db: Session, customer: Customer, plan_code: str, today: date, currency: str
) -> dict[str, Any]:
    plan = _target(db, customer, plan_code)
    current = customer.plan
    return {
        "plan": plan_view(plan, currency),
        "current_plan": plan_view(current, currency),
        "current_monthly_price": as_str(current.monthly_price),
        "new_monthly_price": as_str(plan.monthly_price),
        "difference": as_str(plan.monthly_price - current.monthly_price),
        "currency": currency,
        "effective_date": effective_date(db, customer, today),
    }


def change(
    db: Session,
    customer: Customer,
    *,
    plan_code: str,
    key: str,
    channel: str,
    now: datetime,
    currency: str,
) -> idempotency.Outcome:
    customer_id = customer.id

    def apply() -> idempotency.Outcome:
        owner = db.get(Customer, customer_id)
        assert owner is not None
        details = quote(db, owner, plan_code, now.date(), currency)
        plan = db.execute(select(Plan).where(Plan.code == details["plan"]["code"])).scalar_one()
        record = PlanChange(
            customer_id=customer_id,
            from_plan_id=owner.plan_id,
            to_plan_id=plan.id,
            effective_date=details["effective_date"],
            price_difference=plan.monthly_price - owner.plan.monthly_price,
            channel=channel,
            created_at=now,
        )
        db.add(record)
        owner.plan_id = plan.id
        db.flush()
        audit.record(
            db,
            now=now,
            action="plan_changed",
            entity="plan_change",
            entity_id=record.id,
            channel=channel,
            customer_id=customer_id,
            details={"from": details["current_plan"]["code"], "to": plan.code},
        )
        body = {
            "reference": f"PC-{record.id:06d}",
            "from_plan": details["current_plan"],
            "to_plan": details["plan"],
            "price_difference": details["difference"],
            "currency": currency,
            "effective_date": details["effective_date"].isoformat(),
        }
        return 201, body

    return idempotency.run_once(
        db,
        customer_id=customer_id,
        scope="plan_change",
        key=key,
        payload={"plan_code": plan_code.strip().upper()},
        now=now,
        action=apply,
    )
