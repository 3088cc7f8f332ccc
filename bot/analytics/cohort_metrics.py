"""Headline figures of every cohort (pilot, other verified, not verified) in one pass
per figure: each query groups by the cohort instead of running once per cohort."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, distinct, func, literal, select
from sqlalchemy.engine import Connection

from bot.analytics.experience import Latency, Satisfaction, latency, parse_rating
from bot.analytics.metrics import Headline
from bot.analytics.period import COHORTS, Filters
from bot.analytics.schema import cohorts, events
from bot.analytics.scope import ratio, scoped
from bot.analytics.sqlfuncs import JsonText
from bot.analytics.tasks import ALL_FORMS, is_completion, session_flags
from bot.analytics.vocabulary import (
    CORE_FALLBACK_ACTION,
    HANDOFF_FORM,
    NLU_FALLBACK_INTENT,
    RATING_INTENT,
)


def cohort_label(table: Any = cohorts) -> Any:
    return case(
        (table.c.sender_id.is_(None), literal("unverified")),
        (table.c.pilot == literal(True), literal("pilot")),
        else_=literal("non_pilot"),
    )


@dataclass
class _Counts:
    conversations: int = 0
    customers: int = 0
    started: int = 0
    completed: int = 0
    with_task: int = 0
    contained: int = 0
    handoff: int = 0
    messages: int = 0
    misunderstood: int = 0
    ratings: Satisfaction = field(default_factory=Satisfaction)

    def add(self, other: _Counts) -> None:
        for name in ("conversations", "customers", "started", "completed", "with_task",
                     "contained", "handoff", "messages", "misunderstood"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for score, n in other.ratings.distribution.items():
            self.ratings.distribution[score] += n

    def headline(self) -> Headline:
        return Headline(
            conversations=self.conversations,
            customers=self.customers,
            containment_rate=ratio(self.contained, self.with_task),
            completion_rate=min(ratio(self.completed, self.started), 1.0),
            handoff_rate=ratio(self.handoff, self.conversations),
            fallback_rate=ratio(self.misunderstood, self.messages),
            satisfaction=self.ratings.average,
            ratings=self.ratings.count,
        )


def _grouped(conn: Connection, f: Filters, *columns: Any, where: tuple[Any, ...]) -> list[Any]:
    label = cohort_label()
    query = (
        select(label, *columns)
        .select_from(events.outerjoin(cohorts, cohorts.c.sender_id == events.c.sender_id))
        .where(scoped(f), *where)
        .group_by(label)
    )
    return list(conn.execute(query))


def headlines_by_cohort(conn: Connection, f: Filters) -> tuple[dict[str, Headline], Headline]:
    """Each cohort's headline and the whole period's (the cohorts partition it)."""
    if f.cohort is not None:
        raise ValueError("headlines_by_cohort splits by cohort itself; give no cohort filter")
    counts: dict[str, _Counts] = defaultdict(_Counts)
    customer = func.coalesce(cohorts.c.customer_key, events.c.sender_id)
    for name, n, people in _grouped(conn, f, func.count(), func.count(distinct(customer)),
                                    where=(events.c.type_name == "session_started",)):
        counts[name].conversations, counts[name].customers = int(n), int(people)
    task_forms = tuple(form for form in ALL_FORMS if form != HANDOFF_FORM)
    for name, n in _grouped(conn, f, func.count(), where=(
            events.c.type_name == "active_loop", events.c.action_name.in_(task_forms))):
        counts[name].started = int(n)
    for name, n in _grouped(conn, f, func.count(), where=(is_completion(),)):
        counts[name].completed = int(n)
    missed = case((events.c.intent_name == NLU_FALLBACK_INTENT, 1), else_=0)
    for name, n, m in _grouped(conn, f, func.count(), func.sum(missed),
                               where=(events.c.type_name == "user",)):
        counts[name].messages, counts[name].misunderstood = int(n), int(m or 0)
    for name, n in _grouped(conn, f, func.count(), where=(
            events.c.type_name == "action", events.c.action_name == CORE_FALLBACK_ACTION)):
        counts[name].misunderstood += int(n)
    text = func.lower(func.trim(JsonText(events.c.data, "text")))
    label = cohort_label()
    rated = (
        select(label, text, func.count())
        .select_from(events.outerjoin(cohorts, cohorts.c.sender_id == events.c.sender_id))
        .where(scoped(f), events.c.type_name == "user", events.c.intent_name == RATING_INTENT)
        .group_by(label, text)
    )
    for name, answer, n in conn.execute(rated):
        score = parse_rating(str(answer or ""))
        if score is not None:
            counts[name].ratings.distribution[score] += int(n)
    flags = session_flags(f)
    flag_label = cohort_label()
    contained = case((and_(flags.c.completed == 1, flags.c.handoff == 0), 1), else_=0)
    for name, with_task, done, handoff in conn.execute(
        select(flag_label, func.count(), func.sum(contained), func.sum(flags.c.handoff))
        .select_from(flags.outerjoin(cohorts, cohorts.c.sender_id == flags.c.sender_id))
        .where(flags.c.started == 1)
        .group_by(flag_label)
    ):
        c = counts[name]
        c.with_task, c.contained, c.handoff = int(with_task), int(done or 0), int(handoff or 0)
    total = _Counts()
    for name in COHORTS:
        total.add(counts[name])
    return {name: counts[name].headline() for name in COHORTS}, total.headline()


@dataclass
class Summary:
    """A period's headline, cohorts and response time: what a comparison needs."""

    headline: Headline
    cohorts: dict[str, Headline]
    latency: Latency


def summarise(conn: Connection, f: Filters) -> Summary:
    by_cohort, total = headlines_by_cohort(conn, f)
    return Summary(total, by_cohort, latency(conn, f))
