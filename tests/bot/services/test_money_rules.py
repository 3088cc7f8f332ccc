"""Properties of the money rules: schedules add up, payments settle oldest bills first."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bot.db.models import Bill
from bot.services.arrangements import schedule
from bot.services.balance import apply_payment, balance, days_overdue

TODAY = date(2026, 11, 25)
cents = st.integers(min_value=1, max_value=10_000_000).map(lambda c: Decimal(c) / 100)


@given(cents, st.integers(min_value=2, max_value=6))
def test_instalments_add_up_to_the_amount(amount: Decimal, count: int) -> None:
    rows = schedule(amount, count, TODAY)
    assert len(rows) == count
    assert sum(Decimal(r["amount"]) for r in rows) == amount
    assert [r["due_date"] for r in rows] == sorted(r["due_date"] for r in rows)


def make_bills(amounts: list[Decimal]) -> list[Bill]:
    return [
        Bill(
            id=i,
            amount_due=a,
            due_date=TODAY - timedelta(days=30 * (len(amounts) - i)),
            status="open",
        )
        for i, a in enumerate(amounts)
    ]


@given(st.lists(cents, min_size=1, max_size=4), st.data())
def test_payment_settles_oldest_first_and_never_goes_negative(
    amounts: list[Decimal], data: st.DataObject
) -> None:
    bills = make_bills(amounts)
    total = balance(bills)
    paid = data.draw(
        st.integers(min_value=1, max_value=int(total * 100)).map(lambda c: Decimal(c) / 100)
    )
    apply_payment(bills, paid, TODAY)
    assert balance(bills) == total - paid
    assert all(b.amount_due >= 0 for b in bills)
    open_ones = [i for i, b in enumerate(bills) if b.amount_due > 0]
    if open_ones:  # everything older than the first open bill is fully paid
        assert all(bills[i].amount_due == 0 for i in range(open_ones[0]))
    assert all(b.status == "paid" for b in bills if b.amount_due == 0)


def test_days_overdue_counts_from_the_oldest_unpaid_bill() -> None:
    bills = make_bills([Decimal("5.00"), Decimal("7.00")])
    assert days_overdue(bills, TODAY) == 60
    assert days_overdue([], TODAY) == 0
