"""The charts page: every issue-7 metric for a date range and a channel (analyst, agent)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape
from typing import Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.analytics.charts import line_chart
from bot.analytics.fmt import Fmt
from bot.analytics.metrics import Metrics, compute
from bot.analytics.period import Quarter
from bot.analytics.report import ReportBuilder, _table
from bot.analytics.vocabulary import CHANNEL_LABELS, CHANNELS
from bot.api.deps import get_now
from bot.dashboard.cache import TtlCache
from bot.dashboard.filters import ChartQuery, parse
from bot.dashboard.layout import html_response, page
from bot.dashboard.store import latest_day, store_engine
from bot.operators.auth import require_operator
from bot.operators.sessions import CurrentOperator
from bot.settings import Settings

router = APIRouter(include_in_schema=False)


def _filter_form(q: ChartQuery) -> str:
    options = ['<option value="">All channels</option>'] + [
        f'<option value="{c}"{" selected" if c == q.channel else ""}>'
        f"{escape(CHANNEL_LABELS.get(c, c))}</option>"
        for c in CHANNELS
    ]
    errors = "".join(f'<p class="error" role="alert">{escape(e)}</p>' for e in q.errors)
    return (
        f'{errors}<form class="filters panel" method="get" action="/dashboard/">'
        f'<div><label for="start">From (UTC)</label><input id="start" name="start" type="date" '
        f'value="{q.first.isoformat()}"></div>'
        f'<div><label for="end">To (UTC, inclusive)</label><input id="end" name="end" '
        f'type="date" value="{q.last.isoformat()}"></div>'
        f'<div><label for="channel">Channel</label><select id="channel" name="channel">'
        f'{"".join(options)}</select></div>'
        '<div><button class="primary" type="submit">Show</button></div></form>'
    )


def _daily(m: Metrics, q: ChartQuery, fmt: Fmt) -> str:
    days = (q.last - q.first).days + 1
    labels = [date.fromordinal(q.first.toordinal() + i).strftime("%d %b") for i in range(days)]
    conversations: dict[str, list[float]] = {}
    customers: dict[str, list[float]] = {}
    for entry in m.volume.by_day:
        i = (entry.day - q.first).days
        if 0 <= i < days:
            name = CHANNEL_LABELS.get(entry.channel, entry.channel)
            conversations.setdefault(name, [0.0] * days)[i] += entry.conversations
            customers.setdefault(name, [0.0] * days)[i] += entry.customers
    c, fb = m.containment, m.fallbacks
    rows = [
        [CHANNEL_LABELS.get(name, name), fmt.number(conv), fmt.number(cust),
         fmt.percent(c.channel_rate(name)), fmt.percent(fb.channel_rate(name))]
        for name, (conv, cust) in sorted(m.volume.by_channel.items(), key=lambda x: -x[1][0])
    ]
    return (
        line_chart(labels, conversations, "Conversations per day, by channel")
        + line_chart(labels, customers, "Unique customers per day, by channel")
        + _table(["Channel", "Conversations", "Customers", "Containment", "Not understood"], rows)
    )


def _cards(m: Metrics, fmt: Fmt) -> str:
    h, lat = m.headline, m.latency.percentiles
    cards = [
        ("Conversations", fmt.number(h.conversations)),
        ("Unique customers", fmt.number(h.customers)),
        ("Containment", fmt.percent(h.containment_rate)),
        ("Task completion", fmt.percent(h.completion_rate)),
        ("Handoff rate", fmt.percent(h.handoff_rate)),
        ("Not understood", fmt.percent(h.fallback_rate)),
        ("Satisfaction (1\u20135)", fmt.decimal(h.satisfaction) if h.ratings else "\u2013"),
        ("Response time p95", fmt.seconds(lat[95]) if 95 in lat else "\u2013"),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div></div>' for label, value in cards
    ) + "</div>"


COHORT_NAMES = {"pilot": "Pilot customers", "non_pilot": "Other verified customers",
                "unverified": "Not verified"}


def _cohorts(m: Metrics, fmt: Fmt) -> str:
    rows = [
        [COHORT_NAMES.get(name, name), fmt.number(h.conversations), fmt.number(h.customers),
         fmt.percent(h.containment_rate), fmt.percent(h.completion_rate),
         fmt.percent(h.handoff_rate), fmt.percent(h.fallback_rate),
         fmt.decimal(h.satisfaction) if h.ratings else "\u2013"]
        for name, h in m.cohorts.items()
    ]
    return _table(["Cohort", "Conversations", "Customers", "Containment", "Completion",
                   "Handoff rate", "Not understood", "Satisfaction"], rows)


def render_metrics(m: Metrics, q: ChartQuery, fmt: Fmt) -> str:
    report = ReportBuilder(Quarter.containing(q.first), m, None, [], fmt)
    sections = [
        ("volume", "Conversations and customers", _daily(m, q, fmt)),
        ("tasks", "Tasks: completion, abandonment, messages per task", report.tasks()),
        ("handoffs", "Handoffs: rate and reasons", report.handoffs()),
        ("understanding", "Understanding: fallbacks and top intents", report.understanding()),
        ("experience", "Satisfaction and response time", report.experience()),
        ("cohorts", "Pilot versus non-pilot", _cohorts(m, fmt)),
    ]
    return _cards(m, fmt) + "".join(
        f'<section class="panel" id="{sid}"><h3>{escape(title)}</h3>{body}</section>'
        for sid, title, body in sections
    )


def _cache(request: Request) -> TtlCache[Metrics]:
    cache: Optional[TtlCache[Metrics]] = getattr(request.app.state, "metrics_cache", None)
    if cache is None:
        cache = TtlCache(timedelta(seconds=request.app.state.settings.dashboard_cache_seconds))
        request.app.state.metrics_cache = cache
    return cache


def _compute(engine: Engine, q: ChartQuery) -> Metrics:
    with engine.connect() as conn:
        return compute(conn, q.filters)


@router.get("/dashboard")
def no_slash() -> Response:
    return RedirectResponse("/dashboard/", status_code=307)


@router.get("/dashboard/")
def charts(
    request: Request,
    start: Optional[str] = None,
    end: Optional[str] = None,
    channel: Optional[str] = None,
    operator: CurrentOperator = Depends(require_operator("analyst", "agent")),
    now: datetime = Depends(get_now),
) -> Response:
    settings: Settings = request.app.state.settings
    fmt = Fmt(settings.locale, settings.currency)
    try:
        engine = store_engine(request.app)
        q = parse(start, end, channel, latest_day(engine, now.date()))
        metrics = _cache(request).get_or_compute(
            (q.first, q.last, q.channel), now, lambda: _compute(engine, q))
    except (SQLAlchemyError, ValueError) as error:
        body = ('<p class="error" role="alert">The conversation store could not be read '
                f"({escape(type(error).__name__)}). Check TCN_TRACKER_STORE_* settings.</p>")
        return html_response(page("Assistant performance", body, operator, "/dashboard/"), 503)
    scope = CHANNEL_LABELS.get(q.channel, "all channels") if q.channel else "all channels"
    intro = (f'<p class="muted">{q.first:%d %b %Y} \u2013 {q.last:%d %b %Y} (UTC), '
             f"{escape(scope)}. Definitions: docs/monitoring.md.</p>")
    body = _filter_form(q) + intro + render_metrics(metrics, q, fmt)
    status = 422 if q.errors else 200
    return html_response(page("Assistant performance", body, operator, "/dashboard/"), status)
