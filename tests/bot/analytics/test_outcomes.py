"""Business outcomes read from the backend of record, split pilot / non-pilot."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select

from bot.analytics.outcomes import backend_outcomes
from bot.analytics.period import Quarter
from bot.db.engine import make_engine
from bot.db.models import Customer, Payment, ServiceRequest
from bot.seed import seed

NOW = datetime(2025, 1, 2, 12, 0, tzinfo=timezone.utc)
IN_Q1 = datetime(2025, 2, 10, 9, 30, tzinfo=timezone.utc)
IN_Q4 = datetime(2024, 12, 31, 23, 59, tzinfo=timezone.utc)


def _payment(customer: int, amount: str, status: str, when: datetime = IN_Q1) -> dict:  # type: ignore[type-arg]
    return {"customer_id": customer, "amount": Decimal(amount), "status": status,
            "channel": "socketio", "created_at": when}


def _request(customer: int, n: int, category: str, channel: str = "telegram") -> dict:  # type: ignore[type-arg]
    return {"reference": f"SR-9{n:05d}", "customer_id": customer, "category": category,
            "description": "test", "status": "open", "channel": channel,
            "created_at": IN_Q1, "updated_at": IN_Q1}


def test_outcomes_count_and_sum_per_cohort(database_url: str) -> None:
    seed(database_url, customers=40, now=NOW)
    engine = make_engine(database_url)
    with engine.begin() as conn:
        people = conn.execute(select(Customer.id, Customer.pilot).order_by(Customer.id)).all()
        pilot = next(p.id for p in people if p.pilot)
        other = next(p.id for p in people if not p.pilot)
        conn.execute(insert(Payment), [
            _payment(pilot, "40.00", "succeeded"), _payment(pilot, "10.50", "succeeded"),
            _payment(other, "20.00", "declined"), _payment(other, "5.25", "succeeded"),
            _payment(pilot, "99.99", "succeeded", IN_Q4),  # the quarter before
        ])
        conn.execute(insert(ServiceRequest), [
            _request(pilot, 1, "human_handoff"), _request(other, 2, "fault", "twilio_sms"),
            _request(other, 3, "human_handoff"),
        ])
    engine.dispose()

    found = backend_outcomes(database_url, Quarter(2025, 1).filters())
    assert found is not None
    assert found.paid == {"pilot": Decimal("50.50"), "non_pilot": Decimal("5.25")}
    assert found.counts["payments_succeeded"] == {"pilot": 2, "non_pilot": 1}
    assert found.counts["payments_declined"] == {"pilot": 0, "non_pilot": 1}
    assert found.counts["requests_human_handoff"] == {"pilot": 1, "non_pilot": 1}
    assert found.counts["requests_fault"] == {"pilot": 0, "non_pilot": 1}
    assert found.total("payments_succeeded") == 3

    sms = backend_outcomes(database_url, Quarter(2025, 1).filters("twilio_sms"))
    assert sms is not None
    assert sms.counts == {"requests_fault": {"pilot": 0, "non_pilot": 1}}
    earlier = backend_outcomes(database_url, Quarter(2024, 4).filters())
    assert earlier is not None and earlier.paid == {"pilot": Decimal("99.99")}


def test_no_backend_file_means_no_outcomes(tmp_path: Path) -> None:
    assert backend_outcomes(f"sqlite:///{tmp_path / 'none.db'}",
                            Quarter(2025, 1).filters()) is None
    assert not (tmp_path / "none.db").exists()
