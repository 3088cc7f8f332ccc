"""Rollout refusals read from the backend (SQLite and PostgreSQL), and the report's
cohort section: pilot (allow-list) versus percentage rollout, and who was turned away."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.analytics.cli import build_report
from bot.analytics.fmt import Fmt
from bot.analytics.period import Quarter
from bot.analytics.rollout_refusals import Refusals, backend_refusals
from bot.db.engine import make_engine, make_session_factory
from bot.rollout import refusals

from .scenario import load_scenario

NOW = datetime(2025, 4, 2, 9, 0, tzinfo=timezone.utc)


def _record(database_url: str, rows: list[tuple[date, str, str, int]]) -> None:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            for day, channel, reason, n in rows:
                for _ in range(n):
                    refusals.record(db, day=day, channel=channel, reason=reason)
            db.commit()
    finally:
        engine.dispose()


def test_refusals_of_the_quarter_per_channel_reason_and_month(database_url: str) -> None:
    _record(database_url, [
        (date(2025, 1, 1), "web", "not_selected", 3),
        (date(2025, 1, 31), "web", "not_selected", 2),
        (date(2025, 2, 14), "telegram", "channel_disabled", 4),
        (date(2025, 3, 31), "twilio_sms", "not_selected", 1),
        (date(2024, 12, 31), "web", "not_selected", 7),  # the quarter before
        (date(2025, 4, 1), "web", "not_selected", 9),  # the quarter after
    ])
    found = backend_refusals(database_url, Quarter(2025, 1).filters())
    assert found is not None
    assert found.by_channel == {("telegram", "channel_disabled"): 4,
                                ("twilio_sms", "not_selected"): 1,
                                ("web", "not_selected"): 5}
    assert found.by_month == {"2025-01": 5, "2025-02": 4, "2025-03": 1}
    assert found.total == 10
    web = backend_refusals(database_url, replace(Quarter(2025, 1).filters(), channel="socketio"))
    assert web is not None and web.by_channel == {("web", "not_selected"): 5}


def test_no_backend_database_means_no_figures(tmp_path: Path) -> None:
    absent = f"sqlite:///{tmp_path / 'absent.db'}"
    assert backend_refusals(absent, Quarter(2025, 1).filters()) is None


def test_report_compares_the_cohorts_and_shows_refusals(store: Engine) -> None:
    load_scenario(store)
    turned_away = Refusals(by_channel={("web", "not_selected"): 1234,
                                       ("telegram", "channel_disabled"): 5},
                           by_month={"2025-01": 1000, "2025-02": 239})
    html, _, _ = build_report(store, Quarter(2025, 1), Fmt(), NOW, None, turned_away)
    section = html.split('<section id="cohorts">')[1].split("</section>")[0]
    assert "Pilot (allow-list) versus percentage rollout" in section
    assert "Pilot customers (allow-list)" in section
    assert "Percentage-rollout customers" in section
    assert "turned away by the controlled rollout in the quarter: 1,239" in section
    assert "2025-01: 1,000" in section
    assert "channel switched off" in section and "1,234" in section
    html, _, _ = build_report(store, Quarter(2025, 1), Fmt(), NOW)
    assert "Refusals by the rollout are not shown" in html
