"""Measure the two README commands from a clean clone.

    python bench/setup_timings.py [--skip-cold] [--out docs/setup-timings.md]

1. `make test` in a fresh clone (no .venv, no models/, no var/): the cold run.
2. `make test` again in the same clone: the warm run (venv and model reused).
3. `make run` in that clone until the chat page and the Rasa server answer, then
   Ctrl-C (SIGINT) and the time until every process has stopped.

The clone gets a copy of ../shared beside it, as CI does. Figures are appended to
the output file with the date, the machine's load and the commit measured.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(200 <= response.status < 500)
    except OSError:
        return False


def timed(cmd: list[str], cwd: Path, log: Path) -> tuple[float, int]:
    started = time.monotonic()
    with log.open("wb") as out:
        code = subprocess.call(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    return time.monotonic() - started, code


def time_make_run(clone: Path, log: Path, timeout: float = 900) -> tuple[float, float]:
    started = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            ["make", "run"], cwd=clone, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            while not (_answers("http://127.0.0.1:8000/") and _answers("http://127.0.0.1:5005/")):
                if proc.poll() is not None:
                    raise RuntimeError(f"make run exited early, see {log}")
                if time.monotonic() - started > timeout:
                    raise RuntimeError(f"make run not answering after {timeout}s, see {log}")
                time.sleep(0.5)
            up = time.monotonic() - started
            stop_started = time.monotonic()
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=60)
            return up, time.monotonic() - stop_started
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "setup-timings.md")
    parser.add_argument("--keep", action="store_true", help="keep the clone")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tcn-timings-"))
    clone = work / "main"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    shared = ROOT.parent / "shared"
    if shared.exists():
        shutil.copytree(shared, work / "shared")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True
    ).stdout.strip()
    load = os.getloadavg()[0]

    cold, cold_code = timed(["make", "test"], clone, work / "make-test-cold.log")
    print(f"make test (cold): {cold:.0f} s, exit {cold_code}", flush=True)
    warm, warm_code = timed(["make", "test"], clone, work / "make-test-warm.log")
    print(f"make test (warm): {warm:.0f} s, exit {warm_code}", flush=True)
    up, stop = time_make_run(clone, work / "make-run.log")
    print(f"make run until the page answers: {up:.0f} s; Ctrl-C to all stopped: {stop:.1f} s")

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with args.out.open("a") as out:
        out.write(
            f"\n| {stamp} | `{commit}` | {load:.1f} | {cold:.0f} s (exit {cold_code}) "
            f"| {warm:.0f} s (exit {warm_code}) | {up:.0f} s | {stop:.1f} s |\n"
        )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"clone and logs kept in {work}")
    return 0 if cold_code == warm_code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
