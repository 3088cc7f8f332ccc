"""The quarterly report: written where expected, self-contained, built from the data."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.analytics.cli import build_report, demo_main, report_main
from bot.analytics.fmt import Fmt
from bot.analytics.period import Quarter
from bot.analytics.schema import open_store
from bot.settings import Settings

from .scenario import load_scenario

SECTIONS = ("summary", "recommendations", "volume", "tasks", "handoffs", "understanding",
            "experience", "cohorts", "outcomes", "definitions")
EXTERNAL = re.compile(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|<script|<link|@import|src=",
                      re.IGNORECASE)
NOW = datetime(2025, 4, 2, 9, 0, tzinfo=timezone.utc)


def settings_for(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var", tracker_store_db=str(tmp_path / "conv.db"),
                    database_url=f"sqlite:///{tmp_path / 'absent-backend.db'}")


def assert_self_contained(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    assert EXTERNAL.search(html) is None, EXTERNAL.search(html)
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    assert html.count("<svg") >= 5


def test_report_main_writes_the_default_path(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(tmp_path)
    load_scenario(open_store(f"sqlite:///{settings.tracker_store_db}"))
    assert report_main(settings, "2025Q1", None) == 0
    target = settings.var_dir / "reports" / "report-2025Q1.html"
    html = target.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert "blah blah" in html  # the message not understood
    assert "Pay bill" in html and "Telegram" in html
    assert "5 conversations" in capsys.readouterr().out
    assert not (tmp_path / "absent-backend.db").exists()  # no stray backend file
    assert "The backend of record was not available" in html


def test_report_figures_come_from_the_data(store: Engine) -> None:
    load_scenario(store)
    html, metrics, recs = build_report(store, Quarter(2025, 1), Fmt(), NOW)
    assert_self_contained(html)
    assert metrics.headline.conversations == 5
    assert "handled 5 conversations from 3 customers" in html
    assert "40.0%" in html  # containment 2 of 5
    assert "generated 2025-04-02 09:00 UTC" in html
    titles = [r.title for r in recs]
    # 20% of the messages were not understood: above the 5% threshold.
    assert "Teach the assistant the messages it missed most" in titles
    assert any("blah blah" in r.evidence for r in recs)


def test_report_to_an_explicit_path_and_an_empty_quarter(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    out = tmp_path / "out" / "q.html"
    assert report_main(settings, "2023q2", out) == 0
    html = out.read_text(encoding="utf-8")
    assert "No conversations were recorded" in html
    assert_self_contained(html)


@pytest.mark.parametrize("quarter", ["2025Q5", "last quarter", ""])
def test_bad_quarter_is_refused_and_nothing_written(tmp_path: Path, quarter: str,
                                                    capsys) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(tmp_path)
    assert report_main(settings, quarter, None) == 2
    assert "error: quarter must look like 2025Q1" in capsys.readouterr().err
    assert not (settings.var_dir / "reports").exists()


def test_demo_then_report(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    assert demo_main(settings, "2025Q1", 0) == 2
    assert demo_main(settings, "2025Q1", 300) == 0
    assert report_main(settings, "2025Q1", None) == 0
    html = (settings.var_dir / "reports" / "report-2025Q1.html").read_text(encoding="utf-8")
    assert_self_contained(html)
    assert "handled 300 conversations" in html
    assert "on 2024Q4" in html  # the trend against the demo's previous quarter


def test_business_outcomes_section_formats_money(store: Engine) -> None:
    from decimal import Decimal

    from bot.analytics.outcomes import Outcomes

    load_scenario(store)
    outcomes = Outcomes(counts={"payments_succeeded": {"pilot": 2, "non_pilot": 1}},
                        paid={"pilot": Decimal("1250.50")})
    html, _, _ = build_report(store, Quarter(2025, 1), Fmt(), NOW, outcomes)
    section = html.split('<section id="outcomes">')[1].split("</section>")[0]
    assert "Payments made" in section
    assert "$1,250.50" in section and "$0.00" in section
    html, _, _ = build_report(store, Quarter(2025, 1), Fmt(), NOW, Outcomes())
    assert "holds no payments" in html
