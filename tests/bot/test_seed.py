"""Demo data: deterministic, idempotent, and covering every demo story."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
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


def test_generated_phones_stay_unique_and_valid_beyond_the_fictional_range() -> None:
    import phonenumbers

    from bot.seed.phones import area_codes, capacity, generated_phone

    fictional = len(area_codes()) * 100  # the old generator repeated after this many
    count = 50_000
    assert count > fictional
    phones = [generated_phone(k) for k in range(count)]
    assert len(set(phones)) == count
    assert "+12025550101" not in phones  # the demo identities' area code stays free
    for phone in phones[:: count // 500] + phones[fictional - 2 : fictional + 2]:
        parsed = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(parsed), phone
        assert phone[5:8] == "555", phone
    # The first 45,000 are the fictional 555-0100...0199 numbers, as before.
    assert all(p[8:10] == "01" for p in phones[:fictional])
    assert all(int(p[8:]) >= 2000 for p in phones[fictional:])
    assert capacity() >= 2_000_000
    assert generated_phone(capacity() - 1) not in phones
    with pytest.raises(ValueError):
        generated_phone(capacity())


def test_generated_phones_are_spread_over_the_whole_capacity_without_repeats() -> None:
    from bot.seed.phones import capacity, generated_phone

    # A stride coprime with the capacity visits positions all over the range,
    # including the last few, e.g. the 2,000,000th customer.
    positions = {k % capacity() for k in range(0, capacity() * 7, 7 * 997)}
    positions |= {1_999_999, capacity() - 1}
    phones = {generated_phone(k) for k in positions}
    assert len(phones) == len(positions)
