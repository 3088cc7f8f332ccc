"""Benchmark of the backend of record over real HTTP (uvicorn in a subprocess).

Measures p50 / p95 latency (one client, sequential) and throughput (several client
threads) of three operations, for customers sampled at random across the whole base:

* account lookup   ``GET  /api/v1/me``
* current bill     ``GET  /api/v1/me/bills/current``
* payment creation ``POST /api/v1/me/payments`` (a fresh Idempotency-Key each time)

and, as context, the identity lookup ``POST /api/v1/identity/verifications`` by
account number. The database is created and seeded first (timed), or reused.

    python bench/backend_bench.py --backend sqlite --customers 5000
    python bench/backend_bench.py --backend postgres --customers 2000000 --reuse

Results are printed as a Markdown table row and appended to var/bench/results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseSettings
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import Bill, Customer, PaymentMethod  # noqa: E402
from bot.seed import seed  # noqa: E402

SERVICE_KEY = "bench-service-key-0123456789abcdef"
TOKEN_SECRET = "bench-token-secret-0123456789abcdef"


class BenchSettings(BaseSettings):
    postgres_url: str = "postgresql://postgres@127.0.0.1:5432/test"
    out_dir: Path = ROOT / "var" / "bench"

    class Config:
        env_prefix = "TCN_BENCH_"


@dataclass
class OpResult:
    operation: str
    requests: int
    p50_ms: float
    p95_ms: float
    throughput_rps: float
    errors: int
    error_statuses: dict[int, int]
    server_cpu_ms: float  # backend process CPU time per request (sequential phase)


def database_url(settings: BenchSettings, backend: str, customers: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{settings.out_dir / f'bench_{customers}.db'}"
    name = f"tcn_bench_{customers}"
    return make_url(settings.postgres_url).set(database=name).render_as_string(hide_password=False)


def count_customers(url: str) -> int:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Customer)).scalar_one())
    except Exception:
        return -1
    finally:
        engine.dispose()


def fresh_database(settings: BenchSettings, backend: str, url: str) -> None:
    if backend == "sqlite":
        path = Path(str(make_url(url).database))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = make_url(url).database
    admin = create_engine(settings.postgres_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def prepare(
    settings: BenchSettings, backend: str, customers: int, reuse: bool
) -> tuple[str, float]:
    url = database_url(settings, backend, customers)
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    if reuse and count_customers(url) == customers:
        print(f"reusing {backend} database with {customers} customers", flush=True)
        upgrade(url)  # migrations added since the seed (they leave the customer rows alone)
        return url, float("nan")
    fresh_database(settings, backend, url)
    upgrade(url)
    started = time.perf_counter()
    report = seed(url, customers=customers, progress=_progress(customers))
    seconds = time.perf_counter() - started
    print(f"seeded: {report}", flush=True)
    return url, seconds


def _progress(total: int) -> Callable[[int], None]:
    step = max(total // 20, 5000)

    def show(done: int) -> None:
        if done % step < 5000:
            print(f"  seeded {done}/{total}", flush=True)

    return show


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def raise_priority(url: str, nice: int, pids: tuple[int, ...] = ()) -> None:
    """Give the measured processes priority over the rest of the shared machine: this
    client, the given processes and (PostgreSQL) the server processes of the bench
    database's connections. ``nice`` 0 leaves everything as it is."""
    if not nice:
        return
    targets = {os.getpid(), *pids}
    if make_url(url).get_backend_name() == "postgresql":
        engine = create_engine(url, future=True)
        try:
            with engine.connect() as conn:
                name = make_url(url).database
                rows = conn.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE datname = :name"),
                    {"name": name},
                )
                targets |= {int(pid) for (pid,) in rows}
        finally:
            engine.dispose()
    for pid in targets:
        with suppress(PermissionError, ProcessLookupError):
            os.setpriority(os.PRIO_PROCESS, pid, -abs(nice))


