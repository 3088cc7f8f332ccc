"""Demo data: deterministic, idempotent, and covering every demo story."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import create_engine, func, select

from bot.db.models import Arrangement, Bill, Customer, Outage, PaymentMethod, ServiceRequest
from bot.seed import DEMO_IDENTITIES, seed

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def _rows(url: str, query):  # type: ignore[no-untyped-def]
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return conn.execute(query).all()
    finally:
        engine.dispose()


def test_seed_is_idempotent(database_url: str) -> None:
    first = seed(database_url, customers=40, now=NOW)
    assert first.created and first.customers == 40
    second = seed(database_url, customers=40, now=NOW)
    assert not second.created
    assert "nothing was seeded" in second.message
    assert _rows(database_url, select(func.count()).select_from(Customer))[0][0] == 40


def test_seed_is_deterministic(database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.db.migrate import upgrade

    other = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade(other)
    seed(database_url, customers=60, random_seed=3, now=NOW)
    seed(other, customers=60, random_seed=3, now=NOW)
    query = select(
        Customer.account_number, Customer.phone, Customer.status, Customer.postcode
    ).order_by(Customer.id)
    assert _rows(database_url, query) == _rows(other, query)
    totals = select(Bill.reference, Bill.total).order_by(Bill.id)
    assert _rows(database_url, totals) == _rows(other, totals)


def test_demo_identities_cover_the_stories(database_url: str) -> None:
    seed(database_url, customers=7, now=NOW)
    first = DEMO_IDENTITIES[0]
    assert first["account_number"] == "AC10000001"
    assert first["phone"] == "+1 202 555 0101"
    assert all(set(d) == {"name", "phone", "account_number", "story"} for d in DEMO_IDENTITIES)
    statuses = dict(_rows(database_url, select(Customer.account_number, Customer.status)))
    assert statuses["AC10000003"] == "suspended"
    assert statuses["AC10000007"] == "closed"
    maria_bill = _rows(
        database_url,
        select(Bill.amount_due)
        .join(Customer)
        .where(Customer.account_number == "AC10000001")
        .order_by(Bill.issue_date.desc())
        .limit(1),
    )
    assert maria_bill[0][0] > 0
    assert _rows(database_url, select(Outage.postcode).where(Outage.postcode == "20002"))
    ticket = _rows(
        database_url,
        select(ServiceRequest.status).join(Customer).where(Customer.account_number == "AC10000004"),
    )
    assert ticket == [("open",)]
    tokens = {t for (t,) in _rows(database_url, select(PaymentMethod.gateway_token))}
    assert {"tok_demo_approve", "tok_demo_decline", "tok_demo_insufficient_funds"} <= tokens
    assert _rows(database_url, select(func.count()).select_from(Arrangement))[0][0] == 1


def test_phone_numbers_are_fictional_and_unique_at_demo_scale(database_url: str) -> None:
    seed(database_url, customers=300, now=NOW)
    phones = [p for (p,) in _rows(database_url, select(Customer.phone))]
    assert len(set(phones)) == len(phones) == 300
    assert all(p[5:10] == "55501" for p in phones)
