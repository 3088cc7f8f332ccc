"""Pilot cohorts copied from the backend's verified sessions into the conversation store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from bot.analytics.cohorts import sync_cohorts
from bot.analytics.metrics import compute
from bot.analytics.period import Quarter
from bot.analytics.schema import cohorts
from bot.db.engine import make_engine
from bot.db.models import Customer, IdentitySession
from bot.seed import seed

from .scenario import load_scenario

NOW = datetime(2025, 1, 6, 12, 0, tzinfo=timezone.utc)


def _session(customer_id: int, channel: str, conversation: str, n: int) -> dict:  # type: ignore[type-arg]
    return {"secret_id": f"s{n}", "token_hash": f"h{n}", "customer_id": customer_id,
            "channel": channel, "conversation_id": conversation,
            "created_at": NOW + timedelta(minutes=n), "expires_at": NOW + timedelta(hours=1)}


def test_sync_maps_conversations_to_customers_and_pilot_flag(
    database_url: str, store: Engine
) -> None:
    seed(database_url, customers=30, now=NOW)
    backend = make_engine(database_url)
    with backend.begin() as conn:
        people = conn.execute(
            select(Customer.id, Customer.account_number, Customer.pilot).order_by(Customer.id)
        ).all()
        pilot = next(p for p in people if p.pilot)
        other = next(p for p in people if not p.pilot)
        conn.execute(insert(IdentitySession), [
            _session(other.id, "socketio", "web-a", 1),
            _session(pilot.id, "socketio", "web-a", 2),  # the later verification wins
            _session(other.id, "twilio_sms", "+15550001", 3),
        ])
    backend.dispose()
    load_scenario(store)
    with store.begin() as conn:
        conn.execute(cohorts.delete())

    assert sync_cohorts(database_url, store) == 2
    assert sync_cohorts(database_url, store) == 2  # idempotent
    with store.connect() as conn:
        rows = {r.sender_id: (r.customer_key, r.pilot) for r in conn.execute(select(cohorts))}
        m = compute(conn, Quarter(2025, 1).filters())
    assert rows == {"web-a": (pilot.account_number, True),
                    "+15550001": (other.account_number, False)}
    assert m.cohorts["pilot"].conversations == 1
    assert m.cohorts["non_pilot"].conversations == 2
    assert m.cohorts["unverified"].conversations == 2  # tg-c and web-d
