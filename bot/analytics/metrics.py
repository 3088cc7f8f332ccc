"""All metrics of a period in one object; the entry point for reports and dashboards."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Connection

from bot.analytics.experience import (
    Latency,
    Satisfaction,
    latency,
    satisfaction,
    satisfaction_by_task,
)
from bot.analytics.period import Filters
from bot.analytics.scope import ratio
from bot.analytics.tasks import (
    Containment,
    HandoffCause,
    TaskStats,
    containment,
    handoff_causes,
    stopped_and_switched,
    task_stats,
    turns_per_task,
)
from bot.analytics.understanding import Fallbacks, fallbacks, top_intents
from bot.analytics.volume import Volume, volume


@dataclass
class Headline:
    """The figures compared between cohorts and quarters."""

    conversations: int
    customers: int
    containment_rate: float
    completion_rate: float
    handoff_rate: float
    fallback_rate: float
    satisfaction: float
    ratings: int


@dataclass
class Metrics:
    filters: Filters
    volume: Volume
    tasks: list[TaskStats]
    stopped: int
    switched: int
    containment: Containment
    turns: dict[str, float]
    handoff_causes: list[HandoffCause]
    fallbacks: Fallbacks
    intents: list[tuple[str, int]]
    satisfaction: Satisfaction
    latency: Latency
    cohorts: dict[str, Headline] = field(default_factory=dict)
    satisfaction_by_task: dict[str, Satisfaction] = field(default_factory=dict)

    @property
    def headline(self) -> Headline:
        return headline_of(self.volume, self.tasks, self.containment, self.fallbacks,
                           self.satisfaction)


def headline_of(
    vol: Volume, tasks: list[TaskStats], cont: Containment, fb: Fallbacks, sat: Satisfaction
) -> Headline:
    customer_tasks = [t for t in tasks if t.task != "human_handoff"]
    started = sum(t.started for t in customer_tasks)
    completed = sum(t.completed for t in customer_tasks)
    return Headline(
        conversations=vol.conversations,
        customers=vol.customers,
        containment_rate=cont.rate,
        completion_rate=min(ratio(completed, started), 1.0),
        handoff_rate=ratio(cont.handoff, vol.conversations),
        fallback_rate=fb.rate,
        satisfaction=sat.average,
        ratings=sat.count,
    )


def compute(conn: Connection, f: Filters, with_cohorts: bool = True) -> Metrics:
    stopped, switched = stopped_and_switched(conn, f)
    metrics = Metrics(
        filters=f,
        volume=volume(conn, f),
        tasks=task_stats(conn, f),
        stopped=stopped,
        switched=switched,
        containment=containment(conn, f),
        turns=turns_per_task(conn, f),
        handoff_causes=handoff_causes(conn, f),
        fallbacks=fallbacks(conn, f),
        intents=top_intents(conn, f),
        satisfaction=satisfaction(conn, f),
        latency=latency(conn, f),
        satisfaction_by_task=satisfaction_by_task(conn, f),
    )
    if with_cohorts and f.cohort is None:
        from bot.analytics.cohort_metrics import headlines_by_cohort

        metrics.cohorts, _ = headlines_by_cohort(conn, f)
    return metrics
