"""The quarterly performance report: one self-contained HTML file (inline SVG, no links
to anything outside the file)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from html import escape
from typing import Optional

from bot.analytics.charts import bar_chart, line_chart
from bot.analytics.cohort_metrics import Summary
from bot.analytics.fmt import Fmt
from bot.analytics.metrics import Headline, Metrics
from bot.analytics.outcomes import GROUPS, Outcomes
from bot.analytics.period import Quarter
from bot.analytics.recommend import Recommendation
from bot.analytics.report_style import CSS, DEFINITIONS
from bot.analytics.rollout_refusals import Refusals
from bot.analytics.scope import ratio
from bot.analytics.vocabulary import CHANNEL_LABELS, REASON_LABELS, TASK_LABELS

PRIORITY = {1: "High", 2: "Medium", 3: "Low"}
OUTCOME_LABELS = {
    "payments_succeeded": "Payments made",
    "payments_declined": "Payments declined",
    "payments_pending": "Payments pending",
    "plan_changes": "Plan changes",
    "arrangements": "Payment arrangements",
    "requests_human_handoff": "Handoff tickets",
    "requests_fault": "Fault tickets",
}
DASH = "\u2013"


def _table(headers: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="{"num" if i >= numeric_from else ""}">{escape(cell)}</td>'
            for i, cell in enumerate(row)
        ) + "</tr>"
        for row in rows
    )
    if not rows:
        body = f'<tr><td colspan="{len(headers)}" class="empty">No data in this period</td></tr>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _channel(name: str) -> str:
    return CHANNEL_LABELS.get(name, name)


class ReportBuilder:
    def __init__(self, quarter: Quarter, current: Metrics, previous: Optional[Summary],
                 recommendations: list[Recommendation], fmt: Fmt,
                 outcomes: Optional[Outcomes] = None,
                 refusals: Optional[Refusals] = None) -> None:
        self.outcomes = outcomes
        self.refusals = refusals
        self.q = quarter
        self.m = current
        self.p = previous
        self.recs = recommendations
        self.f = fmt

    def summary(self) -> str:
        h, f = self.m.headline, self.f
        if not h.conversations:
            return ("<p>No conversations were recorded in this quarter. Check that the "
                    "assistant's conversation store is the one configured, or load demo data "
                    "with <code>python -m bot demo</code>.</p>")
        text = (f"In {self.q.label} the assistant handled {f.number(h.conversations)} "
                f"conversations from {f.number(h.customers)} customers")
        prev = self.p.headline if self.p else None
        if prev and prev.conversations:
            text += (f" ({f.change_relative(h.conversations, prev.conversations)} on "
                     f"{self.q.previous().label})")
        text += (f". {f.percent(h.containment_rate)} of conversations with a task were resolved "
                 f"without a person, {f.percent(h.handoff_rate)} were handed over, and customers "
                 f"rated the help {f.decimal(h.satisfaction)} of 5 on average.")
        high = sum(1 for r in self.recs if r.priority == 1)
        text += f" {len(self.recs)} recommendations follow, {high} of them high priority."
        return f"<p>{escape(text)}</p>"

    def headline(self) -> str:
        f, h = self.f, self.m.headline
        prev: Optional[Headline] = self.p.headline if self.p else None
        lat = self.m.latency.percentiles
        rows = [
            ("Conversations", f.number(h.conversations),
             prev and f.number(prev.conversations),
             prev and f.change_relative(h.conversations, prev.conversations)),
            ("Unique customers", f.number(h.customers), prev and f.number(prev.customers),
             prev and f.change_relative(h.customers, prev.customers)),
        ]
        for label, attr in (
            ("Containment", "containment_rate"),
            ("Task completion", "completion_rate"),
            ("Handoff rate", "handoff_rate"),
            ("Messages not understood", "fallback_rate"),
        ):
            now: float = getattr(h, attr)
            if prev is None:
                rows.append((label, f.percent(now), None, None))
            else:
                before: float = getattr(prev, attr)
                rows.append((label, f.percent(now), f.percent(before),
                             f.change_points(now, before)))
        rows.append(("Satisfaction (1\u20135)", f.decimal(h.satisfaction),
                     prev and f.decimal(prev.satisfaction),
                     prev and f.change_plain(h.satisfaction, prev.satisfaction)))
        if self.p and 95 in lat and 95 in self.p.latency.percentiles:
            before_p95 = self.p.latency.percentiles[95]
            rows.append(("Response time p95", f.seconds(lat[95]), f.seconds(before_p95),
                         f.change_plain(lat[95], before_p95) + " s"))
        cards = "".join(
            f'<div class="card"><div class="label">{escape(label)}</div>'
            f'<div class="value">{escape(now)}</div>'
            f'<div class="delta">{escape(delta or "")} '
            f'<span class="muted">{escape("vs " + before if before else "")}</span></div></div>'
            for label, now, before, delta in rows
        )
        return f'<div class="cards">{cards}</div>'

    def volume(self) -> str:
        v, f = self.m.volume, self.f
        weeks = (self.q.end - self.q.start).days // 7 + 1
        series: dict[str, list[float]] = {}
        for entry in v.by_day:
            week = min((entry.day - self.q.start).days // 7, weeks - 1)
            series.setdefault(_channel(entry.channel), [0.0] * weeks)[week] += entry.conversations
        labels = [(self.q.start + timedelta(days=7 * w)).strftime("%d %b") for w in range(weeks)]
        chart = line_chart(labels, series, "Conversations per week, by channel")
        c, fb = self.m.containment, self.m.fallbacks
        rows = [
            [_channel(name), f.number(conv), f.number(cust), f.percent(c.channel_rate(name)),
             f.percent(fb.channel_rate(name))]
            for name, (conv, cust) in sorted(v.by_channel.items(), key=lambda x: -x[1][0])
        ]
        table = _table(["Channel", "Conversations", "Customers", "Containment",
                        "Not understood"], rows)
        return chart + table

    def tasks(self) -> str:
        f = self.f
        tasks = sorted((t for t in self.m.tasks if t.started), key=lambda t: -t.started)
        rows = [
            [TASK_LABELS.get(t.task, t.task), f.number(t.started), f.number(t.completed),
             f.percent(t.completion_rate), f.number(t.abandoned),
             f.decimal(self.m.turns[t.task], 1) if t.task in self.m.turns else DASH]
            for t in tasks
        ]
        chart = bar_chart(
            [(TASK_LABELS.get(t.task, t.task), t.completion_rate) for t in tasks],
            "Completion rate by task", fmt=f.percent, max_value=1.0,
        )
        note = (f"<p>Explicitly stopped by the customer: {f.number(self.m.stopped)}; "
                f"switched to another task: {f.number(self.m.switched)}.</p>")
        return chart + _table(["Task", "Started", "Completed", "Completion", "Abandoned",
                               "Messages per completed task"], rows) + note

    def handoffs(self) -> str:
        f = self.f
        causes = self.m.handoff_causes
        total = sum(c.count for c in causes)
        by_reason: dict[str, int] = {}
        for cause in causes:
            by_reason[cause.reason] = by_reason.get(cause.reason, 0) + cause.count
        chart = bar_chart(
            [(REASON_LABELS.get(r, r), n) for r, n in
             sorted(by_reason.items(), key=lambda x: -x[1])],
            "Handoffs by reason", fmt=f.number, color="#e07b00",
        )
        rows = [
            [REASON_LABELS.get(c.reason, c.reason),
             TASK_LABELS.get(c.task, "before any task") if c.task != "none" else "before any task",
             f.number(c.count), f.percent(ratio(c.count, total))]
            for c in causes[:12]
        ]
        return (f"<p>Handoff rate: {f.percent(self.m.headline.handoff_rate)} of conversations "
                f"({f.number(total)} handoffs asked for).</p>" + chart
                + _table(["Reason", "Last task started", "Handoffs", "Share"], rows, 2))

    def understanding(self) -> str:
        f, fb = self.f, self.m.fallbacks
        rows = [[text, f.number(n), f.percent(ratio(n, fb.nlu_fallbacks))]
                for text, n in fb.top_messages]
        closest = bar_chart(fb.closest_intents[:8], "Closest intent of messages not understood",
                            fmt=f.number, color="#c0392b")
        intents = bar_chart(self.m.intents[:12], "Top intents", fmt=f.number)
        return (
            f"<p>{f.percent(fb.rate)} of {f.number(fb.user_messages)} customer messages were not "
            f"understood ({f.number(fb.nlu_fallbacks)} NLU fallbacks, "
            f"{f.number(fb.core_fallbacks)} dialogue fallbacks).</p>"
            + _table(["Most frequent messages not understood", "Times", "Share"], rows)
            + closest + intents
        )

    def experience(self) -> str:
        f, s, lat = self.f, self.m.satisfaction, self.m.latency
        chart = bar_chart([(f"{k} ★", v) for k, v in sorted(s.distribution.items(),
                                                             reverse=True)],
                          "Satisfaction ratings", fmt=f.number, color="#2e8b57")
        rows = [[f"p{p}", f.seconds(v)] for p, v in sorted(lat.percentiles.items())]
        by_task = sorted(self.m.satisfaction_by_task.items(), key=lambda x: x[1].average)
        task_rows = [[TASK_LABELS.get(task, task), f.decimal(t.average), f.number(t.count),
                      f.percent(t.low_share)] for task, t in by_task]
        return (
            f"<p>Average {f.decimal(s.average)} of 5 from {f.number(s.count)} ratings; "
            f"{f.percent(s.low_share)} rated 1 or 2.</p>" + chart
            + _table(["Task rated", "Average", "Ratings", "Rated 1-2"], task_rows)
            + f"<p>Response time from a customer message to the assistant's answer "
              f"({f.number(lat.samples)} answers):</p>"
            + _table(["Percentile", "Seconds"], rows)
        )

    def cohorts(self) -> str:
        f = self.f
        names = {"pilot": "Pilot customers (allow-list)",
                 "non_pilot": "Percentage-rollout customers", "unverified": "Not verified"}
        rows = [
            [names[name], f.number(h.conversations), f.number(h.customers),
             f.percent(h.containment_rate), f.percent(h.completion_rate),
             f.percent(h.handoff_rate), f.percent(h.fallback_rate),
             f.decimal(h.satisfaction) if h.ratings else DASH]
            for name, h in self.m.cohorts.items()
        ]
        return _table(["Cohort", "Conversations", "Customers", "Containment", "Completion",
                       "Handoff rate", "Not understood", "Satisfaction"], rows) + self.turned_away()

    def turned_away(self) -> str:
        """Refusals by the controlled rollout (backend counts per channel and reason)."""
        r, f = self.refusals, self.f
        if r is None:
            return ("<p>Refusals by the rollout are not shown: the backend of record was not "
                    "available when this report was made.</p>")
        reasons = {"not_selected": "outside the allow-list and the percentage",
                   "channel_disabled": "channel switched off"}
        rows = [[_channel(channel), reasons.get(reason, reason), f.number(n)]
                for (channel, reason), n in sorted(r.by_channel.items())]
        months = ", ".join(f"{m}: {f.number(n)}" for m, n in sorted(r.by_month.items()))
        return (f"<p>Customers turned away by the controlled rollout in the quarter: "
                f"{f.number(r.total)}{f' ({escape(months)})' if months else ''}. They were "
                "pointed to the self-service portal or a person by phone.</p>"
                + _table(["Channel", "Reason", "Refused"], rows, numeric_from=2))

    def business(self) -> str:
        o, f = self.outcomes, self.f
        if o is None:
            return ("<p>The backend of record was not available when this report was made, "
                    "so payments, tickets and plan changes are not shown.</p>")
        if not o.counts:
            return ("<p>The backend of record holds no payments, service requests, plan "
                    "changes or arrangements in this quarter.</p>")
        rows = [["Amount paid", *(f.money(o.paid.get(g, Decimal("0.00"))) for g in GROUPS),
                 f.money(sum(o.paid.values(), Decimal("0.00")))]]
        for name in sorted(o.counts):
            label = OUTCOME_LABELS.get(name, name.replace("_", " ").capitalize())
            rows.append([label, *(f.number(o.counts[name][g]) for g in GROUPS),
                         f.number(o.total(name))])
        return ("<p>Recorded by the backend of record in the quarter (every channel).</p>"
                + _table(["Outcome", "Pilot customers", "Other customers", "Total"], rows))

    def recommendations(self) -> str:
        if not self.recs:
            return "<p>No rule fired: every monitored figure is within its target.</p>"
        items = "".join(
            f'<li class="p{r.priority}"><span class="tag">{PRIORITY[r.priority]} · '
            f"{escape(r.area)}</span> <strong>{escape(r.title)}</strong>"
            f"<p>{escape(r.evidence)}</p><p><em>Recommended:</em> {escape(r.action)}</p></li>"
            for r in self.recs
        )
        return f"<ol class=\"recs\">{items}</ol>"

    def render(self, generated: Optional[datetime] = None) -> str:
        when = (generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
        last_day = self.q.end - timedelta(days=1)
        sections = [
            ("summary", "Executive summary", self.summary() + self.headline()),
            ("recommendations", "Optimisation recommendations", self.recommendations()),
            ("volume", "Conversations and channels", self.volume()),
            ("tasks", "Tasks: completion and abandonment", self.tasks()),
            ("handoffs", "Handoffs to a person", self.handoffs()),
            ("understanding", "Understanding: intents and fallbacks", self.understanding()),
            ("experience", "Satisfaction and response time", self.experience()),
            ("cohorts", "Pilot (allow-list) versus percentage rollout", self.cohorts()),
            ("outcomes", "Business outcomes", self.business()),
            ("definitions", "How the figures are computed", DEFINITIONS),
        ]
        body = "".join(f'<section id="{sid}"><h2>{escape(title)}</h2>{html}</section>'
                       for sid, title, html in sections)
        return (
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Assistant performance report {self.q.label}</title>"
            f"<style>{CSS}</style></head><body><header>"
            "<h1>TeleComNet Customer Self-Service Assistant</h1>"
            f"<p class=\"sub\">Quarterly performance report · {self.q.label} "
            f"({self.q.start:%d %b %Y} \u2013 {last_day:%d %b %Y}) · generated {when}</p>"
            f"</header>{body}</body></html>"
        )
