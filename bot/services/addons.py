"""Add-ons: a quote, the purchase (idempotent, audited) and the customer's active add-ons.

The same rules as plan changes: only an active account, only an add-on on sale, and it
starts with the next billing cycle (``plans.effective_date``). An add-on that is
already active answers 409 ``addon_already_active``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Customer, CustomerAddon, Plan
from bot.services import audit, idempotency
from bot.services.accounts import plan_view
from bot.services.errors import DomainError
from bot.services.money import as_str
from bot.services.plans import effective_date


def _addon(db: Session, customer: Customer, addon_code: str) -> Plan:
    addon = db.execute(
        select(Plan).where(Plan.code == addon_code.strip().upper(), Plan.kind == "addon")
    ).scalar_one_or_none()
    if addon is None or not addon.available:
        raise DomainError(404, "addon_not_found", "There is no such add-on.")
    if customer.status != "active":
        raise DomainError(
            409, "account_not_active", "Add-ons can only be added to an active account."
        )
    held = db.execute(
        select(CustomerAddon.id).where(
            CustomerAddon.customer_id == customer.id,
            CustomerAddon.plan_id == addon.id,
            CustomerAddon.status == "active",
        )
    ).first()
    if held is not None:
        raise DomainError(409, "addon_already_active", f"You already have {addon.name}.")
    return addon


def active(db: Session, customer: Customer) -> list[tuple[CustomerAddon, Plan]]:
    rows = db.execute(
        select(CustomerAddon, Plan)
        .join(Plan, Plan.id == CustomerAddon.plan_id)
        .where(CustomerAddon.customer_id == customer.id, CustomerAddon.status == "active")
        .order_by(CustomerAddon.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def view(record: CustomerAddon, addon: Plan, currency: str) -> dict[str, Any]:
    return {
        "reference": f"AO-{record.id:06d}",
        "addon": plan_view(addon, currency),
        "monthly_price": as_str(record.monthly_price),
        "currency": currency,
        "effective_date": record.effective_date.isoformat(),
    }


def quote(
    db: Session, customer: Customer, addon_code: str, today: date, currency: str
) -> dict[str, Any]:
    addon = _addon(db, customer, addon_code)
    return {
        "addon": plan_view(addon, currency),
        "monthly_price": as_str(addon.monthly_price),
        "currency": currency,
        "effective_date": effective_date(db, customer, today),
    }


def buy(
    db: Session,
    customer: Customer,
    *,
    addon_code: str,
    key: str,
    channel: str,
    now: datetime,
    currency: str,
) -> idempotency.Outcome:
    customer_id = customer.id
    code = addon_code.strip().upper()

    def apply() -> idempotency.Outcome:
        owner = db.get(Customer, customer_id)
        assert owner is not None
        addon = _addon(db, owner, code)
        record = CustomerAddon(
            customer_id=customer_id,
            plan_id=addon.id,
            status="active",
            monthly_price=addon.monthly_price,
            effective_date=effective_date(db, owner, now.date()),
            channel=channel,
            created_at=now,
        )
        db.add(record)
        db.flush()
        audit.record(
            db,
            now=now,
            action="addon_added",
            entity="customer_addon",
            entity_id=record.id,
            channel=channel,
            customer_id=customer_id,
            details={"addon": addon.code, "monthly_price": as_str(addon.monthly_price)},
        )
        return 201, view(record, addon, currency)

    return idempotency.run_once(
        db,
        customer_id=customer_id,
        scope="addon_purchase",
        key=key,
        payload={"addon_code": code},
        now=now,
        action=apply,
    )
