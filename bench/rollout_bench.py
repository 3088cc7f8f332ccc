"""Benchmark: what the controlled rollout costs and how its stable hash spreads customers.

1. Buckets of 2,000,000 account numbers (the full customer base): time, the share in
   at 0.25 % (about the 5,000-customer pilot) and at 12.5 %, the spread over deciles.
2. The check added to every start-verification (read the channel's configuration by
   primary key, decide) and the refusal upsert, on SQLite and on PostgreSQL, each
   in a throwaway database migrated to head.

    .venv/bin/python bench/rollout_bench.py [--customers 2000000] [--calls 2000]

Figures are recorded in docs/rollout.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.db.models import Customer
from bot.rollout import refusals
from bot.rollout.enforce import decision_for
from bot.rollout.hashing import bucket, threshold
from bot.seed import seed
from bot.settings import Settings

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
PG_SERVER = os.environ.get("TCN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def hashing(customers: int) -> None:
    started = time.perf_counter()
    buckets = [bucket(f"AC{10_000_000 + i:08d}", "bench-salt") for i in range(customers)]
    seconds = time.perf_counter() - started
    print(f"buckets of {customers:,} accounts: {seconds:.2f} s "
          f"({seconds / customers * 1e6:.2f} us each)")
    for pct in (Decimal("0.25"), Decimal("12.5"), Decimal("50")):
        limit = threshold(pct)
        served = sum(b < limit for b in buckets)
        expected = customers * float(pct) / 100
        print(f"  at {pct}%: {served:,} served (expected {expected:,.0f}, "
              f"{(served - expected) / expected:+.2%})")
    deciles = [0] * 10
    for b in buckets:
        deciles[b // 1000] += 1
    spread = (max(deciles) - min(deciles)) / (customers / 10)
    print(f"  deciles: min {min(deciles):,} max {max(deciles):,} (spread {spread:.2%})")


def checks(label: str, url: str, calls: int) -> None:
    upgrade(url)
    seed(url, customers=1000, now=NOW)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as db:
            people = list(db.execute(select(Customer).limit(200)).scalars())
            timings = []
            for i in range(calls):
                customer = people[i % len(people)]
                started = time.perf_counter()
                decision_for(db, settings, customer, "twilio_sms")
                timings.append(time.perf_counter() - started)
            db.rollback()
            upserts = []
            for _ in range(calls // 4):
                started = time.perf_counter()
                refusals.record(db, day=NOW.date(), channel="web", reason="not_selected")
                db.commit()
                upserts.append(time.perf_counter() - started)
        ms = sorted(t * 1000 for t in timings)
        up = sorted(t * 1000 for t in upserts)
        print(f"{label}: decision median {statistics.median(ms):.3f} ms, "
              f"p95 {ms[int(len(ms) * 0.95)]:.3f} ms over {calls} calls; "
              f"refusal upsert+commit median {statistics.median(up):.3f} ms, "
              f"p95 {up[int(len(up) * 0.95)]:.3f} ms over {len(up)}")
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=2_000_000)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    hashing(args.customers)
    with tempfile.TemporaryDirectory() as tmp:
        checks("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.calls)
    name = f"tcn_bench_rollout_{secrets.token_hex(4)}"
    admin = create_engine(PG_SERVER, future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
        checks("PostgreSQL", url, args.calls)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
