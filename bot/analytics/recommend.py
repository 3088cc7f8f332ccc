"""Optimisation recommendations derived from the metrics by explicit rules.

Every rule reads computed figures and fires only when its threshold is crossed; the
text quotes the figures that made it fire. Thresholds are documented in
docs/monitoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.analytics.cohort_metrics import Summary
from bot.analytics.metrics import Headline, Metrics
from bot.analytics.scope import ratio
from bot.analytics.vocabulary import CHANNEL_LABELS, REASON_LABELS, TASK_LABELS

LOW_COMPLETION = 0.75
VERY_LOW_COMPLETION = 0.6
MIN_TASK_STARTS = 20
LONG_TASK_TURNS = 5.0
HIGH_FALLBACK = 0.05
CHANNEL_FALLBACK_FACTOR = 1.4
MIN_CHANNEL_MESSAGES = 50
CONTAINMENT_GAP = 0.08
HANDOFF_CAUSE_SHARE = 0.2
SLOW_P95_SECONDS = 2.0
LOW_SATISFACTION = 4.0
LOW_RATING_SHARE = 0.15
MIN_TASK_RATINGS = 20
TASK_RATING_GAP = 0.3
WORSENED_RATE = 0.02
WORSENED_SATISFACTION = 0.1
ROLLOUT_CONTAINMENT = 0.7
ROLLOUT_SATISFACTION = 4.0
COHORT_MARGIN = 0.02


@dataclass(frozen=True)
class Recommendation:
    priority: int  # 1 high, 2 medium, 3 low
    area: str
    title: str
    evidence: str
    action: str
    impact: int = 0  # conversations or messages concerned, to order within a priority


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def task_dropout(m: Metrics, limit: int = 3) -> list[Recommendation]:
    """The tasks below the completion target that lose the most customers."""
    below = [
        t for t in m.tasks
        if t.task != "human_handoff" and t.started >= MIN_TASK_STARTS
        and t.completion_rate < LOW_COMPLETION
    ]
    found = []
    for t in sorted(below, key=lambda t: -t.abandoned)[:limit]:
        label = TASK_LABELS.get(t.task, t.task)
        turns = m.turns.get(t.task)
        turns_text = f"; completed ones took {turns:.1f} messages on average" if turns else ""
        if turns is not None and turns >= LONG_TASK_TURNS:
            action = ("The flow is long: prefill answers from the account, merge the "
                      "confirmation into the last question and offer buttons for the choices.")
        else:
            action = ("The flow is short but customers still leave: read the abandoned "
                      "transcripts to see whether verification or the first answer stops them.")
        found.append(Recommendation(
            1 if t.completion_rate < VERY_LOW_COMPLETION else 2,
            "Tasks",
            f"Raise completion of '{label}'",
            f"{t.abandoned:,} of {t.started:,} started '{label}' tasks were not completed "
            f"(completion {pct(t.completion_rate)}, target {pct(LOW_COMPLETION)}){turns_text}.",
            action,
            t.abandoned,
        ))
    if len(below) > limit:
        rest = ", ".join(TASK_LABELS.get(t.task, t.task) for t in below
                         if t not in sorted(below, key=lambda t: -t.abandoned)[:limit])
        found.append(Recommendation(
            3, "Tasks", "Also below the completion target",
            f"{rest} (completion under {pct(LOW_COMPLETION)}).",
            "Review after the tasks above, in the same way.",
            0,
        ))
    return found


def understanding(m: Metrics) -> list[Recommendation]:
    fb = m.fallbacks
    found = []
    if fb.user_messages and fb.rate > HIGH_FALLBACK and fb.top_messages:
        examples = ", ".join(f"'{text}' ({n:,})" for text, n in fb.top_messages[:3])
        closest = ", ".join(f"{name} ({n:,})" for name, n in fb.closest_intents[:3])
        found.append(Recommendation(
            1 if fb.rate > 2 * HIGH_FALLBACK else 2,
            "Understanding",
            "Teach the assistant the messages it missed most",
            f"{pct(fb.rate)} of customer messages were not understood "
            f"(threshold {pct(HIGH_FALLBACK)}). Most frequent: {examples}. "
            f"Closest intents: {closest}.",
            "Add these phrasings as training examples of their closest intents (or new "
            "intents), retrain, and check the dev set does not regress.",
            fb.nlu_fallbacks + fb.core_fallbacks,
        ))
    for channel, (total, missed) in sorted(fb.by_channel.items()):
        rate = ratio(missed, total)
        if total >= MIN_CHANNEL_MESSAGES and fb.rate and rate > CHANNEL_FALLBACK_FACTOR * fb.rate:
            label = CHANNEL_LABELS.get(channel, channel)
            found.append(Recommendation(
                2, "Channels",
                f"Make {label} answers easier to understand",
                f"On {label}, {pct(rate)} of messages were not understood against "
                f"{pct(fb.rate)} overall ({missed:,} of {total:,}).",
                "Offer numbered choices and short keyword replies on this channel, and add "
                "its typical short phrasings to the training data.",
                missed,
            ))
    return found


def containment_gaps(m: Metrics) -> list[Recommendation]:
    c = m.containment
    rated = [(ch, c.channel_rate(ch), v[0]) for ch, v in c.by_channel.items() if v[0] >= 30]
    if len(rated) < 2:
        return []
    best = max(rated, key=lambda r: r[1])
    worst = min(rated, key=lambda r: r[1])
    if best[1] - worst[1] < CONTAINMENT_GAP:
        return []
    label, best_label = (CHANNEL_LABELS.get(x[0], x[0]) for x in (worst, best))
    return [Recommendation(
        2, "Channels",
        f"Close the containment gap on {label}",
        f"Containment is {pct(worst[1])} on {label} against {pct(best[1])} on {best_label} "
        f"({worst[2]:,} conversations with a task on {label}).",
        f"Compare {label} transcripts with {best_label} ones for the same tasks; fix the "
        "steps where customers leave or ask for a person.",
        worst[2],
    )]


HANDOFF_ACTIONS = {
    "asked_directly": "Show what the assistant can do at the start and offer the tasks "
                      "customers ask agents for most as buttons.",
    "not_understood": "Work through the messages not understood (see Understanding) so "
                      "fewer conversations end with a person.",
    "invalid_answers": "Accept more answer formats and show an example before the second try.",
    "technical_problem": "Fix the backend errors behind these handoffs; monitor error rates "
                         "of the actions involved.",
    "payment_problem": "Explain declined payments and offer a payment link before a person.",
    "request_refused": "Explain the refusal and offer the alternatives the rules allow.",
}


def handoffs(m: Metrics) -> list[Recommendation]:
    total = sum(c.count for c in m.handoff_causes)
    found = []
    for cause in m.handoff_causes[:3]:
        share = ratio(cause.count, total)
        if share < HANDOFF_CAUSE_SHARE:
            continue
        label = TASK_LABELS.get(cause.task, cause.task)
        task = "" if cause.task == "none" else f" during '{label}'"
        found.append(Recommendation(
            1 if share >= 2 * HANDOFF_CAUSE_SHARE else 2,
            "Handoffs",
            f"Reduce handoffs: {REASON_LABELS.get(cause.reason, cause.reason).lower()}{task}",
            f"{cause.count:,} of {total:,} handoffs ({pct(share)}); handoff rate "
            f"{pct(m.headline.handoff_rate)} of conversations.",
            HANDOFF_ACTIONS.get(cause.reason, "Review these transcripts."),
            cause.count,
        ))
    return found


def experience(m: Metrics) -> list[Recommendation]:
    found = []
    p95 = m.latency.percentiles.get(95)
    if p95 is not None and p95 > SLOW_P95_SECONDS:
        found.append(Recommendation(
            2, "Speed", "Speed up the slowest answers",
            f"95% of answers came within {p95:.2f} s (target {SLOW_P95_SECONDS:.1f} s); "
            f"median {m.latency.percentiles.get(50, 0):.2f} s.",
            "Profile the slowest actions' backend calls and cache read-only lookups.",
            m.latency.samples,
        ))
    s = m.satisfaction
    rated = [(task, t) for task, t in m.satisfaction_by_task.items()
             if t.count >= MIN_TASK_RATINGS and t.average < s.average - TASK_RATING_GAP]
    for task, t in sorted(rated, key=lambda x: x[1].average)[:2]:
        label = TASK_LABELS.get(task, task)
        found.append(Recommendation(
            2, "Satisfaction", f"Find out why '{label}' is rated lower",
            f"'{label}' averages {t.average:.2f} from {t.count:,} ratings against "
            f"{s.average:.2f} overall; {pct(t.low_share)} rated it 1 or 2.",
            "Read the low-rated transcripts of this task and fix what they have in common.",
            t.distribution[1] + t.distribution[2],
        ))
    if s.count and (s.average < LOW_SATISFACTION or s.low_share > LOW_RATING_SHARE):
        found.append(Recommendation(
            1 if s.average < LOW_SATISFACTION - 0.5 else 2,
            "Satisfaction", "Find out why customers rate low",
            f"Average rating {s.average:.2f} of 5 from {s.count:,} ratings; "
            f"{pct(s.low_share)} gave 1 or 2 (targets: {LOW_SATISFACTION:.1f} and "
            f"{pct(LOW_RATING_SHARE)}).",
            "Read the transcripts of 1-2 ratings by task and fix the most common cause.",
            s.distribution[1] + s.distribution[2],
        ))
    return found


def trends(current: Headline, previous: Optional[Headline]) -> list[Recommendation]:
    if previous is None or not previous.conversations:
        return []
    found = []
    checks = (
        ("containment", current.containment_rate, previous.containment_rate, True),
        ("task completion", current.completion_rate, previous.completion_rate, True),
        ("handoff rate", current.handoff_rate, previous.handoff_rate, False),
        ("misunderstood messages", current.fallback_rate, previous.fallback_rate, False),
    )
    for name, now, before, higher_is_better in checks:
        worse = (before - now) if higher_is_better else (now - before)
        if worse > WORSENED_RATE:
            found.append(Recommendation(
                1, "Trend", f"Investigate the worse {name}",
                f"{name.capitalize()} went from {pct(before)} to {pct(now)} since last quarter.",
                "Compare the two quarters by task and channel to find where it changed.",
                current.conversations,
            ))
    if previous.ratings and previous.satisfaction - current.satisfaction > WORSENED_SATISFACTION:
        found.append(Recommendation(
            1, "Trend", "Investigate the lower satisfaction",
            f"Average rating went from {previous.satisfaction:.2f} to "
            f"{current.satisfaction:.2f} since last quarter.",
            "Compare low ratings by task between the two quarters.",
            current.ratings,
        ))
    return found


def rollout(m: Metrics) -> list[Recommendation]:
    pilot, rest = m.cohorts.get("pilot"), m.cohorts.get("non_pilot")
    if pilot is None or not pilot.conversations:
        return []
    ready = (pilot.containment_rate >= ROLLOUT_CONTAINMENT
             and pilot.satisfaction >= ROLLOUT_SATISFACTION)
    figures = (f"Pilot containment {pct(pilot.containment_rate)}, satisfaction "
               f"{pilot.satisfaction:.2f}")
    if rest is not None and rest.conversations:
        figures += (f"; other verified customers {pct(rest.containment_rate)} and "
                    f"{rest.satisfaction:.2f}")
        if rest.containment_rate < pilot.containment_rate - COHORT_MARGIN:
            figures += " (lower than the pilot: watch the wider rollout closely)"
    if ready:
        return [Recommendation(
            3, "Rollout", "Widen the rollout in steps",
            f"{figures}; targets {pct(ROLLOUT_CONTAINMENT)} and {ROLLOUT_SATISFACTION:.1f} "
            "are met.",
            "Raise the rollout percentage in steps (for example 5%, 15%, 40%), comparing the "
            "cohorts' containment and ratings after each step.",
            pilot.conversations,
        )]
    return [Recommendation(
        2, "Rollout", "Hold the rollout at its current size",
        f"{figures}; targets are {pct(ROLLOUT_CONTAINMENT)} containment and "
        f"{ROLLOUT_SATISFACTION:.1f} satisfaction.",
        "Fix the high-priority items above first, then re-measure the pilot.",
        pilot.conversations,
    )]


def recommendations(current: Metrics, previous: Optional[Summary]) -> list[Recommendation]:
    found = [
        *trends(current.headline, previous.headline if previous else None),
        *task_dropout(current),
        *understanding(current),
        *handoffs(current),
        *containment_gaps(current),
        *experience(current),
        *rollout(current),
    ]
    return sorted(found, key=lambda r: (r.priority, -r.impact, r.title))
