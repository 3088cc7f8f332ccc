"""Recommendation rules fire on their thresholds and quote the figures."""

from __future__ import annotations

from bot.analytics.experience import Latency, Satisfaction
from bot.analytics.metrics import Headline, Metrics
from bot.analytics.period import Quarter
from bot.analytics.recommend import recommendations, rollout, task_dropout, trends
from bot.analytics.tasks import Containment, HandoffCause, TaskStats
from bot.analytics.understanding import Fallbacks
from bot.analytics.volume import Volume


def headline(**changes: float) -> Headline:
    values = dict(conversations=1000, customers=600, containment_rate=0.8, completion_rate=0.85,
                  handoff_rate=0.05, fallback_rate=0.03, satisfaction=4.3, ratings=300)
    values.update(changes)
    return Headline(**values)  # type: ignore[arg-type]


def metrics(tasks: list[TaskStats] | None = None, fallback: tuple[int, int] = (1000, 30),
            p95: float = 1.0, ratings: dict[int, int] | None = None,
            causes: list[HandoffCause] | None = None) -> Metrics:
    fb = Fallbacks(user_messages=fallback[0], nlu_fallbacks=fallback[1],
                   by_channel={"socketio": fallback},
                   top_messages=[("esim", 12), ("refund", 5)],
                   closest_intents=[("request_service", 12)])
    sat = Satisfaction()
    sat.distribution.update(ratings or {5: 200, 4: 100})
    return Metrics(
        filters=Quarter(2025, 1).filters(),
        volume=Volume(conversations=1000, customers=600),
        tasks=tasks or [TaskStats("check_bill", 200, 190)],
        stopped=0, switched=0,
        containment=Containment(with_task=900, contained=720, handoff=50,
                                by_channel={"socketio": (900, 720, 50)}),
        turns={"pay_bill": 6.5},
        handoff_causes=causes or [],
        fallbacks=fb, intents=[], satisfaction=sat,
        latency=Latency(samples=5000, percentiles={50: 0.5, 95: p95}),
    )


def test_healthy_quarter_gives_no_high_priority_item() -> None:
    recs = recommendations(metrics(), None)
    assert all(r.priority > 1 for r in recs)
    assert not any(r.area in ("Tasks", "Understanding", "Speed", "Satisfaction") for r in recs)


def test_low_completion_is_flagged_with_its_figures() -> None:
    recs = task_dropout(metrics(tasks=[TaskStats("pay_bill", 400, 200),
                                       TaskStats("check_bill", 400, 390),
                                       TaskStats("cancel_ticket", 10, 1)]))
    assert len(recs) == 1  # cancel_ticket is below the minimum volume
    assert recs[0].priority == 1
    assert "200 of 400" in recs[0].evidence and "50.0%" in recs[0].evidence
    assert "long" in recs[0].action  # 6.5 messages per completed payment


def test_fallbacks_latency_satisfaction_and_handoffs_fire() -> None:
    m = metrics(fallback=(1000, 150), p95=3.2, ratings={1: 80, 2: 40, 5: 200},
                causes=[HandoffCause("technical_problem", "pay_bill", 40),
                        HandoffCause("asked_directly", "none", 10)])
    recs = recommendations(m, None)
    by_area = {r.area: r for r in recs}
    assert "'esim' (12)" in by_area["Understanding"].evidence
    assert "3.20 s" in by_area["Speed"].evidence
    assert "37.5%" in by_area["Satisfaction"].evidence  # 120 of 320 rated 1-2
    handoffs = [r for r in recs if r.area == "Handoffs"]
    assert len(handoffs) == 2  # both causes are above 20% of handoffs
    assert handoffs[0].priority == 1
    assert "Pay bill" in handoffs[0].title and "40 of 50" in handoffs[0].evidence


def test_trends_compare_with_the_previous_quarter() -> None:
    worse = trends(headline(containment_rate=0.7, satisfaction=4.0),
                   headline(containment_rate=0.8, satisfaction=4.3))
    assert {r.title for r in worse} == {"Investigate the worse containment",
                                        "Investigate the lower satisfaction"}
    assert trends(headline(), headline()) == []
    assert trends(headline(), None) == []


def test_rollout_advice_follows_the_pilot_figures() -> None:
    m = metrics()
    m.cohorts = {"pilot": headline(), "non_pilot": headline(containment_rate=0.6)}
    ready = rollout(m)
    assert ready[0].title == "Widen the rollout in steps"
    assert "lower than the pilot" in ready[0].evidence
    m.cohorts = {"pilot": headline(containment_rate=0.5)}
    assert rollout(m)[0].title == "Hold the rollout at its current size"


def test_a_task_rated_well_below_the_rest_is_named() -> None:
    m = metrics(ratings={5: 200, 4: 100})
    low, fine = Satisfaction(), Satisfaction()
    low.distribution.update({2: 15, 3: 10})
    fine.distribution.update({5: 30})
    m.satisfaction_by_task = {"change_plan": low, "check_bill": fine}
    recs = [r for r in recommendations(m, None) if r.area == "Satisfaction"]
    assert [r.title for r in recs] == ["Find out why 'Change plan' is rated lower"]
    assert "2.40 from 25 ratings" in recs[0].evidence