@contextmanager
def server(url: str) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = dict(os.environ)
    env.update(
        TCN_DATABASE_URL=url,
        TCN_SERVICE_KEY=SERVICE_KEY,
        TCN_TOKEN_SECRET=TOKEN_SECRET,
        TCN_DEMO_MODE="true",
        TCN_OTP_RESEND_SECONDS="0",
        TCN_SESSION_TTL_MINUTES="120",
        # the whole base is measured, not only the rollout's pilot cohort
        TCN_ROLLOUT_DEFAULT_PERCENTAGE="100",
    )
    # ws="none": the websockets package Rasa pins is older than uvicorn's sans-io protocol
    code = (
        "import uvicorn; uvicorn.run('bot.api.app:create_app', factory=True, host='127.0.0.1', "
        f"port={port}, log_level='warning', access_log=False, ws='none')"
    )
    command = [sys.executable, "-c", code]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the backend did not start")
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def sample_customers(
    url: str, size: int, rng: random.Random, customers: int
) -> list[dict[str, Any]]:
    """Active customers with a balance and an approving card, spread over the whole base."""
    engine = create_engine(url, future=True)
    chosen: list[dict[str, Any]] = []
    try:
        with engine.connect() as conn:
            while len(chosen) < size:
                ids = rng.sample(range(1, customers + 1), min(size * 4, customers))
                rows = conn.execute(
                    select(Customer.id, Customer.account_number, Customer.phone, PaymentMethod.id)
                    .join(PaymentMethod, PaymentMethod.customer_id == Customer.id)
                    .join(Bill, Bill.customer_id == Customer.id)
                    .where(
                        Customer.id.in_(ids),
                        Customer.status == "active",
                        PaymentMethod.gateway_token == "tok_demo_approve",
                        Bill.amount_due > 5,
                    )
                    .distinct()
                ).all()
                seen = {c["id"] for c in chosen}
                for row in rows:
                    if row[0] not in seen and len(chosen) < size:
                        chosen.append(
                            {"id": row[0], "account": row[1], "phone": row[2], "method": row[3]}
                        )
                        seen.add(row[0])
                if customers < size * 4 and len(chosen) < size:
                    break
    finally:
        engine.dispose()
    return chosen


def verify(client: httpx.Client, who: dict[str, Any], index: int) -> str:
    started = client.post(
        "/api/v1/identity/verifications",
        json={"identifier": who["account"], "channel": "bench", "conversation_id": f"b{index}"},
    )
    started.raise_for_status()
    outbox = client.get("/api/v1/demo/outbox", params={"to": who["phone"], "limit": 1}).json()
    code = re.search(r"\b(\d{6})\b", outbox["messages"][0]["body"])
    assert code is not None
    confirmed = client.post(
        f"/api/v1/identity/verifications/{started.json()['verification_id']}/confirm",
        json={"code": code.group(1)},
    )
    confirmed.raise_for_status()
    return str(confirmed.json()["token"])


