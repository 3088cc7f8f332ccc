"""A realistic, deterministic quarter of conversations in Rasa's tracker-store schema.

``generate`` simulates customers on every channel (pilot and non-pilot), tasks that
complete or are abandoned, misunderstandings, handoffs, ratings and realistic
latency; ``write`` replaces earlier demo data of the same period in one transaction.
Every demo conversation's sender id starts with ``demo-``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Optional

from sqlalchemy import delete, insert, text
from sqlalchemy.engine import Engine

from bot.analytics.demo_script import (
    CHANNEL_FALLBACK_FACTOR,
    CHANNEL_WEIGHTS,
    NOT_UNDERSTOOD,
    RATING_TEXTS,
    TASKS,
    TaskScript,
)
from bot.analytics.eventlog import Row, Transcript
from bot.analytics.period import Quarter, epoch
from bot.analytics.schema import cohorts, ensure_schema, events
from bot.analytics.scope import in_range

DEMO_PREFIX = "demo-"
CHUNK = 5000


@dataclass(frozen=True)
class Quality:
    """How well the assistant does in a quarter (the earlier quarter does worse)."""

    fallback: float = 0.16
    invalid_answer: float = 0.08
    give_up: float = 0.16
    backend_error: float = 0.015
    direct_handoff: float = 0.05
    rate: float = 0.55
    mood: float = 0.0
    speed: float = 1.0


CURRENT = Quality()
EARLIER = Quality(fallback=0.22, invalid_answer=0.11, give_up=0.21, backend_error=0.03,
                  direct_handoff=0.06, rate=0.5, mood=-0.35, speed=1.25)


@dataclass
class Customer:
    key: str
    channel: str
    pilot: bool
    sender_id: str


@dataclass
class DemoData:
    rows: list[Row] = field(default_factory=list)
    cohorts: dict[str, dict[str, Any]] = field(default_factory=dict)


class Simulator:
    def __init__(self, rng: random.Random, quality: Quality) -> None:
        self.rng = rng
        self.q = quality

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def latency(self, backend_calls: int = 0) -> float:
        """Seconds from a customer message to the answer: NLU, policies, backend calls."""
        base = self.rng.lognormvariate(math.log(0.35), 0.45)
        for _ in range(backend_calls):
            base += self.rng.lognormvariate(math.log(0.12), 0.8)
        return round(base * self.q.speed, 3)

    def think(self) -> float:
        return round(self.rng.uniform(3, 40), 3)

    def answer(self, t: Transcript, action: str, utter: str, calls: int = 0) -> None:
        lat = self.latency(calls)
        t.action(action, after=lat * 0.7).bot(utter, after=lat * 0.3)

    def conversation(self, t: Transcript, pilot: bool) -> None:
        t.session_start()
        factor = CHANNEL_FALLBACK_FACTOR[t.channel] * (0.85 if pilot else 1.0)
        if self.chance(0.35):
            t.user("hi", "greet", think=1.0)
            self.answer(t, "utter_greet", "utter_greet")
            t.listen()
        misses = 0
        while self.chance(self.q.fallback * factor) and misses < 2:
            self.misunderstood(t)
            misses += 1
            self.answer(t, "action_handle_fallback",
                        "utter_offer_human" if misses == 2 else "utter_default")
            t.listen()
        if misses == 2:
            if self.chance(0.6):
                self.handoff(t, "yes, a person please", "affirm")
            return
        if self.chance(self.q.direct_handoff):
            self.handoff(t, "let me speak to an agent", "human_handoff")
            return
        task = self.rng.choices(TASKS, weights=[s.weight for s in TASKS])[0]
        self.task(t, task, pilot)
        if self.chance(0.15):
            t.user("thanks, bye", "goodbye", think=self.think())
            self.answer(t, "utter_goodbye", "utter_goodbye")
            t.listen()

    def verify(self, t: Transcript) -> bool:
        """The one-time-code check; some customers give up on it."""
        self.answer(t, "utter_ask_identifier", "utter_ask_identifier")
        t.listen()
        if self.chance(self.q.give_up * 0.4):
            return False
        t.user("+1 555 010 1234", "inform", think=self.think())
        t.action("validate_identity", after=self.latency(1) * 0.6).slot("identifier", "masked")
        t.bot("utter_code_sent", after=0.1).bot("utter_ask_otp_code", after=0.05)
        t.listen()
        if self.chance(self.q.give_up * 0.3):
            return False
        t.user("123456", "inform", think=self.rng.uniform(15, 60))
        t.action("validate_identity", after=self.latency(1) * 0.6).slot("verified", True)
        t.bot("utter_verified", after=0.1)
        return True

    def misunderstood(self, t: Transcript) -> None:
        text, closest, _ = self.rng.choices(NOT_UNDERSTOOD,
                                            weights=[w for *_, w in NOT_UNDERSTOOD])[0]
        t.user(text, "nlu_fallback", confidence=0.3, runner_up=closest, think=self.think())

    def task(self, t: Transcript, script: TaskScript, pilot: bool) -> None:
        opener = self.rng.choice(script.openers)
        t.user(opener, script.task, confidence=round(self.rng.uniform(0.75, 0.99), 3),
               think=self.think())
        t.action(script.form, after=self.latency() * 0.5).active_loop(script.form)
        if not self.verify(t):
            return
        fallback = self.q.fallback * CHANNEL_FALLBACK_FACTOR[t.channel] * (0.85 if pilot else 1)
        give_up = self.q.give_up * (1 + script.difficulty) * (0.8 if pilot else 1.0)
        for ask_action, ask_utter, reply, reply_intent in script.steps:
            self.answer(t, ask_action, ask_utter)
            t.listen()
            if self.chance(fallback):
                self.misunderstood(t)
                self.answer(t, "action_handle_fallback", "utter_default")
                t.listen()
            invalid = 0
            while self.chance(self.q.invalid_answer * (1 + script.difficulty)) and invalid < 2:
                t.user("hmm not sure", "inform", think=self.think())
                invalid += 1
                t.action(script.form, after=self.latency() * 0.7).bot("utter_answer_invalid")
                if invalid == 2:
                    t.bot("utter_offer_human_after_retries", after=0.05)
                t.listen()
            if invalid == 2 and self.chance(0.5):
                self.handoff(t, "yes, transfer me", "affirm")
                return
            if self.chance(give_up / max(len(script.steps), 1)):
                if self.chance(0.6):
                    t.user("stop", "stop", think=self.think())
                    self.answer(t, "action_stop_task", "utter_task_stopped")
                    t.active_loop(None).listen()
                return  # otherwise the customer simply leaves
            t.user(reply, reply_intent, think=self.think())
            t.action(script.form, after=self.latency() * 0.5)
        t.active_loop(None)
        lat = self.latency(script.backend_calls)
        t.action(script.final_action, after=lat * 0.8)
        if self.chance(self.q.backend_error):
            t.bot("utter_backend_error", after=lat * 0.2).listen()
            if self.chance(0.7):
                self.handoff(t, "i need a human", "human_handoff")
            return
        t.bot(script.result_utter, after=lat * 0.2).bot("utter_ask_rating", after=0.05)
        t.slot("last_task", script.task).slot("awaiting_rating", True).listen()
        if self.chance(self.q.rate):
            self.rate(t, pilot, script.difficulty)

    def rate(self, t: Transcript, pilot: bool, difficulty: float) -> None:
        mood = self.q.mood + (0.25 if pilot else 0.0) - difficulty * 0.8
        score = int(min(5, max(1, round(self.rng.gauss(4.1 + mood, 0.9)))))
        t.user(self.rng.choice(RATING_TEXTS[score]), "rate", think=self.rng.uniform(2, 10))
        self.answer(t, "action_store_rating", "utter_rating_thanks", calls=1)
        t.slot("awaiting_rating", False).slot("last_task", None).listen()

    def handoff(self, t: Transcript, text: str, intent: str) -> None:
        t.user(text, intent, think=self.think())
        t.action("human_handoff_form", after=self.latency() * 0.5).active_loop("human_handoff_form")
        if not self.verify(t):
            return
        t.active_loop(None)
        lat = self.latency(2)
        t.action("action_human_handoff", after=lat * 0.8).bot("utter_handoff_created",
                                                                after=lat * 0.2)
        t.listen()


def _day_weights(days: int, growth: float) -> list[float]:
    weights = []
    for d in range(days):
        weekday_factor = 0.75 if d % 7 in (5, 6) else 1.0
        weights.append(weekday_factor * (1 + growth * d / days))
    return weights


def generate(quarter: Quarter, conversations: int, seed: int = 7,
             quality: Optional[Quality] = None, prefix: str = DEMO_PREFIX) -> DemoData:
    """The events of ``conversations`` conversations spread over ``quarter``."""
    if conversations < 0:
        raise ValueError("conversations must not be negative")
    rng = random.Random(f"{seed}:{quarter.label}")  # noqa: S311 - reproducible demo data
    sim = Simulator(rng, quality or CURRENT)
    start = epoch(quarter.start)
    days = (quarter.end - quarter.start).days
    day_weights = _day_weights(days, growth=0.5)
    channels = list(CHANNEL_WEIGHTS)
    population = [
        Customer(f"AC{10000000 + i}", rng.choices(channels, list(CHANNEL_WEIGHTS.values()))[0],
                 i % 10 < 6, "")
        for i in range(max(conversations * 2 // 5, 1))
    ]
    data = DemoData()
    for n in range(conversations):
        customer = rng.choice(population)
        day = rng.choices(range(days), weights=day_weights)[0]
        second = rng.triangular(6 * 3600, 23 * 3600, 13 * 3600)
        channel = customer.channel
        if channel in ("socketio", "rest"):
            sender = f"{prefix}{channel}-{quarter.label}-{n}"
        else:
            sender = f"{prefix}{channel}-{customer.key}"
        transcript = Transcript(sender, channel, start + day * 86400 + second)
        sim.conversation(transcript, customer.pilot)
        data.rows.extend(transcript.rows)
        verified = any(r["type_name"] == "slot" and r["action_name"] == "verified"
                       for r in transcript.rows)
        if verified:
            data.cohorts[sender] = {"sender_id": sender, "channel": channel,
                                    "customer_key": customer.key, "pilot": customer.pilot}
    return data


def _chunks(rows: list[Row], size: int = CHUNK) -> Iterator[list[Row]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def write(engine: Engine, quarter: Quarter, data: DemoData, prefix: str = DEMO_PREFIX) -> int:
    """Replace the quarter's demo events (and their cohort rows) with ``data``."""
    ensure_schema(engine)
    with engine.begin() as conn:
        f = quarter.filters()
        conn.execute(delete(events).where(events.c.sender_id.like(f"{prefix}%"), in_range(f)))
        senders = list(data.cohorts)
        for i in range(0, len(senders), 1000):
            conn.execute(delete(cohorts).where(cohorts.c.sender_id.in_(senders[i:i + 1000])))
        for chunk in _chunks(data.rows):
            conn.execute(insert(events), chunk)
        cohort_rows = list(data.cohorts.values())
        for chunk in _chunks(cohort_rows):
            conn.execute(insert(cohorts), chunk)
    analyze(engine)
    return len(data.rows)


def analyze(engine: Engine) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL plans joins badly without)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE events"))
            conn.execute(text("ANALYZE analytics_cohorts"))


def generate_two_quarters(engine: Engine, quarter: Quarter, conversations: int,
                          seed: int = 7) -> tuple[int, int]:
    """The quarter asked for and, smaller and somewhat worse, the one before it."""
    current = write(engine, quarter, generate(quarter, conversations, seed, CURRENT))
    earlier_quarter = quarter.previous()
    earlier = write(engine, earlier_quarter,
                    generate(earlier_quarter, conversations * 3 // 4, seed, EARLIER))
    return current, earlier
