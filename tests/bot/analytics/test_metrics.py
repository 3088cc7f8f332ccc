"""Every metric on the hand-built scenario (see scenario.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.analytics.metrics import compute
from bot.analytics.period import Filters, Quarter
from bot.analytics.tasks import HandoffCause, TaskStats
from bot.analytics.volume import ChannelDay

from .scenario import DAY0, load_scenario

Q1 = Quarter(2025, 1)


@pytest.fixture
def loaded(store: Engine) -> Engine:
    load_scenario(store)
    return store


def test_volume_per_channel_and_day(loaded: Engine) -> None:
    with loaded.connect() as conn:
        m = compute(conn, Q1.filters(), with_cohorts=False)
    assert (m.volume.conversations, m.volume.customers, m.volume.user_messages) == (5, 3, 15)
    assert m.volume.by_channel == {"socketio": (2, 1), "twilio_sms": (2, 1), "telegram": (1, 1)}
    assert m.volume.by_day == [
        ChannelDay(DAY0, "socketio", 1, 1),
        ChannelDay(DAY0, "telegram", 1, 1),
        ChannelDay(DAY0, "twilio_sms", 1, 1),
        ChannelDay(DAY0 + timedelta(days=1), "socketio", 1, 1),
        ChannelDay(DAY0 + timedelta(days=2), "twilio_sms", 1, 1),
    ]


def test_tasks_containment_and_turns(loaded: Engine) -> None:
    with loaded.connect() as conn:
        m = compute(conn, Q1.filters(), with_cohorts=False)
    started = {t.task: t for t in m.tasks if t.started}
    assert started == {
        "pay_bill": TaskStats("pay_bill", 1, 1),
        "check_bill": TaskStats("check_bill", 1, 0),
        "change_plan": TaskStats("change_plan", 1, 0),
        "check_outage": TaskStats("check_outage", 1, 1),
        "human_handoff": TaskStats("human_handoff", 1, 1),
    }
    assert started["check_bill"].abandonment_rate == 1.0
    assert (m.stopped, m.switched) == (1, 0)
    assert (m.containment.with_task, m.containment.contained, m.containment.handoff) == (5, 2, 1)
    assert m.containment.by_channel == {
        "socketio": (2, 1, 0), "twilio_sms": (2, 1, 0), "telegram": (1, 0, 1)
    }
    assert m.containment.rate == pytest.approx(0.4)
    assert m.turns == {"pay_bill": pytest.approx(3.0), "check_outage": pytest.approx(2.0)}
    assert m.handoff_causes == [HandoffCause("not_understood", "none", 1)]


def test_understanding_and_experience(loaded: Engine) -> None:
    with loaded.connect() as conn:
        m = compute(conn, Q1.filters(), with_cohorts=False)
    fb = m.fallbacks
    assert (fb.user_messages, fb.nlu_fallbacks, fb.core_fallbacks) == (15, 2, 1)
    assert fb.rate == pytest.approx(3 / 15)
    assert fb.top_messages == [("blah blah", 2)]
    assert fb.closest_intents == [("report_problem", 2)]
    assert fb.by_channel == {"telegram": (3, 2), "socketio": (7, 0), "twilio_sms": (5, 0)}
    assert m.intents[:4] == [("affirm", 2), ("inform", 2), ("nlu_fallback", 2), ("rate", 2)]
    assert sum(n for _, n in m.intents) == 15
    assert m.satisfaction.distribution == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert m.satisfaction.average == pytest.approx(3.5)
    by_task = {task: s.distribution for task, s in m.satisfaction_by_task.items()}
    assert by_task == {"pay_bill": {1: 0, 2: 0, 3: 0, 4: 0, 5: 1},
                       "check_outage": {1: 0, 2: 1, 3: 0, 4: 0, 5: 0}}
    assert m.latency.samples == 15
    assert m.latency.percentiles[50] == pytest.approx(0.5, abs=0.011)
    assert m.latency.percentiles[95] == pytest.approx(1.0, abs=0.011)


def test_cohorts_compare_pilot_and_the_rest(loaded: Engine) -> None:
    with loaded.connect() as conn:
        m = compute(conn, Q1.filters())
    pilot, non_pilot, unverified = (m.cohorts[c] for c in ("pilot", "non_pilot", "unverified"))
    assert (pilot.conversations, pilot.customers) == (2, 1)
    assert pilot.containment_rate == pytest.approx(0.5)
    assert pilot.satisfaction == pytest.approx(5.0)
    assert (non_pilot.conversations, non_pilot.customers) == (2, 1)
    assert non_pilot.satisfaction == pytest.approx(2.0)
    assert unverified.conversations == 1
    assert unverified.handoff_rate == pytest.approx(1.0)
    assert unverified.fallback_rate == pytest.approx(2 / 3)


def test_channel_and_date_filters(loaded: Engine) -> None:
    with loaded.connect() as conn:
        sms = compute(conn, Q1.filters("twilio_sms"), with_cohorts=False)
        first_day = compute(conn, Filters.between(DAY0, DAY0), with_cohorts=False)
        december = compute(conn, Quarter(2024, 4).filters(), with_cohorts=False)
    assert sms.volume.conversations == 2
    assert sms.fallbacks.user_messages == 5
    assert {t.task for t in sms.tasks if t.started} == {"check_bill", "check_outage"}
    assert first_day.volume.conversations == 3
    assert first_day.turns == {"pay_bill": pytest.approx(3.0)}
    assert december.volume.conversations == 1
    assert december.volume.by_channel == {"telegram": (1, 1)}


def test_empty_store_gives_zeros(store: Engine) -> None:
    with store.connect() as conn:
        m = compute(conn, Q1.filters())
    assert m.volume.conversations == 0
    assert m.containment.rate == 0.0
    assert m.satisfaction.average == 0.0
    assert m.latency.percentiles == {}
    assert m.headline.completion_rate == 0.0


def test_cohort_filter_on_every_metric(loaded: Engine) -> None:
    with loaded.connect() as conn:
        pilot = compute(conn, Q1.filters().with_cohort("pilot"))
        unverified = compute(conn, Q1.filters().with_cohort("unverified"), with_cohorts=False)
    assert pilot.cohorts == {}  # already one cohort
    assert (pilot.volume.conversations, pilot.volume.customers) == (2, 1)
    assert {t.task for t in pilot.tasks if t.started} == {"pay_bill", "change_plan"}
    assert pilot.fallbacks.core_fallbacks == 1
    assert unverified.handoff_causes == [HandoffCause("not_understood", "none", 1)]
    assert unverified.fallbacks.top_messages == [("blah blah", 2)]