Request = Callable[[httpx.Client, int], httpx.Response]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), load-independent."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(base: str, pid: int, name: str, request: Request, count: int, threads: int) -> OpResult:
    headers = {"X-Service-Key": SERVICE_KEY}
    latencies: list[float] = []
    errors = 0
    statuses: Counter[int] = Counter()
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for i in range(10):  # warm-up
            request(client, i)
        cpu_before = cpu_seconds(pid)
        for i in range(count):
            started = time.perf_counter()
            response = request(client, 10 + i)
            latencies.append((time.perf_counter() - started) * 1000)
            errors += response.status_code >= 400
            if response.status_code >= 400:
                statuses[response.status_code] += 1
        server_cpu = cpu_seconds(pid) - cpu_before
    done = 0
    lock = threading.Lock()

    def worker(offset: int) -> None:
        nonlocal done, errors
        with httpx.Client(base_url=base, headers=headers, timeout=30) as own:
            for i in range(count // threads):
                response = request(own, 100_000 + offset * 10_000 + i)
                with lock:
                    done += 1
                    errors += response.status_code >= 400
                    if response.status_code >= 400:
                        statuses[response.status_code] += 1

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=20)
    return OpResult(
        operation=name,
        requests=count,
        p50_ms=round(statistics.median(latencies), 2),
        p95_ms=round(quantiles[18], 2),
        throughput_rps=round(done / elapsed, 1),
        errors=errors,
        error_statuses=dict(statuses),
        server_cpu_ms=round(server_cpu * 1000 / count, 2),
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = BenchSettings()
    url, seed_seconds = prepare(settings, args.backend, args.customers, args.reuse)
    if args.seed_only:
        record = {
            "backend": args.backend,
            "customers": args.customers,
            "seed_seconds": round(seed_seconds, 1),
            "when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            "results": [],
        }
        with (settings.out_dir / "results.jsonl").open("a") as out:
            out.write(json.dumps(record) + "\n")
        return record
    load_before = [round(x, 2) for x in os.getloadavg()]
    rng = random.Random(args.random_seed)
    people = sample_customers(url, args.sample, rng, args.customers)
    print(f"sampled {len(people)} customers", flush=True)
    results: list[OpResult] = []
    with server(url) as (base, pid):
        with httpx.Client(base_url=base, headers={"X-Service-Key": SERVICE_KEY}, timeout=30) as c:
            tokens = [verify(c, who, i) for i, who in enumerate(people)]
        auth = [{"Authorization": f"Bearer {t}"} for t in tokens]
        run_id = uuid.uuid4().hex[:8]

        def me(client: httpx.Client, i: int) -> httpx.Response:
            return client.get("/api/v1/me", headers=auth[i % len(auth)])

        def bill(client: httpx.Client, i: int) -> httpx.Response:
            return client.get("/api/v1/me/bills/current", headers=auth[i % len(auth)])

        def pay(client: httpx.Client, i: int) -> httpx.Response:
            k = i % len(auth)
            return client.post(
                "/api/v1/me/payments",
                json={"amount": "0.01", "payment_method_id": people[k]["method"]},
                headers={**auth[k], "Idempotency-Key": f"bench-{run_id}-{i}"},
            )

        def lookup(client: httpx.Client, i: int) -> httpx.Response:
            who = people[i % len(people)]
            return client.post(
                "/api/v1/identity/verifications",
                json={"identifier": who["account"], "channel": "bench", "conversation_id": f"l{i}"},
            )

        for name, request in (
            ("account lookup GET /me", me),
            ("current bill GET /me/bills/current", bill),
            ("payment POST /me/payments", pay),
            ("identity lookup POST /identity/verifications", lookup),
        ):
            raise_priority(url, args.nice, (pid,))
            results.append(measure(base, pid, name, request, args.requests, args.threads))
            print(f"  {results[-1]}", flush=True)
    record = {
        "backend": args.backend,
        "customers": args.customers,
        "seed_seconds": None if seed_seconds != seed_seconds else round(seed_seconds, 1),
        "requests": args.requests,
        "threads": args.threads,
        "nice": args.nice,
        "sample": len(people),
        "when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        # 1/5/15-minute load averages of the shared machine when the run began and ended
        "load_before": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "results": [asdict(r) for r in results],
    }
    with (settings.out_dir / "results.jsonl").open("a") as out:
        out.write(json.dumps(record) + "\n")
    for r in results:
        print(
            f"| {args.backend} | {args.customers:,} | {r.operation} | {r.p50_ms} | {r.p95_ms} "
            f"| {r.server_cpu_ms} | {r.throughput_rps} | {r.errors} |"
        )
    return record


def report(settings: BenchSettings, since: str = "") -> None:
    """Markdown tables: per (backend, customers), the median of every run since ``since``."""
    runs: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
    seeds: dict[tuple[str, int], float] = {}
    for line in (settings.out_dir / "results.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record["when"] < since:
            continue
        key = (record["backend"], record["customers"])
        if record.get("seed_seconds") is not None:
            seeds[key] = record["seed_seconds"]
        if record["results"]:
            runs.setdefault((*key, record.get("nice", 0)), []).append(record)
    print(
        "| backend | customers | nice | operation | runs | p50 ms | p95 ms | p95 of each run "
        "| CPU ms/req | req/s, 4 threads | load avg (1 min) |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---|---:|---:|---|")
    for (backend, customers, nice), records in sorted(runs.items()):
        loads = [r["load_before"][0] for r in records if r.get("load_before")]
        load = f"{min(loads)}-{max(loads)}" if loads else ""
        for i, op in enumerate(records[0]["results"]):
            same = [r["results"][i] for r in records]
            med = {k: round(statistics.median(o[k] for o in same), 2) for k in _MEDIAN_KEYS}
            each = " / ".join(str(o["p95_ms"]) for o in same)
            print(
                f"| {backend} | {customers:,} | {-nice} | {op['operation']} | {len(same)} "
                f"| {med['p50_ms']} | {med['p95_ms']} | {each} | {med['server_cpu_ms']} "
                f"| {med['throughput_rps']} | {load} |"
            )
    print()
    print("| backend | customers | seed time (s) |")
    print("|---|---:|---:|")
    for (backend, customers), seconds in sorted(seeds.items()):
        print(f"| {backend} | {customers:,} | {seconds} |")


_MEDIAN_KEYS = ("p50_ms", "p95_ms", "server_cpu_ms", "throughput_rps")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run client, backend and its PostgreSQL connections at nice -N (root)",
    )
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--random-seed", type=int, default=11)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--seed-only", action="store_true", help="create and seed, then stop")
    parser.add_argument("--report", action="store_true", help="print the recorded results")
    parser.add_argument("--since", default="", help="report runs from this UTC time on")
    args = parser.parse_args()
    if args.report:
        report(BenchSettings(), args.since)
        return 0
    if not args.backend:
        parser.error("--backend is required")
    run(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
