"""The same events give the same metrics on SQLite and on PostgreSQL."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from bot.analytics.cohort_metrics import summarise
from bot.analytics.demo import generate_two_quarters
from bot.analytics.metrics import compute
from bot.analytics.period import Quarter
from bot.analytics.schema import cohorts, events, open_store

Q = Quarter(2025, 1)


def rounded(value: Any) -> Any:
    """Floats to 9 digits: averages may differ in the last bit between engines."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(rounded(v) for v in value)
    return value


@pytest.mark.postgres
def test_sqlite_and_postgresql_agree_on_a_demo_quarter(
    tmp_path: Path, analytics_postgres_url: str
) -> None:
    results = []
    for url in (f"sqlite:///{tmp_path / 'conv.db'}", analytics_postgres_url):
        engine = open_store(url)
        with engine.begin() as conn:
            conn.execute(delete(cohorts))
            conn.execute(delete(events))
        generate_two_quarters(engine, Q, 250)
        with engine.connect() as conn:
            current = compute(conn, Q.filters())
            sms = compute(conn, Q.filters("twilio_sms"), with_cohorts=False)
            previous = summarise(conn, Q.previous().filters())
        engine.dispose()
        results.append(rounded((asdict(current), asdict(sms), asdict(previous))))
    sqlite, postgres = results
    assert sqlite[0]["volume"]["conversations"] == 250
    assert sqlite == postgres
