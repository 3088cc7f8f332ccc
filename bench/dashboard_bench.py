"""Benchmark: the dashboard's metrics computation on the conversation store.

Times what ``GET /dashboard/`` computes on a cache miss (``bot.analytics.metrics.compute``
for the chosen range and channel) against the store the settings point at: by default
the demo SQLite store that ``make run`` / ``python -m bot setup`` fills (2024Q4 and
2025Q1). Prints JSON with the load average, so figures from a shared machine can be
read with it. Usage: ``.venv/bin/python bench/dashboard_bench.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Optional

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.analytics.metrics import compute
from bot.analytics.period import Filters
from bot.analytics.schema import events, open_store, tracker_store_url
from bot.dashboard.store import latest_day
from bot.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    engine = open_store(tracker_store_url(Settings()))
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(events)).scalar() or 0)
    last = latest_day(engine, date.today())
    cases: list[tuple[str, date, date, Optional[str]]] = [
        ("default: 90 days up to the newest event, all channels",
         last - timedelta(days=89), last, None),
        ("2025Q1 (the demo quarter), all channels", date(2025, 1, 1), date(2025, 3, 31), None),
        ("one month (March 2025), all channels", date(2025, 3, 1), date(2025, 3, 31), None),
        ("2025Q1, Telegram only", date(2025, 1, 1), date(2025, 3, 31), "telegram"),
    ]
    results = []
    load_before = os.getloadavg()
    for name, first, last_day, channel in cases:
        seconds = []
        for _ in range(args.runs):
            started = time.perf_counter()
            with engine.connect() as conn:
                compute(conn, Filters.between(first, last_day, channel))
            seconds.append(round(time.perf_counter() - started, 2))
        results.append({"case": name, "seconds": seconds})
    print(json.dumps({
        "events_in_store": total,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "results": results,
    }, indent=2))


if __name__ == "__main__":
    main()
