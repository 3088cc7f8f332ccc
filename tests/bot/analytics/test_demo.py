"""The demo generator: deterministic, idempotent, realistic enough for the report."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.analytics.demo import generate, generate_two_quarters
from bot.analytics.metrics import compute
from bot.analytics.period import Quarter
from bot.analytics.schema import cohorts, events
from bot.analytics.vocabulary import CHANNELS

Q = Quarter(2025, 1)


def test_same_seed_same_events_other_seed_other_events() -> None:
    first = generate(Q, 60, seed=3)
    again = generate(Q, 60, seed=3)
    other = generate(Q, 60, seed=4)
    assert first.rows == again.rows
    assert first.cohorts == again.cohorts
    assert first.rows != other.rows


def test_events_stay_inside_the_quarter() -> None:
    data = generate(Q, 200)
    start, end = Q.filters().start, Q.filters().end
    assert all(start <= row["timestamp"] < end for row in data.rows)
    assert all(row["sender_id"].startswith("demo-") for row in data.rows)


def test_write_replaces_earlier_demo_data(store: Engine) -> None:
    first = generate_two_quarters(store, Q, 150)
    second = generate_two_quarters(store, Q, 150)
    assert first == second
    with store.connect() as conn:
        total = conn.execute(select(func.count()).select_from(events)).scalar_one()
        assert total == sum(first)
        assert conn.execute(select(func.count()).select_from(cohorts)).scalar_one() > 0


def test_demo_quarter_has_every_channel_fallbacks_handoffs_and_ratings(store: Engine) -> None:
    generate_two_quarters(store, Q, 400)
    with store.connect() as conn:
        m = compute(conn, Q.filters())
        earlier = compute(conn, Q.previous().filters(), with_cohorts=False)
    assert m.volume.conversations == 400
    assert earlier.volume.conversations == 300
    assert set(m.volume.by_channel) == set(CHANNELS)
    assert m.fallbacks.nlu_fallbacks > 0 and m.fallbacks.top_messages
    assert m.containment.handoff > 0
    assert m.satisfaction.count > 0
    assert m.cohorts["pilot"].conversations > 0 and m.cohorts["non_pilot"].conversations > 0
    assert 0 < m.headline.completion_rate < 1
    assert 0 < m.latency.percentiles[50] < m.latency.percentiles[99] < 10
