"""The plan catalogue, a quote for a change, and the change itself (idempotent)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Optional

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
    waiting = pending_change(db, customer)
    if waiting is not None and waiting.to_plan_id == plan.id:
        raise DomainError(
            409, "already_scheduled",
            f"A change to {plan.name} is already scheduled for "
            f"{waiting.effective_date.isoformat()}.",
        )
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


def pending_change(db: Session, customer: Customer) -> Optional[PlanChange]:
    """The customer's scheduled change not yet in effect, if any (at most one)."""
    return db.execute(
        select(PlanChange)
        .where(PlanChange.customer_id == customer.id, PlanChange.status == "scheduled")
        .order_by(PlanChange.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def apply_due_changes(db: Session, customer: Customer, now: datetime) -> bool:
    """Put a scheduled change whose effective date has come into effect; True if one was.

    Run whenever the customer's account is read, so the plan a customer sees (and the
    allowance their usage is measured against) is the one in effect today, with no
    scheduler to run.
    """
    due = db.execute(
        select(PlanChange)
        .where(
            PlanChange.customer_id == customer.id,
            PlanChange.status == "scheduled",
            PlanChange.effective_date <= now.date(),
        )
        .order_by(PlanChange.effective_date, PlanChange.id)
    ).scalars().all()
    for change in due:
        customer.plan_id = change.to_plan_id
        change.status = "applied"
        change.decided_at = now
        audit.record(
            db, now=now, action="plan_change_applied", entity="plan_change",
            entity_id=change.id, channel=change.channel, customer_id=customer.id,
            details={"effective_date": change.effective_date.isoformat()},
        )
    if due:
        db.flush()
        db.refresh(customer)
    return bool(due)


def cancel_pending(db: Session, customer: Customer, *, channel: str, now: datetime) -> PlanChange:
    """Cancel the scheduled change; 404 when there is none."""
    change = pending_change(db, customer)
    if change is None:
        raise DomainError(404, "no_pending_change", "There is no plan change waiting.")
    change.status = "cancelled"
    change.decided_at = now
    audit.record(
        db, now=now, action="plan_change_cancelled", entity="plan_change",
        entity_id=change.id, channel=channel, customer_id=customer.id, details={},
    )
    db.flush()
    return change


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
        replaced = pending_change(db, owner)
        if replaced is not None:  # a new choice replaces the one waiting
            replaced.status = "cancelled"
            replaced.decided_at = now
        record = PlanChange(
            customer_id=customer_id,
            from_plan_id=owner.plan_id,
            to_plan_id=plan.id,
            effective_date=details["effective_date"],
            price_difference=plan.monthly_price - owner.plan.monthly_price,
            channel=channel,
            created_at=now,
            status="scheduled",
        )
        db.add(record)
        db.flush()  # the plan itself changes on the effective date (apply_due_changes)
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
