"""Benchmark: the quarterly report over a million conversation events on PostgreSQL.

Creates a throwaway database on the server, loads demo conversations until the
reported quarter holds at least ``--events`` events (the quarter before it gets
three quarters as many conversations, for the trend), then times the full report
(metrics of both quarters, cohorts, recommendations, HTML) cold and warm, and drops
the database.

    .venv/bin/python bench/report_bench.py                      # 1,000,000 events
    .venv/bin/python bench/report_bench.py --events 50000       # a quick check

Figures are recorded in docs/monitoring.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.analytics.cli import build_report, write_atomically
from bot.analytics.demo import CURRENT, EARLIER, analyze, generate, write
from bot.analytics.fmt import Fmt
from bot.analytics.period import Quarter
from bot.analytics.schema import events, open_store

EVENTS_PER_CONVERSATION = 34.0  # measured on the demo generator; refined after a sample


def _admin(server: str):  # type: ignore[no-untyped-def]
    return create_engine(server, future=True, isolation_level="AUTOCOMMIT")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--quarter", default="2025Q1")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    args = parser.parse_args()
    quarter = Quarter.parse(args.quarter)
    name = f"tcn_report_bench_{secrets.token_hex(4)}"
    with _admin(args.server).connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.server).set(database=name).render_as_string(hide_password=False)
    figures: dict[str, object] = {"database": name, "load_average_start": os.getloadavg()}
    engine = open_store(url)
    try:
        sample = generate(quarter, 500, seed=1)
        per_conversation = len(sample.rows) / 500 if sample.rows else EVENTS_PER_CONVERSATION
        conversations = math.ceil(args.events / per_conversation * 1.05)  # "at least"
        started = time.perf_counter()
        current = generate(quarter, conversations, seed=7, quality=CURRENT)
        earlier = generate(quarter.previous(), conversations * 3 // 4, seed=7, quality=EARLIER)
        figures["generate_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        write(engine, quarter, current)
        write(engine, quarter.previous(), earlier)
        analyze(engine)
        figures["load_seconds"] = round(time.perf_counter() - started, 1)
        del current, earlier
        with engine.connect() as conn:
            q_filters = quarter.filters()
            figures["events_in_quarter"] = conn.execute(
                select(func.count()).select_from(events).where(
                    events.c.timestamp >= q_filters.start, events.c.timestamp < q_filters.end)
            ).scalar_one()
            figures["events_total"] = conn.execute(
                select(func.count()).select_from(events)).scalar_one()
        figures["conversations_in_quarter"] = conversations

        query_times: list[tuple[float, str]] = []

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn, cursor, statement, params, context, many):  # type: ignore[no-untyped-def]
            conn.info["bench_t"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, params, context, many):  # type: ignore[no-untyped-def]
            query_times.append((time.perf_counter() - conn.info["bench_t"],
                                " ".join(statement.split())[:90]))

        out = Path(tempfile.mkdtemp(prefix="report_bench_")) / f"report-{quarter.label}.html"
        runs = []
        for _ in range(2):
            query_times.clear()
            started = time.perf_counter()
            html, metrics, _recs = build_report(engine, quarter, Fmt())
            write_atomically(out, html)
            runs.append(round(time.perf_counter() - started, 2))
        figures["report_seconds_cold_warm"] = runs
        figures["queries"] = len(query_times)
        figures["slowest_queries"] = [
            f"{seconds:.2f}s {sql}" for seconds, sql in sorted(query_times, reverse=True)[:5]
        ]
        figures["report_conversations"] = metrics.headline.conversations
        figures["report_bytes"] = out.stat().st_size
        figures["load_average_end"] = os.getloadavg()
    finally:
        engine.dispose()
        if not args.keep:
            with _admin(args.server).connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
